import { CardFactory, TurnContext, type Attachment, type CloudAdapter, type ConversationParameters, type ConversationReference } from 'botbuilder';
import type { CardLocation } from '../core/approval/user-request';
import type { Logger } from '../core/ports';
import type { AdaptiveCardJson } from './cards/card-templates';
import { ConversationPacer, DEFAULT_RETRY, withConnectorRetry, type RetryOptions } from './connector-retry';

/**
 * Updates a card after its invoke has been answered (the result replacing "Creating…", the password removed after
 * its time), through a proactive continuation of the stored conversation. Nothing here is scheduled in memory:
 * work due later lives in the durable due-work queue.
 *
 * Every call is paced per conversation and retried on the Bot Connector's transient answers (429 with
 * Retry-After, 412, 502, 504). Updates of one message go out in order, and an update that is still waiting to be
 * retried is dropped as soon as a newer version of the same card is queued: "Creating…" can never land after the
 * result.
 */
export class CardUpdater {
  private readonly pacer: ConversationPacer;
  /** Per message, the newest version asked for and the chain of writes, so writes of one card stay in order. */
  private readonly cards = new Map<string, { version: number; chain: Promise<unknown>; wake?: () => void }>();

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
    private readonly logger: Logger,
    private readonly retry: RetryOptions = DEFAULT_RETRY,
    pacer?: ConversationPacer,
  ) {
    this.pacer = pacer ?? new ConversationPacer();
  }

  /**
   * `unlessReplacedWithinMs`: a passing version ("Creating…") waits that long before it is written, and is not
   * written at all when a newer version of the card is queued meanwhile (which then goes out at once).
   */
  async update(location: CardLocation, card: AdaptiveCardJson, opts?: { unlessReplacedWithinMs?: number }): Promise<void> {
    const conversationId = conversationIdOf(location.conversation);
    const key = `${conversationId}|${location.activityId}`;
    const entry = this.cards.get(key) ?? { version: 0, chain: Promise.resolve() };
    // A passing version still waiting gives way to this one now.
    entry.wake?.();
    const version = entry.version + 1;
    const current = () => this.cards.get(key)?.version === version;
    let wake: (() => void) | undefined;
    const replaced = opts?.unlessReplacedWithinMs
      ? new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, opts.unlessReplacedWithinMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        })
      : undefined;
    const write = entry.chain
      .catch(() => undefined)
      .then(async () => {
        if (replaced) await replaced;
        if (!current()) return; // a newer version of this card is queued: it is the one to write
        await withConnectorRetry(
          'update card',
          async () => {
            await this.pacer.slot(conversationId);
            await surfaced((run) =>
              this.adapter.continueConversationAsync(this.botAppId, location.conversation as Partial<ConversationReference>, async (ctx) =>
                run(async () => {
                  await ctx.updateActivity({ type: 'message', id: location.activityId, attachments: [CardFactory.adaptiveCard(card)] });
                }),
              ),
            );
          },
          this.logger,
          this.retry,
          current,
        );
      });
    this.cards.set(key, { version, chain: write, wake });
    try {
      await write;
    } finally {
      if (this.cards.get(key)?.version === version) this.cards.delete(key);
    }
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
    const serviceUrl = ref.serviceUrl;
    let location: CardLocation | undefined;
    const params = { isGroup: false, bot: ref.bot, members: [{ id: toTeamsUserId }], tenantId, channelData: { tenant: { id: tenantId } } } as unknown as ConversationParameters;
    // Creating the 1:1 chat is idempotent (Teams answers with the same conversation), so the whole step retries;
    // a send that failed transiently was not delivered, so it cannot arrive twice.
    await withConnectorRetry(
      'send private message',
      async () => {
        await this.pacer.slot(`1on1:${toTeamsUserId}`);
        await surfaced((run) =>
          this.adapter.createConversationAsync(this.botAppId, ref.channelId ?? 'msteams', serviceUrl, 'https://api.botframework.com', params, async (ctx) =>
            run(async () => {
              const sent = await ctx.sendActivity({ attachments: [attachment] });
              if (sent?.id) location = { conversation: { ...TurnContext.getConversationReference(ctx.activity) }, activityId: sent.id };
            }),
          ),
        );
      },
      this.logger,
      this.retry,
    );
    return location;
  }

  /** Posts a new card in a conversation the bot knows (a team channel), returning where it is. */
  async post(conversation: Record<string, unknown>, card: AdaptiveCardJson): Promise<CardLocation | undefined> {
    let location: CardLocation | undefined;
    await withConnectorRetry(
      'post card',
      async () => {
        await this.pacer.slot(conversationIdOf(conversation));
        await surfaced((run) =>
          this.adapter.continueConversationAsync(this.botAppId, conversation as Partial<ConversationReference>, async (ctx) =>
            run(async () => {
              const sent = await ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
              if (sent?.id) location = { conversation: { ...conversation }, activityId: sent.id };
            }),
          ),
        );
      },
      this.logger,
      this.retry,
    );
    return location;
  }
}

/**
 * An error thrown inside a proactive turn goes to the adapter's turn error handler (the app's), which answers it and
 * returns normally: the caller would take a refused write for a success and never retry it (a 412, which the SDK's
 * own pipeline does not retry). The work's error is kept and rethrown here, outside the turn.
 */
async function surfaced(turn: (run: (work: () => Promise<void>) => Promise<void>) => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  await turn(async (work) => {
    try {
      await work();
    } catch (error) {
      failure = { error };
    }
  });
  if (failure) throw failure.error;
}

function conversationIdOf(reference: Record<string, unknown>): string {
  return String((reference.conversation as { id?: unknown } | undefined)?.id ?? 'unknown');
}
