import { ActivityEx, CardFactory, TurnContext, type Activity, type Attachment, type CloudAdapter, type ConversationParameters, type ConversationReference } from 'botbuilder';
import type { BotFrameworkAuthentication, ClaimsIdentity, ConnectorFactory } from 'botframework-connector';
import type { CardLocation } from '../core/approval/user-request';
import type { Logger } from '../core/ports';
import type { AdaptiveCardJson } from './cards/card-templates';
import { ConversationPacer, DEFAULT_RETRY, withConnectorRetry, type RetryOptions } from './connector-retry';

/**
 * Updates a card after its invoke has been answered (the result replacing "Creating…", the password removed after
 * its time), in the stored conversation, with the bot's own credentials. Nothing here is scheduled in memory:
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
  private factory?: ConnectorFactory;

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
            await this.writeIntoMessage(location, card);
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
   * The PUT that `ctx.updateActivity` sent from inside `continueConversationAsync`, without the proactive turn that
   * was built around it (issue 16): the same connector client (the adapter's factory for the bot's own claims,
   * shared by every turn: inbound-auth-cache.ts), the same activity (the continuation's conversation reference
   * applied to it, as TurnContext.updateActivity did) and the same call. That turn also built a UserTokenClient and
   * a TurnContext and ran the adapter's middleware, none of which an update uses; measured side by side, it was
   * ≈ 7 % of a review's CPU, and a request writes three or four cards. A refused write now rejects here directly,
   * where the turn's error handler used to take it first (see `surfaced`).
   */
  private async writeIntoMessage(location: CardLocation, card: AdaptiveCardJson): Promise<void> {
    const reference = location.conversation as Partial<ConversationReference>;
    const client = await this.connectorFactory().create(String(reference.serviceUrl), undefined);
    const continuation = TurnContext.getConversationReference(ActivityEx.getContinuationActivity(reference));
    const activity = TurnContext.applyConversationReference({ type: 'message', id: location.activityId, attachments: [CardFactory.adaptiveCard(card)] }, continuation) as Activity;
    await client.conversations.updateActivity(activity.conversation.id, location.activityId, activity);
  }

  /**
   * The adapter's connector factory for the bot's own claims, made once: the claims never change, and the clients
   * it creates are kept per service URL by inbound-auth-cache.ts.
   */
  private connectorFactory(): ConnectorFactory {
    const adapter = this.adapter as unknown as ProactiveParts;
    return (this.factory ??= adapter.botFrameworkAuthentication.createConnectorFactory(adapter.createClaimsIdentity(this.botAppId)));
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

/** What CloudAdapter's own proactive turn uses (protected in its typings): its authentication and the bot's claims. */
interface ProactiveParts {
  botFrameworkAuthentication: BotFrameworkAuthentication;
  createClaimsIdentity(botAppId: string): ClaimsIdentity;
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
