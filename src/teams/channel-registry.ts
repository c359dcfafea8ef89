import { TurnContext } from 'botbuilder';
import type { SharedState } from './sign-in';

/**
 * Conversation references of the team channels the bot has seen, so a 1:1 request can be posted to one. Shared, so
 * a restarted bot or another instance knows the approvers' channel without waiting for activity there.
 */
export class ChannelRegistry {
  /** What this process last stored per channel, so an unchanged reference is not written again on every turn. */
  private readonly known = new Map<string, string>();

  constructor(
    private readonly shared: SharedState,
    /** The team channel that requests raised in a 1:1 chat are sent to (APPROVAL_CHANNEL_ID), if any. */
    private readonly approvalChannelId?: string,
  ) {}

  /** Whether a channel for 1:1 requests is configured (the form then offers "send to the approvers' channel"). */
  get configured(): boolean {
    return Boolean(this.approvalChannelId);
  }

  /** Remembers the channel of a channel activity (its thread suffix dropped). */
  async learn(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    if (a.conversation?.conversationType !== 'channel') return;
    const channelId = (a.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? a.conversation.id.split(';')[0];
    const ref = TurnContext.getConversationReference(a);
    const reference = JSON.stringify({ ...ref, conversation: { ...ref.conversation, id: channelId }, activityId: undefined });
    if (this.known.get(channelId) === reference) return;
    await this.shared.put(`channel:${channelId}`, JSON.parse(reference));
    this.known.set(channelId, reference);
  }

  /** The approvers' channel's reference, once the bot has seen activity there (here or on another instance). */
  async reference(): Promise<Record<string, unknown> | undefined> {
    return this.approvalChannelId ? this.shared.get<Record<string, unknown>>(`channel:${this.approvalChannelId}`) : undefined;
  }
}
