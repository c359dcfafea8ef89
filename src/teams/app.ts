import { randomUUID } from 'node:crypto';
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
// The two classes from their own files, not the package index: the index also loads teams-ai's LLM planners,
// OpenAI client and GPT tokenizer, which this bot never uses (≈ 0.5 s of every start).
import { Application } from '@microsoft/teams-ai/lib/Application';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { toAppError } from '../core/errors';
import type { Clock, Logger } from '../core/ports';
import type { UseCaseDeps } from '../core/use-cases/deps';
import { DueWorkRunner } from '../core/approval/due-work-runner';
import { finishOrphansNow } from '../core/creation/in-flight';
import { ApprovalFlow, type ApprovalSettings } from './approval-flow';
import { BackgroundWork } from './background';
import { CardUpdater } from './card-updater';
import type { CardViews } from './cards/views';
import { ChannelRegistry } from './channel-registry';
import { ConnectFlow } from './connect-flow';
import { dueWorkHandlers } from '../core/approval/due-work-handlers';
import { registerHistoryRoute, type HistorySettings } from './history-route';
import { TemplatesFlow } from './templates/templates-flow';
import { registerTemplatesRoute } from './templates/templates-route';
import { TemplateViews } from './templates/template-views';
import { AuthenticationConstants } from 'botframework-connector';
import { botFrameworkAuthConfig } from './inbound-activity';
import { cacheInboundAuthentication } from './inbound-auth-cache';
import { useTimedOpenIdMetadata } from './openid-metadata';
import { OutcomeDelivery } from './outcome-delivery';
import { ReadyDelivery } from './ready-delivery';
import type { CardLocation, UserRequest } from '../core/approval/user-request';
import { PersonalFlow } from './personal-flow';
import { RefreshAudience } from './refresh-audience';
import { registerActionRoute } from './routes/action-route';
import { registerFallbackMessage, registerMessageRoutes } from './routes/message-routes';
import { startNewUser } from './routes/new-user-start';
import { PendingSignIns } from './routes/pending-sign-ins';
import { registerCustomerSearch, registerDirectorySearch } from './routes/search-route';
import { SignInResume } from './routes/sign-in-resume';
import { SignIn, type SharedState, type SignInOptions } from './sign-in';
import { TokenService } from './token-service';
import { queueAfterResponse, TurnRunner } from './turn-runner';
import { TurnOnlyState } from './turn-only-state';
import { answerUnhandledInvokes } from './unhandled-invoke';
import type { VerbServices } from './verbs/verb';
import type { BatchStore } from '../core/bulk/batch';
import { createBulk } from './bulk/bulk-setup';
import { registerBulkRoute } from './bulk/bulk-route';

const DEFAULT_OPENID_METADATA_URL = 'https://login.botframework.com/v1/.well-known/openidconfiguration';

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
  /** Durable state: small sealed items every instance shares (teams-ai turn state is per turn: turn-only-state.ts). */
  state: { shared: SharedState };
  /** The clock sign-in sessions expire on (token lifetimes are real time); the domain clock when absent. */
  authClock?: Clock;
  dueWork: {
    /** How often this instance looks for due work (expiry, hiding passwords, finishing interrupted creations). */
    pollMs: number;
    /** Whether the store is this process's alone (SQLite, memory): then creations left in flight at start are orphans. */
    singleInstanceStore: boolean;
  };
  /** Bulk creation's batches (issue 14). */
  bulk: { batches: BatchStore };
}

/**
 * The Teams edge, assembled: the only place (with the rest of src/teams/) that knows botbuilder and teams-ai. It
 * builds the flows and hands each room its part: message routes, the card-action route over the verb table, sign-in
 * and its resume, the history, the turn runner (errors, after-response work) and the channel registry.
 */
