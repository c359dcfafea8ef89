import { randomUUID } from 'node:crypto';
import {
  ActivityTypes,
  CardFactory,
  ConfigurationServiceClientCredentialFactory,
  type Request as BotRequest,
  type Response as BotResponse,
  TurnContext,
} from 'botbuilder';
// The two classes from their own files, not the package index: the index also loads teams-ai's LLM planners,
// OpenAI client and GPT tokenizer, which this bot never uses (≈ 0.5 s of every start).
import { Application } from '@microsoft/teams-ai/lib/Application';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import type { Actor } from '../core/approval/request-state';
import type { CardLocation } from '../core/approval/user-request';
import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../core/ports';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { DueWorkRunner } from '../core/approval/due-work-runner';
import { finishOrphansNow } from '../core/use-cases/in-flight';
import { actionInvokeSchema, isVerb, searchInvokeSchema, type Verb } from './action-invoke';
import { BackgroundWork } from './background';
import { CardUpdater } from './card-updater';
import { registerHistoryRoute, type HistorySettings } from './history-route';
import { dueWorkHandlers } from './due-work-handlers';
import { OutcomeDelivery } from './outcome-delivery';
import { RefreshAudience } from './refresh-audience';
import type { AdaptiveCardJson } from './cards/card-templates';
import type { CardViews } from './cards/views';
import { replyPreconditionFailed, replyWithCard, replyWithLoginRequest, sendInvokeResponse } from './invoke-response';
import { ApprovalFlow, type ApprovalSettings } from './approval-flow';
import { PersonalFlow, type ActionTurn } from './personal-flow';
import { SignIn, type SharedState, type SignInOptions } from './sign-in';
import { botFrameworkAuthConfig, runInbound } from './inbound-activity';
import { answerUnhandledInvokes } from './unhandled-invoke';
import { cleanText, markdownText, TEXT_LIMITS } from '../core/text/people-text';

const DEFAULT_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
import { signInRoutes } from './sign-in-routes';
import { SIGN_IN_DEADLINE_MS, timeBoxed } from './time-box';
import { refuseOtherChannels } from './channel-guard';
import { observerRefresh } from './automatic-refresh';
import { mirrorPersonalStep } from './personal-mirror';
import { INVALID_AUTH_CODE_BODY, signInWithMagicCode, TokenService } from './token-service';

export interface TeamsAppOptions {
  useCases: UseCaseDeps;
  views: CardViews;
  logger: Logger;
  /** `openIdMetadataUrl`: where inbound tokens' signing keys are published (default: the Bot Connector's). */
  bot: { id?: string; password?: string; tenantId?: string; openIdMetadataUrl?: string; oauthUrl?: string };
  /** `botId`: the app id in `api://botid-…` (default the bot's id): the Entra app id when no bot id is set (sandbox). */
  signIn: Omit<SignInOptions, 'botId' | 'logger' | 'clock' | 'tokens'> & { botId?: string };
  /** Look-ups (customer lists, domains) are reused for this long. */
  cacheTtlMs: number;
  approvals: ApprovalSettings;
  history: HistorySettings;
  /** Durable state: teams-ai turn state (botbuilder Storage) and small sealed items every instance shares. */
  state: { turnState: import('botbuilder').Storage; shared: SharedState };
  dueWork: {
    /** How often this instance looks for due work (expiry, hiding passwords, finishing interrupted creations). */
    pollMs: number;
    /** Whether the store is this process's alone (SQLite, memory): then creations left in flight at start are orphans. */
    singleInstanceStore: boolean;
  };
}

const AFTER_RESPONSE = Symbol('afterResponse');

/** Runs `work` once this turn's answer is written (outside a turn runner: on the next tick). */
function queueAfterResponse(ctx: TurnContext, work: () => void): void {
  const queue = ctx.turnState.get(AFTER_RESPONSE) as ((w: () => void) => void) | undefined;
  (queue ?? setImmediate)(work);
}

/**
 * The Teams edge: the only place (with the rest of src/teams/) that knows botbuilder and teams-ai. It parses
 * every inbound activity, signs the person in, calls the flow, and turns every error into a card through the
 * one error table.
 */
