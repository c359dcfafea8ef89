import { CardFactory, TurnContext, type Attachment, type CloudAdapter, type ConversationParameters, type ConversationReference } from 'botbuilder';
import type { CardLocation } from '../core/approval/user-request';
import type { Logger } from '../core/ports';
import type { AdaptiveCardJson } from './cards/card-templates';

/**
 * Updates a card after its invoke has been answered (the result replacing "Creating…", the password removed after
 * its time), through a proactive continuation of the stored conversation. Nothing here is scheduled in memory:
 * work due later lives in the durable due-work queue.
 */
export class CardUpdater {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly logger: Logger,
  ) {}

  async update(location: CardLocation, card: AdaptiveCardJson): Promise<void> {
    await this.adapter.continueConversationAsync(this.botAppId, location.conversation as Partial<ConversationReference>, async (ctx) => {
      await ctx.updateActivity({ type: 'message', id: location.activityId, attachments: [CardFactory.adaptiveCard(card)] });
    });
  }

  /**
   * Sends a card to one person privately (a new or existing 1:1 chat with the bot), using the service URL and
   * tenant of a conversation the bot is already in. Returns where the card is, so it can be edited later.
   */
  async sendPrivate(toTeamsUserId: string, via: Record<string, unknown>, card: AdaptiveCardJson | Attachment): Promise<CardLocation | undefined> {
    const attachment = 'contentType' in card ? (card as Attachment) : CardFactory.adaptiveCard(card);
    const ref = via as Partial<ConversationReference>;
    const tenantId = (ref.conversation as { tenantId?: string } | undefined)?.tenantId;
    if (!ref.serviceUrl) return undefined;
    let location: CardLocation | undefined;
    const params = { isGroup: false, bot: ref.bot, members: [{ id: toTeamsUserId }], tenantId, channelData: { tenant: { id: tenantId } } } as unknown as ConversationParameters;
    await this.adapter.createConversationAsync(this.botAppId, ref.channelId ?? 'msteams', ref.serviceUrl, 'https://api.botframework.com', params, async (ctx) => {
      const sent = await ctx.sendActivity({ attachments: [attachment] });
      if (sent?.id) location = { conversation: { ...TurnContext.getConversationReference(ctx.activity) }, activityId: sent.id };
    });
    return location;
  }

  /** Posts a new card in a conversation the bot knows (a team channel), returning where it is. */
  async post(conversation: Record<string, unknown>, card: AdaptiveCardJson): Promise<CardLocation | undefined> {
    let location: CardLocation | undefined;
    await this.adapter.continueConversationAsync(this.botAppId, conversation as Partial<ConversationReference>, async (ctx) => {
      const sent = await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
      if (sent?.id) location = { conversation: { ...conversation }, activityId: sent.id };
    });
    return location;
  }
}
