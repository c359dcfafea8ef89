// First: defers framework modules the bot never runs, before anything loads botbuilder (memory, issue 16).
import './teams/lazy-framework-modules';
import { KeyValueBatchStore } from './storage/batch-store';
import { createCustomerDirectoryClient } from './graph/customer-directory-client';
import './compile-cache';
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import pino from 'pino';
import { ConfigError, loadConfig, SANDBOX_AUTHORITY_HOST, type Config } from './config';
import type { Clock } from './core/ports';
import type { UseCaseDeps } from './core/use-cases/deps';
import { createGraphClient } from './graph/client';
import { createUpstreamHttp } from './http/upstream-http';
import { createMsalTokenProvider } from './identity/msal-token-provider';
import { createSsoVerifier } from './identity/sso-verifier';
import { BatchedDestination } from './logging/batched-destination';
import { createLogger } from './logging/logger';
import { createPartnerCenterClient } from './partner-center/client';
import { KeyValueConnectionLog } from './storage/connection-log';
import { EncryptedCredentialVault } from './storage/encrypted-credential-vault';
import { EncryptedPasswordVault } from './storage/encrypted-password-vault';
import { SealedKeyValues } from './storage/sealed-key-values';
import { createStores } from './storage/create-stores';
import { Preflight } from './core/preflight/run-preflight';
import { createTemporaryAccessPassClient } from './graph/temporary-access-pass-client';
import { createTeamsApp, type TeamsApp } from './teams/app';
import { CardTemplates, defaultCardsDir } from './teams/cards/card-templates';
import { CardViews } from './teams/cards/views';
import { startBotServer } from './teams/http-server';
import { sandboxKey, sandboxSignIn, sandboxUrlOf, startDevPlayground } from './sandbox-wiring';
import { approvalSettings, useCaseSettings } from './settings-from-config';

/** Started from here by `npm start`; the e2e tests start it the same way (test/support/dev-environment.ts). */
export { startDevPlayground };

export interface RunningApplication {
  config: Config;
  botUrl: string;
  sandboxUrl?: string;
  teams: TeamsApp;
  useCases: UseCaseDeps;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Where JSON logs go (stdout by default); tests capture them to scan for secrets. */
  logDestination?: pino.DestinationStream;
  /** Sandbox mode: sign the Playground user in from the sandbox (default true, since the Playground has no SSO). */
  sandboxAutoSignIn?: boolean;
  /** Start the sandbox in this process when in sandbox mode (default true). */
  startSandbox?: boolean;
  /** Bind address of the bot (default: config.host, i.e. HOST, else loopback in sandbox mode, all interfaces otherwise). */
  host?: string;
  /**
   * Tests only: the domain clock (due work, request times, first days), so a test can move time forward a day.
   * Token checks keep the real clock: tokens are issued on real time by the sandbox and judged on real time by
   * MSAL, and a moved domain clock must not make every fresh SSO token look expired. Never set by main().
   */
  clock?: Clock;
}

/**
 * The composition root: config → adapters → the Teams app → listening. In sandbox mode it also starts the local
 * sandbox (Partner Center, Graph and the identity provider) and points every client at it; the production code
 * path (MSAL on-behalf-of, the REST clients, the HTTP endpoint) is the same in both modes.
 */
