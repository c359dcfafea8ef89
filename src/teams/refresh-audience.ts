import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Logger } from '../core/ports';

/** Teams shows user-specific views (card `refresh`) to at most 60 listed people. */
export const MAX_REFRESH_USERS = 60;

/**
 * Who should get their own view of a request card: the members of the team or group chat it was posted in.
 * Rosters are read with the Teams members API while the bot is in a turn there, kept for a while, and never
 * needed for correctness: the base card carries every action and the server decides who may use them.
 */
export class RefreshAudience {
  private readonly rosters = new Map<string, { ids: string[]; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly logger: Logger,
    /** How long a turn waits for the roster before going on without it (it still arrives for later cards). */
    private readonly waitMs = 1500,
  ) {}

  /** In a team or group chat: (re)reads the roster when it is unknown or stale. */
  async learn(ctx: TurnContext): Promise<void> {
    const type = ctx.activity.conversation?.conversationType;
    if (type !== 'channel' && type !== 'groupChat') return;
    const key = conversationKey(ctx.activity.conversation.id);
    const known = this.rosters.get(key);
    if (known && Date.now() - known.at < this.ttlMs) return;
    // Marked as fresh first, so a burst of turns reads the roster once.
    this.rosters.set(key, { ids: known?.ids ?? [], at: Date.now() });
    const load = TeamsInfo.getPagedMembers(ctx, 100)
      .then((page) => this.rosters.set(key, { ids: page.members.map((m) => m.id).filter(Boolean), at: Date.now() }))
      .catch((e: unknown) => {
        this.rosters.delete(key);
        this.logger.info({ err: e instanceof Error ? e.name : String(e), status: (e as { statusCode?: number }).statusCode }, 'could not read the conversation roster; cards refresh for the people seen acting only');
      });
    await Promise.race([load, new Promise((resolve) => setTimeout(resolve, this.waitMs).unref())]);
  }

  /** The ids to put on a card's refresh: `first` (requester, deciders) before the rest of the roster, at most 60. */
  idsFor(conversationId: string | undefined, first: Array<string | undefined>): string[] {
    const roster = conversationId ? (this.rosters.get(conversationKey(conversationId))?.ids ?? []) : [];
    return [...new Set([...first.filter((x): x is string => Boolean(x)), ...roster])].slice(0, MAX_REFRESH_USERS);
  }
}

/** A channel thread's id carries `;messageid=…`; the roster belongs to the channel (its team). */
function conversationKey(id: string): string {
  return id.split(';')[0];
}
