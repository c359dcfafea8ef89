import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from '../core/ports';
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

/**
 * Who should get their own view of a request card (card `refresh.userIds`, at most 60) and who is @mentioned on a
 * new request: the requester, the approvers this conversation is known to have (people who decided a request here,
 * or were shown the approver's view of a card here), then the rest of the roster of the team or group chat.
 *
 * Who could approve cannot be asked of Teams: it takes each person's own GDAP role (their token) and, with
 * APPROVER_GROUP_ID, their group membership. So approvers are learned as they show themselves, remembered in the
 * shared store (any instance, after a restart), and listed before the roster. Rosters are read in full (every page
 * of the members API) while the bot is in a turn there, kept for a while, and never needed for correctness: the base
 * card carries every action and the server decides who may use them.
 */
export class RefreshAudience {
  private readonly rosters = new Map<string, { ids: string[]; at: number }>();
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
      this.rosters.set(key, { ids: known?.ids ?? [], at: Date.now() });
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
    const ids: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_ROSTER_PAGES; page++) {
      const result = await TeamsInfo.getPagedMembers(ctx, ROSTER_PAGE_SIZE, token);
      ids.push(...result.members.map((m) => m.id).filter(Boolean));
      token = result.continuationToken || undefined;
      if (!token) break;
    }
    this.rosters.set(key, { ids: [...new Set(ids)], at: Date.now() });
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

  /** The approvers known for this conversation, newest first, without `except` (the requester), at most `limit`. */
  approversOf(conversationId: string | undefined, except: Array<string | undefined> = [], limit = MAX_MENTIONS): KnownApprover[] {
    if (!conversationId) return [];
    const skip = new Set(except.filter(Boolean));
    return (this.approvers.get(conversationKey(conversationId))?.list ?? []).filter((a) => !skip.has(a.id)).slice(0, limit);
  }

  /** The ids to put on a card's refresh: `first` (requester, deciders), the known approvers, then the roster; at most 60. */
  idsFor(conversationId: string | undefined, first: Array<string | undefined>): string[] {
    const key = conversationId ? conversationKey(conversationId) : undefined;
    const roster = key ? (this.rosters.get(key)?.ids ?? []) : [];
    const approvers = key ? (this.approvers.get(key)?.list ?? []).map((a) => a.id) : [];
    return [...new Set([...first.filter((x): x is string => Boolean(x)), ...approvers, ...roster])].slice(0, MAX_REFRESH_USERS);
  }
}

function mergeApprovers(newer: KnownApprover[], older: KnownApprover[]): KnownApprover[] {
  const seen = new Set<string>();
  return [...newer, ...older].filter((a) => a && typeof a.id === 'string' && !seen.has(a.id) && seen.add(a.id)).slice(0, MAX_KNOWN_APPROVERS);
}

const approversKey = (key: string) => `approvers:${key}`;

/** A channel thread's id carries `;messageid=…`; the roster belongs to the channel (its team). */
function conversationKey(id: string): string {
  return id.split(';')[0];
}