export async function startApplication(config: Config, opts: StartOptions = {}): Promise<RunningApplication> {
  const logger = createLogger({ level: config.logLevel, destination: opts.logDestination });
  const stops: Array<() => Promise<void>> = [];

  const sandboxUrl = await sandboxUrlOf(config, opts.startSandbox, stops);
  const upstreamBase = (configured: string) => (config.sandbox && sandboxUrl && configured === config.sandboxUrl ? sandboxUrl : configured);

  const httpOptions = { timeoutMs: config.http.timeoutMs, deadlineMs: config.http.deadlineMs, maxRetries: config.http.maxRetries, logger };
  const partnerCenter = createPartnerCenterClient({
    baseUrl: upstreamBase(config.partnerCenterBaseUrl),
    http: createUpstreamHttp({ ...httpOptions, service: 'partner-center' }),
    appName: config.http.appName,
  });
  const directory = createGraphClient({ baseUrl: upstreamBase(config.graphBaseUrl), http: createUpstreamHttp({ ...httpOptions, service: 'graph' }) });
  const loopbackRewrite = config.sandbox && sandboxUrl && config.aad.authorityHost === SANDBOX_AUTHORITY_HOST ? { host: new URL(SANDBOX_AUTHORITY_HOST).host, baseUrl: sandboxUrl } : undefined;
  const tokens = createMsalTokenProvider({
    clientId: config.aad.clientId,
    clientSecret: config.aad.clientSecret,
    authorityHost: config.aad.authorityHost,
    partnerTenantId: config.aad.tenantId,
    loopbackRewrite,
    logger,
  });

  const key = config.dataEncryptionKey ?? sandboxKey(config.dataDir, logger);
  const stores = await createStores(
    config.storage === 'blob'
      ? { kind: 'blob', connectionString: config.blob.connectionString!, container: config.blob.container }
      : config.storage === 'sqlite'
        ? { kind: 'sqlite', dataDir: config.dataDir }
        : { kind: 'memory' },
    { log: logger },
  );
  stops.push(() => stores.close());
  if (config.sandbox) {
    // The sample templates `npm start` shows (a Fabrikam one and a partner-wide default), into an empty store only.
    const { seedSandboxTemplates } = await import('./sandbox/seed-templates');
    await seedSandboxTemplates(stores.templates, new Date());
  }

  const realClock: Clock = { now: () => new Date() };
  const clock = opts.clock ?? realClock;
  // The onboarding steps (issue #18): licences through Partner Center, groups / manager / profile through Graph in the customer tenant.
  const onboarding = { licences: partnerCenter, customerDirectory: createCustomerDirectoryClient({ baseUrl: upstreamBase(config.graphBaseUrl), http: createUpstreamHttp({ ...httpOptions, service: 'graph' }) }), tokens };
  const tap = { credentialTokens: tokens, temporaryAccessPasses: createTemporaryAccessPassClient({ baseUrl: upstreamBase(config.graphBaseUrl), http: createUpstreamHttp({ ...httpOptions, service: 'graph' }) }) };
  const useCases: UseCaseDeps = {
    onboarding,
    partnerCenter,
    directory,
    tokens,
    preflight: new Preflight({ partnerCenter, directory, tokens, clock, logger, onboarding, tap }, config.lookupCacheSeconds * 1000),
    tap,
    connections: new KeyValueConnectionLog(stores.keyValues),
    templates: stores.templates,
    requests: stores.requests,
    vault: new EncryptedPasswordVault(key, stores.ciphertexts),
    credentials: new EncryptedCredentialVault(key, stores.ciphertexts),
    dueWork: stores.dueWork,
    clock,
    ids: { newId: () => randomUUID() },
    logger,
    settings: useCaseSettings(config),
  };
  const cardTemplates = new CardTemplates(defaultCardsDir());
  const views = new CardViews(cardTemplates, { ticketRequired: config.ticketRequired, defaultUsageLocation: config.defaultUsageLocation });

  const autoSignIn =
    config.sandbox && sandboxUrl && opts.sandboxAutoSignIn !== false ? sandboxSignIn(sandboxUrl, config.sandboxUser, logger) : undefined;
  const teams = createTeamsApp({
    useCases,
    views,
    logger,
    bot: config.bot,
    signIn: {
      connectionName: config.oauthConnectionName,
      botId: config.bot.id ?? config.aad.clientId,
      // The SSO token is verified before any exchange: keys from the same authority MSAL uses (the sandbox's
      // through the same loopback rewrite).
      verify: createSsoVerifier({
        authorityHost: config.aad.authorityHost,
        partnerTenantId: config.aad.tenantId,
        botId: config.bot.id ?? config.aad.clientId,
        clientId: config.aad.clientId,
        clock: realClock,
        loopbackRewrite,
      }),
      autoSignIn,
    },
    cacheTtlMs: config.lookupCacheSeconds * 1000,
    approvals: approvalSettings(config),
    // The CSV upload goes to OneDrive; in the sandbox the test stand-in for it listens on loopback.
    history: { auditorGroupId: config.auditorGroupId, uploads: { allowLoopback: config.sandbox } },
    state: { shared: new SealedKeyValues(key, stores.keyValues) },
    authClock: realClock,
    dueWork: { pollMs: config.dueWorkPollMs, singleInstanceStore: config.storage !== 'blob' },
    bulk: { batches: new KeyValueBatchStore(stores.keyValues) },
  });
  const server = await startBotServer({
    port: config.port,
    host: opts.host ?? config.host,
    teams,
    logger,
    allowedTenantId: config.bot.tenantId ?? (config.sandbox ? config.aad.tenantId : undefined),
  }).catch(async (e: unknown) => {
    // The port is taken (or not ours): what was started for this bot (the sandbox, the stores) is closed again,
    // so the process ends with the error instead of lingering half started.
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw e;
  });
  await teams.recover();
  // The templating library (a third of the start CPU) loads once the bot has been answering /healthz for a moment,
  // not in the same tick (that would hold the first health probe behind it); a card needed sooner loads it itself.
  // Cleared on stop: a bot stopped within the second (a short test file) must not load it after its teardown.
  const warmTimer = setTimeout(() => cardTemplates.warm(), 1_000).unref();
  logger.info({ port: config.port, host: opts.host ?? config.host, sandbox: config.sandbox, sandboxUrl, storage: config.storage }, 'bot listening');

  return {
    config,
    botUrl: server.url,
    sandboxUrl,
    teams,
    useCases,
    /**
     * Graceful stop: no new turns, no new due work, in-flight work given `shutdownGraceMs` to finish. Whatever is
     * still running then is covered by its durable finish item, so exiting loses nothing.
     */
    async stop() {
      clearTimeout(warmTimer);
      await server.close();
      await teams.dueWork.stop();
      const drained = await Promise.race([teams.background.drain().then(() => true), delay(config.shutdownGraceMs).then(() => false)]);
      if (!drained) logger.warn({ running: teams.background.size }, 'stopping with work in flight; its finish items will complete it');
      for (const stop of stops.reverse()) await stop();
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
  // Log lines go out asynchronously (written off the event loop), not with one blocking write each, and the lines
  // of a few milliseconds share one write (issue 16); what is still waiting is written when the process exits.
  const logDestination = new BatchedDestination(pino.destination({ dest: 1, sync: false }), { writeSync: (text) => writeSync(1, text) });
  process.on('exit', () => {
    try {
      logDestination.flushSync();
    } catch {
      // nothing left to write, or stdout already gone
    }
  });
  const running = await startApplication(config, { logDestination });
  let playground: { url: string; stop(): Promise<void> } | undefined;
  if (config.sandbox) {
    if (config.playground) playground = await startDevPlayground(running);
    const { printSandboxBanner } = await import('./sandbox/dev-environment');
    printSandboxBanner({ botUrl: running.botUrl, sandboxUrl: running.sandboxUrl!, playgroundUrl: playground?.url, sandboxUser: config.sandboxUser });
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: stopping…\n`);
    await playground?.stop();
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`Failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
