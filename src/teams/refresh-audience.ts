import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { DirectoryPerson, Logger } from '../core/ports';
import type { SharedState } from './sign-in';

/** Teams shows user-specific views (card `refresh`) to at most 60 listed people. */
export const MAX_REFRESH_USERS = 60;
/** Teams' members API answers at most 500 members a page. */
const ROSTER_PAGE_SIZE = 500;
/** A bound on a roster read (100,000 members): a runaway continuation token cannot keep a turn busy forever. */
const MAX_ROSTER_PAGES = 200;
/** Approvers remembered per conversation (newest first), and how many of them a new request @mentions. */
const MAX_KNOWN_APPROVERS = 50;
export const MAX_MENTIONS = 5;
const KNOWN_APPROVERS_TTL_MS = 90 * 24 * 60 * 60_000;

/** Someone who decided a request here, or whose own view of a card here was the approver's. */
export interface KnownApprover {
  id: string;
  name: string;
}

/** A roster entry: the Teams id a card names, and the Entra object id the directory knows the person by. */
interface RosterMember {
  id: string;
  aadObjectId?: string;
  name: string;
}

/** Customers whose approvers (found in the directory) are kept here; the look-up itself is cached upstream. */
const MAX_CUSTOMERS = 500;

/**
 * Who should get their own view of a request card (card `refresh.userIds`, at most 60) and who is @mentioned on a
 * new request: the requester, the approvers this conversation is known to have (people who decided a request here,
 * or were shown the approver's view of a card here), then the rest of the roster of the team or group chat.
 *
 * Who could approve cannot be asked of Teams. It is read from the directory per customer (the members, in full, of
 * APPROVER_GROUP_ID or of the groups holding the GDAP role: Preflight.approversOf) and matched to the roster by
 * Entra object id; and approvers are also learned as they show themselves, remembered in the shared store (any
 * instance, after a restart), so a directory that cannot be read still leaves them. Both are listed before the roster. Rosters are read in full (every page
 * of the members API) while the bot is in a turn there, kept for a while, and never needed for correctness: the base
 * card carries every action and the server decides who may use them.
 */
export class RefreshAudience {
  private readonly rosters = new Map<string, { members: RosterMember[]; at: number }>();
  /** Per customer: the partner-tenant users who could approve its requests (groups read in full), newest answer. */
  private readonly found = new Map<string, DirectoryPerson[]>();
  private readonly approvers = new Map<string, { list: KnownApprover[]; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly logger: Logger,
    /** How long a turn waits for the roster before going on without it (it still arrives for later cards). */
    private readonly waitMs = 1500,
    private readonly shared?: SharedState,
  ) {}

  /** In a team or group chat: (re)reads the roster and the known approvers when unknown or stale. */
  async learn(ctx: TurnContext): Promise<void> {
    const type = ctx.activity.conversation?.conversationType;
    if (type !== 'channel' && type !== 'groupChat') return;
    const key = conversationKey(ctx.activity.conversation.id);
    const loads = [this.loadApprovers(key)];
    const known = this.rosters.get(key);
    if (!known || Date.now() - known.at >= this.ttlMs) {
      // Marked as fresh first, so a burst of turns reads the roster once.
      this.rosters.set(key, { members: known?.members ?? [], at: Date.now() });
      loads.push(
        this.readRoster(ctx, key).catch((e: unknown) => {
          this.rosters.delete(key);
          this.logger.info({ err: e instanceof Error ? e.name : String(e), status: (e as { statusCode?: number }).statusCode }, 'could not read the conversation roster; cards refresh for the people seen acting only');
        }),
      );
    }
    await Promise.race([Promise.all(loads), new Promise((resolve) => setTimeout(resolve, this.waitMs).unref())]);
  }

  /** Every page of the members API; the roster is replaced only once it is read in full. */
  private async readRoster(ctx: TurnContext, key: string): Promise<void> {
    const members = new Map<string, RosterMember>();
    let token: string | undefined;
    for (let page = 0; page < MAX_ROSTER_PAGES; page++) {
      const result = await TeamsInfo.getPagedMembers(ctx, ROSTER_PAGE_SIZE, token);
      for (const m of result.members) if (m.id && !members.has(m.id)) members.set(m.id, { id: m.id, aadObjectId: m.aadObjectId || undefined, name: m.name ?? '' });
      token = result.continuationToken || undefined;
      if (!token) break;
    }
    this.rosters.set(key, { members: [...members.values()], at: Date.now() });
  }