export function createTeamsApp(opts: TeamsAppOptions) {
  const { useCases, views, logger } = opts;
  const botId = opts.bot.id ?? '';
  const metadataUrl = opts.bot.openIdMetadataUrl ?? DEFAULT_OPENID_METADATA_URL;
  const adapter = new TeamsAdapter(
    botFrameworkAuthConfig(metadataUrl, opts.bot.oauthUrl),
    new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: opts.bot.id,
      MicrosoftAppPassword: opts.bot.password,
      MicrosoftAppType: opts.bot.tenantId ? 'SingleTenant' : 'MultiTenant',
      MicrosoftAppTenantId: opts.bot.tenantId,
    }),
  );
  const app = new Application<TurnState>({ adapter, storage: opts.state.turnState, removeRecipientMention: true, startTypingTimer: true, longRunningMessages: false });
  const background = new BackgroundWork(logger);
  const updater = new CardUpdater(adapter, botId, logger);
  const audience = new RefreshAudience(10 * 60_000, logger, undefined, opts.state.shared);
  const delivery = new OutcomeDelivery(useCases, views, updater, { passwordToApprover: opts.approvals.passwordToApprover }, audience, opts.state.shared);
  const approvals = new ApprovalFlow(useCases, views, updater, background, delivery, opts.approvals, audience);
  const dueWork = new DueWorkRunner(useCases.dueWork, dueWorkHandlers(useCases, delivery), {
    owner: `bot-${randomUUID()}`,
    pollMs: opts.dueWork.pollMs,
    // A claim outlives the longest handler: finishing a creation runs one Partner Center call to its deadline.
    leaseMs: useCases.settings.creationLeaseMs,
    clock: useCases.clock,
    logger,
  });
  /**
   * Conversation references of the team channels the bot has seen, so a 1:1 request can be posted to one; shared,
   * so a restarted bot or another instance knows the approvers' channel without waiting for activity there.
   */
  const channels = new Map<string, string>();
  const shared = opts.state.shared;
  const approvalChannel = async () => (opts.approvals.channelId ? shared.get<Record<string, unknown>>(`channel:${opts.approvals.channelId}`) : undefined);
  const flow = new PersonalFlow(useCases, views, delivery, background, approvals, opts.cacheTtlMs, { configured: Boolean(opts.approvals.channelId), reference: approvalChannel });
  app.turn('beforeTurn', async (ctx) => {
    const a = ctx.activity;
    if (a.conversation?.conversationType === 'channel') {
      const channelId = (a.channelData as { channel?: { id?: string } } | undefined)?.channel?.id ?? a.conversation.id.split(';')[0];
      const ref = TurnContext.getConversationReference(a);
      const reference = JSON.stringify({ ...ref, conversation: { ...ref.conversation, id: channelId }, activityId: undefined });
      if (channels.get(channelId) !== reference) {
        await shared.put(`channel:${channelId}`, JSON.parse(reference));
        channels.set(channelId, reference);
      }
    }
    await audience.learn(ctx);
    // A password waiting for this person (Teams refused to message them before) is handed over in this 1:1 turn.
    await delivery.onPersonalTurn(ctx).catch((e: unknown) => logger.warn({ code: toAppError(e).code }, 'could not hand over a waiting password'));
    return true;
  });
  // Without a bot id (sandbox) there is no Bot Framework token service to ask, and nothing may reach Microsoft.
  const tokenService = opts.bot.id ? new TokenService(opts.signIn.connectionName, logger) : undefined;
  const signIn = new SignIn({ ...opts.signIn, botId: botId || opts.signIn.botId || '00000000-0000-0000-0000-000000000000', tokens: useCases.tokens, clock: useCases.clock, logger, sharedSessions: shared, signInResource: tokenService && ((ctx) => tokenService.signInResource(ctx)) });
  /** Runs `work` in a new turn on the same conversation once this turn's answer is written. */
  const afterResponse = (ctx: TurnContext, work: (later: TurnContext) => Promise<void>): void => {
    const reference = TurnContext.getConversationReference(ctx.activity);
    queueAfterResponse(ctx, () => void background.run('after-sign-in', {}, () => adapter.continueConversationAsync(botId, reference, async (later) => work(later))));
  };
  /**
   * What a person asked for before they had to sign in, resumed right after the token exchange (which may reach
   * another instance, hence shared). A sign-in that never comes leaves nothing behind after 15 minutes.
   */
  type Pending = { kind: 'new user' } | { kind: 'approve'; requestId: string; location: CardLocation };
  const pendingAfterSignIn = {
    set: (userKey: string, value: Pending) => shared.put(`pending-sign-in:${userKey}`, value, 15 * 60_000),
    take: async (userKey: string) => {
      const value = await shared.get<Pending>(`pending-sign-in:${userKey}`);
      if (value) await shared.delete(`pending-sign-in:${userKey}`);
      return value;
    },
  };

  const actorOf = (ctx: TurnContext, user: { oid: string; upn: string; displayName?: string }): Actor => ({
    oid: user.oid,
    upn: user.upn,
    name: user.displayName ?? ctx.activity.from.name ?? user.upn,
    teamsId: ctx.activity.from.id,
  });

  const sendCard = (ctx: TurnContext, card: AdaptiveCardJson) => ctx.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });

  const startNewUser = async (ctx: TurnContext, retried = false): Promise<void> => {
    const correlationId = randomUUID();
    try {
      const cred = await signIn.credentialFor(ctx);
      if (!cred) {
        if (ctx.activity.conversation.conversationType !== 'personal') {
          // OAuth cards do not work in channels; the card action signs the person in (Universal Actions SSO).
          await sendCard(ctx, views.notice({ title: 'New user request', text: 'Fill the form here and an approver of this team creates the user with their own identity.', buttons: [{ title: 'Open the form', verb: 'openForm', requestId: '' }] }));
          return;
        }
        await pendingAfterSignIn.set(SignIn.requireUserKey(ctx), { kind: 'new user' });
        await signIn.sendSignInCard(ctx);
        return;
      }
      if (!cred.user.mfa) throw new AppError('MFA_REQUIRED', 'sign-in without MFA');
      await sendCard(ctx, await flow.customerPicker(cred, correlationId));
    } catch (e) {
      // A session whose assertion is refused for good is dropped: start again, which signs the person in afresh.
      if (!retried && (await signIn.dropIfRefused(ctx, e))) return startNewUser(ctx, true);
      await sendCard(ctx, reportError(e, correlationId, { turn: 'new user' }));
    }
  };

  const reportError = (e: unknown, correlationId: string, fields: object): AdaptiveCardJson => {
    const error = toAppError(e);
    const log = error.code === 'INTERNAL' ? logger.error.bind(logger) : logger.warn.bind(logger);
    log({ ...fields, correlationId: error.correlationId ?? correlationId, code: error.code, upstreamCode: error.upstreamCode, httpStatus: error.httpStatus, err: error.code === 'INTERNAL' ? describe(error.cause ?? error) : undefined }, 'turn failed');
    return views.error(error, correlationId);
  };

  // Welcome: when the bot is added to a conversation (installing the app adds it). Teams also sends an
  // installationUpdate for the same install; answering both would post the welcome twice.
  app.conversationUpdate('membersAdded', async (ctx) => {
    const added = ctx.activity.membersAdded ?? [];
    if (added.some((m) => m.id === ctx.activity.recipient.id)) await sendCard(ctx, views.welcome());
  });

  app.message(/^\s*new\s*user\s*$/i, async (ctx) => startNewUser(ctx));
  app.message(/^\s*help\s*$/i, async (ctx) => {
    const cred = await signIn.credentialFor(ctx).catch(() => undefined);
    await sendCard(ctx, views.welcome(cred?.user.upn));
  });
  const history = registerHistoryRoute(app, { useCases, views, logger, signIn, adapter, botId, updater, background, shared, reportError, settings: opts.history, afterResponse: queueAfterResponse });
  // `customers [name]`: connection state of each customer, with Connect; `customers log`: who connected what.
  app.message(/^\s*customers\b/i, async (ctx) => {
    const correlationId = randomUUID();
    try {
      const cred = await signIn.credentialFor(ctx);
      if (!cred) {
        await signIn.sendSignInCard(ctx);
        return;
      }
      const rest = (ctx.activity.text ?? '').trim().replace(/^customers\b\s*/i, '');
      if (/^log\b/i.test(rest)) await ctx.sendActivity({ text: await flow.connect.auditText(1000), textFormat: 'markdown' });
      else await sendCard(ctx, await flow.connect.customersCard(cred, rest, correlationId));
    } catch (e) {
      await sendCard(ctx, reportError(e, correlationId, { turn: 'customers' }));
    }
  });
  app.activity(ActivityTypes.Message, async (ctx) => {
    if (ctx.activity.value !== undefined && !ctx.activity.text) return; // a stray Action.Submit: nothing to say
    await sendCard(ctx, views.notice({ title: "I didn't catch that", text: 'Send **new user** to create a user in a customer tenant, or **help** to see what I can do.', offerNewUser: true }));
  });

  // Universal Actions (Action.Execute).
  app.addRoute(
    async (ctx) => ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === 'adaptiveCard/action',
    async (ctx) => {
      const correlationId = randomUUID();
      const parsed = actionInvokeSchema.safeParse(ctx.activity.value);
      if (!parsed.success || !isVerb(parsed.data.action.verb)) {
        logger.warn({ correlationId, verb: parsed.success ? parsed.data.action.verb : undefined }, 'unknown card action');
        await replyWithCard(ctx, views.error(new AppError('UNKNOWN_ACTION', 'unknown verb'), correlationId));
        return;
      }
      const { action, authentication } = parsed.data;
      const verb = action.verb as Verb;
      // An automatic refresh never asks anyone to sign in: without a session it gets the read-only view.
      const automatic = parsed.data.trigger === 'automatic';
      const observe = async () => replyWithCard(ctx, await observerRefresh(useCases, views, approvals, logger, ctx, action.data, correlationId));
      let cred;
      try {
        if (authentication?.token) {
          cred = await timeBoxed(signIn.exchange(ctx, authentication.token), SIGN_IN_DEADLINE_MS, 'the SSO token exchange');
        } else if (parsed.data.state && tokenService) {
          // Teams' fallback sign-in finished: redeem its magic code and go on with this very action.
          cred = await signInWithMagicCode(ctx, parsed.data.state, tokenService, signIn);
          if (!cred) {
            logger.warn({ correlationId, verb }, 'magic code on a card action yields no token');
            await sendInvokeResponse(ctx, 200, INVALID_AUTH_CODE_BODY);
            return;
          }
        } else {
          cred = await signIn.credentialFor(ctx);
        }
      } catch (e) {
        logger.warn({ correlationId, code: toAppError(e).code }, 'SSO token exchange failed on a card action');
        if (automatic) return observe();
        const requestId = typeof action.data.requestId === 'string' ? action.data.requestId : undefined;
        if (verb === 'approve' && requestId && ctx.activity.replyToId && ctx.activity.conversation.conversationType !== 'personal') {
          // No silent SSO where the approver clicked: sign them in privately and finish the approval right after.
          const location: CardLocation = { conversation: { ...TurnContext.getConversationReference(ctx.activity) }, activityId: ctx.activity.replyToId };
          await pendingAfterSignIn.set(SignIn.requireUserKey(ctx), { kind: 'approve', requestId, location });
          await updater.sendPrivate(ctx.activity.from.id, location.conversation, { contentType: CardFactory.contentTypes.oauthCard, content: await signIn.oauthCardContent(ctx) });
          await replyWithCard(
            ctx,
            views.notice({ title: 'Sign in to approve', text: 'I could not sign you in here, so I sent you a sign-in prompt in our private chat. The approval completes as soon as you sign in there; no second click is needed.' }),
          );
          return;
        }
        await replyPreconditionFailed(ctx, 'The sign-in token could not be exchanged.');
        return;
      }
      if (!cred) {
        if (automatic) return observe();
        await replyWithLoginRequest(ctx, await signIn.oauthCardContent(ctx));
        return;
      }
      const started = Date.now();
      try {
        if (!cred.user.mfa) throw new AppError('MFA_REQUIRED', 'sign-in without MFA');
        const turn: ActionTurn = {
          ctx,
          cred,
          actor: actorOf(ctx, cred.user),
          data: action.data,
          correlationId,
          afterResponse: (work) => queueAfterResponse(ctx, work),
        };
        const card = await { ...flow.handlers, ...history.handlers }[verb](turn);
        await replyWithCard(ctx, card);
        mirrorPersonalStep(turn, verb, card, updater, background);
        logger.info({ correlationId, verb, requestId: action.data.requestId, durationMs: Date.now() - started }, 'card action');
      } catch (e) {
        // The kept session's assertion is refused for good: drop it and ask Teams for a fresh SSO token; Teams
        // repeats this very action with it, so the click still completes.
        if (!authentication?.token && (await signIn.dropIfRefused(ctx, e))) {
          if (automatic) return observe();
          await replyWithLoginRequest(ctx, await signIn.oauthCardContent(ctx));
          return;
        }
        await replyWithCard(ctx, reportError(e, correlationId, { verb, requestId: action.data.requestId }));
      }
    },
    true,
  );

  // Type-ahead for the customer list (Data.Query).
  app.adaptiveCards.search('customers', async (ctx) => {
    // teams-ai passes the raw value on (a numeric queryText or a text `top` crashed the search): parsed here.
    const parsed = searchInvokeSchema.safeParse(ctx.activity.value);
    if (!parsed.success) {
      logger.warn({ dataset: 'customers' }, 'malformed search invoke answered 400');
      await sendInvokeResponse(ctx, 400, { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message: 'malformed search request' } });
      return [];
    }
    const cred = await signIn.credentialFor(ctx).catch(() => undefined);
    if (!cred) return [];
    const correlationId = randomUUID();
    try {
      const found = await flow.searchCustomers(cred, parsed.data.queryText, Math.min(parsed.data.queryOptions?.top || 25, 50), correlationId);
      // Choice titles are not markdown, but upstream names still lose control characters and get a bound.
      return found.map((c) => ({ title: cleanText(`${c.name} (${c.domain})`), value: c.id }));
    } catch (e) {
      // The list behind the type-ahead could not be read: no choices this time (the form also offers the list).
      reportError(e, correlationId, { turn: 'customer search' });
      return [];
    }
  });

  // Teams SSO in chat (src/teams/sign-in-routes.ts).
  const signInInvokes = signInRoutes({
    signIn,
    shared,
    views,
    logger,
    connectionName: opts.signIn.connectionName,
    sendCard,
    afterResponse,
    resume: (ctx, mfa) => resumeAfterSignIn(ctx, mfa),
    tokenFromMagicCode: async (ctx, code) => tokenService?.tokenFromMagicCode(ctx, code),
  });
  for (const [name, handler] of [
    ['signin/tokenExchange', signInInvokes.tokenExchange],
    ['signin/verifyState', signInInvokes.verifyState],
    ['signin/failure', signInInvokes.failure],
  ] as const) {
    app.addRoute(async (ctx) => ctx.activity.type === ActivityTypes.Invoke && ctx.activity.name === name, async (ctx) => handler(ctx), true);
  }

  const resumeAfterSignIn = async (ctx: TurnContext, mfa: boolean): Promise<void> => {
    const key = SignIn.userKey(ctx);
    const pending = key ? await pendingAfterSignIn.take(key) : undefined;
    if (!mfa) {
      await sendCard(ctx, views.error(new AppError('MFA_REQUIRED', 'sign-in without MFA')));
      return;
    }
    if (pending?.kind === 'new user') await startNewUser(ctx);
    if (pending?.kind === 'approve') {
      const cred = await signIn.credentialFor(ctx);
      if (!cred) return;
      try {
        const request = await approvals.approveAfterSignIn(cred, actorOf(ctx, cred.user), pending.requestId, pending.location);
        await sendCard(ctx, views.notice({ title: 'Signed in', text: `Your approval of ${markdownText(request.user.userPrincipalName)} for ${markdownText(request.customer.companyName, TEXT_LIMITS.name)} went through; the team's card shows the result.` }));
      } catch (e) {
        await sendCard(ctx, reportError(e, randomUUID(), { turn: 'approve after sign-in', requestId: pending.requestId }));
      }
    }
  };

  answerUnhandledInvokes(app, logger);

  // Errors outside the handlers (turn state that cannot be loaded or saved, say): still an answer Teams can show,
  // never an empty invoke or a 500, and the code people read comes from the same table.
  app.error(async (ctx, err) => {
    const correlationId = randomUUID();
    const card = reportError(err, correlationId, { turn: ctx.activity.type, name: ctx.activity.name });
    if (ctx.activity.type === ActivityTypes.Invoke) {
      if (ctx.responded) return;
      if (ctx.activity.name === 'adaptiveCard/action') await replyWithCard(ctx, card).catch(() => undefined);
      else await sendInvokeResponse(ctx, 500).catch(() => undefined);
      return;
    }
    await sendCard(ctx, card).catch(() => undefined);
  });

  /**
   * Runs one turn from an HTTP request. Work queued with `afterResponse` starts only once the adapter has written
   * the answer, so a quick background update can never be overwritten by the invoke's own card.
   */
  const handle = async (req: BotRequest, res: BotResponse): Promise<void> => {
    if (refuseOtherChannels(req, res, logger)) return;
    const after: Array<() => void> = [];
    const authorization = req.headers.authorization ?? req.headers.Authorization;
    const result = await runInbound(
      adapter,
      authorization,
      req.body,
      async (ctx) => {
        ctx.turnState.set(AFTER_RESPONSE, (work: () => void) => after.push(work));
        await app.run(ctx);
      },
      logger,
      metadataUrl,
    );
    res.status(result.status);
    if (result.body !== undefined) res.send(result.body);
    res.end();
    for (const work of after) work();
  };

  /**
   * After a start: everything due (expiries, passwords to hide, creations to finish) is in the durable queue, so
   * starting the runner is the recovery. On a store no other instance shares, creations left in flight lost their
   * process for certain and are finished at once instead of when their lease runs out.
   */
  const recover = async (): Promise<void> => {
    if (opts.dueWork.singleInstanceStore) await finishOrphansNow(useCases);
    dueWork.start();
  };

  return { app, adapter, background, updater, dueWork, signIn, handle, recover };
}

export type TeamsApp = ReturnType<typeof createTeamsApp>;

function describe(e: unknown): object {
  if (e instanceof Error) return { name: e.name, stack: e.stack?.split('\n').slice(0, 6).join('\n') };
  return { value: typeof e };
}