export function createTeamsApp(opts: TeamsAppOptions) {
  const { useCases, views, logger } = opts;
  const shared = opts.state.shared;
  const botId = opts.bot.id ?? '';
  const metadataUrl = opts.bot.openIdMetadataUrl ?? DEFAULT_OPENID_METADATA_URL;
  // The library fetches these without a timeout: a hung identity endpoint would hang every turn.
  useTimedOpenIdMetadata([metadataUrl, AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl]);
  const adapter = new TeamsAdapter(
    botFrameworkAuthConfig(metadataUrl, opts.bot.oauthUrl),
    new ConfigurationServiceClientCredentialFactory({
      MicrosoftAppId: opts.bot.id,
      MicrosoftAppPassword: opts.bot.password,
      MicrosoftAppType: opts.bot.tenantId ? 'SingleTenant' : 'MultiTenant',
      MicrosoftAppTenantId: opts.bot.tenantId,
    }),
  );
  // Inbound tokens verified once per token (until its exp, at most 5 min), outbound clients built once (issue 16).
  cacheInboundAuthentication(adapter, { botId, channelIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer });
  // No storage: teams-ai's turn state is read and written nowhere (turn-only-state.ts says why).
  const app = new Application<TurnState>({ adapter, turnStateFactory: () => new TurnOnlyState(), removeRecipientMention: true, startTypingTimer: false, longRunningMessages: false });
  const background = new BackgroundWork(logger);
  const runner = new TurnRunner({ adapter, app, botId, logger, views, background, metadataUrl });
  const { reportError } = runner;
  const updater = new CardUpdater(adapter, botId, logger);
  const audience = new RefreshAudience(10 * 60_000, logger, undefined, shared);
  const delivery = new OutcomeDelivery({ ...useCases, turnsFirst: background.turnsFirst }, views, updater, { passwordToApprover: opts.approvals.passwordToApprover }, audience, shared);
  const approvals = new ApprovalFlow(useCases, views, updater, background, delivery, opts.approvals, audience);
  const channels = new ChannelRegistry(shared, opts.approvals.channelId);
  const personal = new PersonalFlow(useCases, views, delivery, background, opts.cacheTtlMs, channels.configured);
  const connect = new ConnectFlow(useCases, views);
  const templates = new TemplatesFlow(useCases, new TemplateViews(views));
  const ready = new ReadyDelivery(views, updater, delivery);
  const presenter = { showOutcome: (r: UserRequest) => delivery.showOutcome(r), hidePassword: (r: UserRequest, l: CardLocation) => delivery.hidePassword(r, l), sendReady: (r: UserRequest) => ready.sendReady(r), retireCard: (r: UserRequest, l: CardLocation) => ready.retireCard(r, l), sendReminder: (r: UserRequest) => ready.sendReminder(r) };
  const bulk = createBulk({ useCases, batches: opts.bulk.batches, views, updater, background, shared, creation: delivery.creation, downloads: opts.history.uploads, approvals: opts.approvals });
  const dueWork = new DueWorkRunner(useCases.dueWork, dueWorkHandlers(useCases, delivery.creation, presenter, bulk.runner.handlers()), {
    owner: `bot-${randomUUID()}`,
    pollMs: opts.dueWork.pollMs,
    // A claim outlives the longest handler: finishing a creation runs one Partner Center call to its deadline.
    leaseMs: useCases.settings.creationLeaseMs,
    clock: useCases.clock,
    logger,
  });

  // Without a bot id (sandbox) there is no Bot Framework token service to ask, and nothing may reach Microsoft.
  const tokenService = opts.bot.id ? new TokenService(opts.signIn.connectionName, logger) : undefined;
  const signIn = new SignIn({ ...opts.signIn, botId: botId || opts.signIn.botId || '00000000-0000-0000-0000-000000000000', tokens: useCases.tokens, clock: opts.authClock ?? useCases.clock, logger, sharedSessions: shared, signInResource: tokenService && ((ctx) => tokenService.signInResource(ctx)) });
  const pending = new PendingSignIns(shared);
  const newUser = (ctx: import('botbuilder').TurnContext) => startNewUser({ signIn, views, personal, pending, reportError }, ctx);
  const signInResume = new SignInResume({ signIn, tokenService, shared, views, logger, updater, approvals, pending, connectionName: opts.signIn.connectionName, startNewUser: newUser, reportError, continueAfterResponse: runner.continueAfterResponse });

  app.turn('beforeTurn', async (ctx) => {
    await channels.learn(ctx);
    await audience.learn(ctx);
    // A password waiting for this person (Teams refused to message them before) is handed over in this 1:1 turn.
    await delivery.onPersonalTurn(ctx).catch((e: unknown) => logger.warn({ code: toAppError(e).code }, 'could not hand over a waiting password'));
    return true;
  });

  // Routes, in the order teams-ai tries them: text commands, then the fallback message; invokes, then the catch-all.
  registerMessageRoutes(app, { signIn, views, connect, startNewUser: newUser, reportError });
  const history = registerHistoryRoute(app, { useCases, views, logger, signIn, adapter, botId, updater, background, shared, reportError, settings: opts.history, afterResponse: queueAfterResponse });
  registerTemplatesRoute(app, { templates, signIn, reportError });
  registerBulkRoute(app, { signIn, views, bulk: bulk.flow, reportError });
  registerFallbackMessage(app, views);
  const verbs: VerbServices = { deps: useCases, views, personal, approvals, connect, templates, bulk: bulk.flow, history, approvalChannel: channels, signInPrivately: (ctx, p) => signInResume.askPrivately(ctx, p) };
  registerActionRoute(app, { signIn, tokenService, logger, verbs, updater, background, reportError });
  registerCustomerSearch(app, { signIn, personal, logger, reportError });
  registerDirectorySearch(app, { signIn, personal, logger, reportError });
  signInResume.register(app);
  answerUnhandledInvokes(app, logger);

  /**
   * After a start: everything due (expiries, passwords to hide, creations to finish) is in the durable queue, so
   * starting the runner is the recovery. On a store no other instance shares, creations left in flight lost their
   * process for certain and are finished at once instead of when their lease runs out.
   */
  const recover = async (): Promise<void> => {
    if (opts.dueWork.singleInstanceStore) await finishOrphansNow(useCases);
    dueWork.start();
  };

  return { app, adapter, background, updater, dueWork, signIn, handle: runner.handle, recover };
}

export type TeamsApp = ReturnType<typeof createTeamsApp>;