  private async loadApprovers(key: string): Promise<void> {
    if (!this.shared) return;
    const known = this.approvers.get(key);
    if (known && Date.now() - known.at < this.ttlMs) return;
    try {
      const list = (await this.shared.get<KnownApprover[]>(approversKey(key))) ?? [];
      this.approvers.set(key, { list: mergeApprovers(list, this.approvers.get(key)?.list ?? []), at: Date.now() });
    } catch (e) {
      this.logger.info({ err: e instanceof Error ? e.name : String(e) }, 'could not read the known approvers of a conversation');
    }
  }

  /** Remembers a person who showed they may approve requests raised in this conversation. */
  async noteApprover(conversationId: string | undefined, who: { teamsId?: string; name: string }): Promise<void> {
    if (!conversationId || !who.teamsId) return;
    const key = conversationKey(conversationId);
    const current = this.approvers.get(key)?.list ?? [];
    if (current[0]?.id === who.teamsId && current[0]?.name === who.name) return;
    const list = mergeApprovers([{ id: who.teamsId, name: who.name }], current);
    this.approvers.set(key, { list, at: this.approvers.get(key)?.at ?? 0 });
    await this.shared?.put(approversKey(key), list, KNOWN_APPROVERS_TTL_MS);
  }

  /**
   * Learns who could approve this customer's requests, found in full in the directory by `load` (cached there for
   * the look-up TTL). Waits at most `waitMs`; a slow answer still arrives for later cards, and a failed one leaves
   * the last answer (or none: then only the approvers seen acting are listed). Never fails the caller.
   */
  async learnApprovers(customerId: string, load: () => Promise<DirectoryPerson[]>, waitMs = this.waitMs): Promise<void> {
    const loading = load().then(
      (people) => {
        if (!this.found.has(customerId) && this.found.size >= MAX_CUSTOMERS) this.found.delete(this.found.keys().next().value as string);
        this.found.set(customerId, people);
      },
      (e: unknown) => this.logger.info({ err: e instanceof Error ? e.name : String(e), code: (e as { code?: string }).code }, 'could not read who may approve for a customer; cards name the approvers seen acting only'),
    );
    await Promise.race([loading, new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  /** The customer's approvers (found in the directory) who are in this conversation's roster, in roster order. */
  private foundHere(key: string | undefined, customerId: string | undefined): KnownApprover[] {
    const people = customerId ? this.found.get(customerId) : undefined;
    if (!key || !people?.length) return [];
    const wanted = new Set(people.map((p) => p.id.toLowerCase()));
    return (this.rosters.get(key)?.members ?? []).filter((m) => m.aadObjectId && wanted.has(m.aadObjectId.toLowerCase())).map((m) => ({ id: m.id, name: m.name || people.find((p) => p.id.toLowerCase() === m.aadObjectId!.toLowerCase())?.displayName || '' }));
  }

  /**
   * The approvers to @mention, without `except` (the requester), at most `limit`: those found in the directory for
   * `customerId` who are in this conversation, then the ones known here (newest first).
   */
  approversOf(conversationId: string | undefined, except: Array<string | undefined> = [], limit = MAX_MENTIONS, customerId?: string): KnownApprover[] {
    if (!conversationId) return [];
    const key = conversationKey(conversationId);
    const skip = new Set(except.filter(Boolean));
    return mergeApprovers(this.foundHere(key, customerId), this.approvers.get(key)?.list ?? [], Number.MAX_SAFE_INTEGER)
      .filter((a) => !skip.has(a.id))
      .slice(0, limit);
  }

  /**
   * The ids to put on a card's refresh: `first` (requester, deciders), the approvers found for `customerId` in this
   * conversation, the known approvers, then the roster; at most 60.
   */
  idsFor(conversationId: string | undefined, first: Array<string | undefined>, customerId?: string): string[] {
    const key = conversationId ? conversationKey(conversationId) : undefined;
    const roster = key ? (this.rosters.get(key)?.members ?? []).map((m) => m.id) : [];
    const found = this.foundHere(key, customerId).map((a) => a.id);
    const approvers = key ? (this.approvers.get(key)?.list ?? []).map((a) => a.id) : [];
    return [...new Set([...first.filter((x): x is string => Boolean(x)), ...found, ...approvers, ...roster])].slice(0, MAX_REFRESH_USERS);
  }
}

function mergeApprovers(newer: KnownApprover[], older: KnownApprover[], max = MAX_KNOWN_APPROVERS): KnownApprover[] {
  const seen = new Set<string>();
  return [...newer, ...older].filter((a) => a && typeof a.id === 'string' && !seen.has(a.id) && seen.add(a.id)).slice(0, max);
}

const approversKey = (key: string) => `approvers:${key}`;

/** A channel thread's id carries `;messageid=…`; the roster belongs to the channel (its team). */
function conversationKey(id: string): string {
  return id.split(';')[0];
}
