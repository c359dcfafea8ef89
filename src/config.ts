import { z } from 'zod/v4';
import { integer, urlText, zod3Enum, zod3Issues, zod3Messages } from './core/zod3-compat';

/**
 * The whole environment, parsed by one schema. `loadConfig(env)` is pure: main.ts calls it once with
 * process.env, and nothing else in the code reads the environment.
 */

const SWITCH_TEXTS = ['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''] as const;
const bool = (def: boolean) =>
  zod3Enum(SWITCH_TEXTS)
    .optional()
    .transform((v) => (v === undefined || v === '' ? def : ['true', '1', 'yes', 'on'].includes(v)));

const port = (def: number) => integer(z.coerce.number()).min(1).max(65535).default(def);
const url = (def: string) => urlText().default(def).transform((u) => u.replace(/\/+$/, ''));
const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'a GUID');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
const optionalGuid = optionalString.pipe(guid.optional());
const positiveInt = (def: number) => integer(z.coerce.number()).positive().default(def);

export const envSchema = z.object({
  PORT: port(3978),
  /** Bind address of the bot; default 127.0.0.1 in sandbox mode (nothing there is authenticated), 0.0.0.0 otherwise. */
  HOST: optionalString,
  BOT_ID: optionalGuid,
  BOT_PASSWORD: optionalString,
  BOT_TENANT_ID: optionalGuid,
  AAD_APP_CLIENT_ID: optionalGuid,
  AAD_APP_CLIENT_SECRET: optionalString,
  AAD_APP_TENANT_ID: optionalGuid,
  AUTHORITY_HOST: url('https://login.microsoftonline.com'),
  /** Where the Bot Connector's signing keys are published (OpenID metadata); only tests point it elsewhere. */
  BOT_OPENID_METADATA_URL: url('https://login.botframework.com/v1/.well-known/openidconfiguration'),
  /** The Bot Framework token service (sign-in links, magic codes); only tests point it elsewhere. */
  BOT_OAUTH_URL: url('https://api.botframework.com'),
  PARTNER_CENTER_BASE_URL: url('https://api.partnercenter.microsoft.com'),
  GRAPH_BASE_URL: url('https://graph.microsoft.com'),
  SANDBOX: zod3Enum(SWITCH_TEXTS).optional(),
  SANDBOX_PORT: port(3979),
  /** Start the sandbox inside the bot (default); false: use the one already listening on SANDBOX_PORT (several bot instances). */
  SANDBOX_EMBEDDED: bool(true),
  /** The seeded partner user the Playground's user signs in as (the Playground has no SSO). */
  SANDBOX_USER: z.email().default('ada@contoso-partner.example'),
  /** How the sandbox registers the bot's Entra app: single-tenant = no service principal in any customer tenant (docs/deploy.md). */
  SANDBOX_APP_REGISTRATION: z.enum(['multi-tenant', 'single-tenant']).default('multi-tenant'),
  PLAYGROUND: bool(true),
  PLAYGROUND_PORT: port(56150),
  /** The Azure Bot OAuth connection name (Teams echoes it in SSO invokes; production fallback sign-in uses it). */
  OAUTH_CONNECTION_NAME: z.string().min(1).default('sso'),
  /** Members of this Entra group (partner tenant) may approve channel requests; unset: anyone who holds the GDAP role. */
  APPROVER_GROUP_ID: optionalGuid,
  /** Members of this Entra group (partner tenant) may export every team's requests (`history all`, 1:1 chat only); unset: nobody. */
  AUDITOR_GROUP_ID: optionalGuid,
  /** The partner tenant's AdminAgents group (Partner Center "Admin agent"): "Connect" is refused up front for others. */
  ADMIN_AGENTS_GROUP_ID: optionalGuid,
  /** Members of this Entra group (partner tenant) manage user templates; unset: a customer's templates by whoever holds the GDAP role to create its users, partner-wide ones by AdminAgents. */
  TEMPLATE_ADMIN_GROUP_ID: optionalGuid,
  ALLOW_SELF_APPROVAL: bool(false),
  APPROVAL_EXPIRE_HOURS: z.coerce.number().positive().default(24),
  PASSWORD_TO_APPROVER: bool(false),
  /** A team channel (its conversation id, 19:…@thread.tacv2) where requests raised in a 1:1 chat can be sent for approval. */
  APPROVAL_CHANNEL_ID: optionalString,
  /** Customer lists and domains are reused for this long (seconds). */
  LOOKUP_CACHE_SECONDS: integer(z.coerce.number()).min(0).default(120),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('.data'),
  /** `sqlite`: the embedded store in DATA_DIR (default); `memory`: nothing survives a restart. */
  STORAGE: z.enum(['sqlite', 'memory', 'blob']).default('sqlite'),
  /** Azure Blob storage for scale-out (STORAGE=blob). */
  STORAGE_CONNECTION_STRING: optionalString,
  STORAGE_CONTAINER: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/, 'a blob container name (3-63 lowercase letters, digits, hyphens)').default('partner-user-desk'),
  /** 32 bytes, base64 or hex: encrypts passwords that must outlive one turn. Required outside the sandbox. */
  DATA_ENCRYPTION_KEY: optionalString,
  DEFAULT_USAGE_LOCATION: z
    .string()
    .regex(/^[A-Za-z]{2}$/, 'a two-letter ISO 3166-1 country code')
    .default('US')
    .transform((v) => v.toUpperCase()),
  TICKET_REQUIRED: bool(false),
  PASSWORD_REVEAL_MINUTES: z.coerce.number().positive().default(10),
  /** How long the encrypted password of a draft or failed request is kept before due work erases it. */
  PASSWORD_RETENTION_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /** How long before a scheduled request's first day it becomes ready (its card arrives); at most 7 days. */
  START_LEAD_MINUTES: integer(z.coerce.number()).min(0).max(7 * 24 * 60).default(60),
  /** A ready request nobody acted on is reminded at its start, then every this many hours until it expires; 0: never. */
  START_REMINDER_HOURS: z.coerce.number().min(0).max(7 * 24).default(24),
  HTTP_TIMEOUT_MS: positiveInt(10_000),
  HTTP_DEADLINE_MS: positiveInt(60_000),
  /** How often each instance looks for due work: expiries, passwords to hide, creations to finish. */
  DUE_WORK_POLL_MS: integer(z.coerce.number()).positive().optional(),
  /** How long a creation runs before another instance may finish it (default: HTTP_DEADLINE_MS + 30 s). */
  CREATION_LEASE_MS: integer(z.coerce.number()).positive().optional(),
  /** On SIGTERM, how long in-flight work may run before the process exits anyway (what is left is finished later). */
  SHUTDOWN_GRACE_MS: positiveInt(20_000),
  HTTP_MAX_RETRIES: integer(z.coerce.number()).min(0).max(10).default(4),
  PARTNER_CENTER_APP_NAME: z.string().default('partner-user-bot'),
});

export interface Config {
  port: number;
  /** Bind address of the bot's HTTP endpoint. */
  host: string;
  sandbox: boolean;
  sandboxPort: number;
  /** Where the sandbox listens, in sandbox mode. */
  sandboxUrl: string;
  sandboxUser: string;
  /** The sandbox's registration of the bot's app (SANDBOX_APP_REGISTRATION). */
  sandboxAppRegistration: 'multi-tenant' | 'single-tenant';
  /** Start the sandbox in the bot's process (false: one already runs on sandboxPort). */
  sandboxEmbedded: boolean;
  dueWorkPollMs: number;
  shutdownGraceMs: number;
  creationLeaseMs: number;
  playground: boolean;
  playgroundPort: number;
  oauthConnectionName: string;
  lookupCacheSeconds: number;
  /** The AdminAgents group id, when configured (in the sandbox: the seed's). */
  adminAgentsGroupId?: string;
  approvals: { approverGroupId?: string; allowSelfApproval: boolean; expireAfterHours: number; passwordToApprover: boolean; channelId?: string };
  auditorGroupId?: string;
  /** TEMPLATE_ADMIN_GROUP_ID (core/templates/template-permission.ts). */
  templateAdminGroupId?: string;
  /** Bot Framework identity; inbound activities are authenticated when `botId` is set. */
  bot: { id?: string; password?: string; tenantId?: string; openIdMetadataUrl: string; oauthUrl?: string };
  /** The Entra app used for SSO and on-behalf-of; `tenantId` is the partner tenant. */
  aad: { clientId: string; clientSecret: string; tenantId: string; authorityHost: string };
  partnerCenterBaseUrl: string;
  graphBaseUrl: string;
  logLevel: string;
  dataDir: string;
  storage: 'sqlite' | 'memory' | 'blob';
  blob: { connectionString?: string; container: string };
  dataEncryptionKey?: Buffer;
  defaultUsageLocation: string;
  ticketRequired: boolean;
  passwordRevealMinutes: number;
  passwordRetentionHours: number;
  /** START_LEAD_MINUTES: a request with a first day becomes ready this long before it. */
  startLeadMinutes: number;
  /** START_REMINDER_HOURS: reminders for a ready request nobody acted on (0: none). */
  startReminderHours: number;
  http: { timeoutMs: number; deadlineMs: number; maxRetries: number; appName: string };
}

/** The fixed identities of the sandbox (src/sandbox seed data uses the same values). */
export const SANDBOX_IDENTITY = {
  botId: '00000000-0000-4000-8000-00000000b07d',
  clientSecret: 'sandbox-client-secret',
  partnerTenantId: '11111111-1111-4111-8111-111111111111',
  /** The seed's AdminAgents group. */
  adminAgentsGroupId: '44444444-0000-4000-8000-000000000006',
} as const;

/** The authority name the sandbox's identity provider answers to (see src/identity, loopbackRewrite). */
export const SANDBOX_AUTHORITY_HOST = 'https://login.sandbox.test';

/** The variables that only a deployment to Microsoft's cloud sets: any one of them turns the sandbox off. */
const MICROSOFT_VARIABLES = ['BOT_ID', 'BOT_PASSWORD', 'BOT_TENANT_ID', 'AAD_APP_CLIENT_ID', 'AAD_APP_CLIENT_SECRET', 'AAD_APP_TENANT_ID'] as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function decodeKey(raw: string): Buffer | undefined {
  const hex = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : undefined;
  const key = hex ?? Buffer.from(raw, 'base64');
  return key.length === 32 ? key : undefined;
}

/** Parses the environment. Throws ConfigError naming each bad variable and what it expects. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // zod 3's words (zod3-compat.ts): what an operator reads when the bot refuses to start stays as it was.
  const parsed = envSchema.safeParse(env, { error: zod3Messages });
  if (!parsed.success) {
    throw new ConfigError(
      zod3Issues(parsed.error).map((i) => `${i.path.join('.') || '(environment)'}: ${i.message} (got ${JSON.stringify(env[String(i.path[0])])})`),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];

  // Sandbox mode only when meant: SANDBOX=true, or not one Microsoft variable set. Any of them (even only a secret
  // or a tenant) means a production start, which then needs all of them: a partial set must never quietly fall
  // back to an unauthenticated sandbox.
  const microsoftVariables = MICROSOFT_VARIABLES.filter((name) => e[name] !== undefined);
  const sandbox = e.SANDBOX === undefined || e.SANDBOX === '' ? microsoftVariables.length === 0 : ['true', '1', 'yes', 'on'].includes(e.SANDBOX);

  let key: Buffer | undefined;
  if (e.DATA_ENCRYPTION_KEY) {
    key = decodeKey(e.DATA_ENCRYPTION_KEY);
    if (!key) problems.push('DATA_ENCRYPTION_KEY: expected 32 bytes as 64 hex characters or base64');
  }

  let aad: Config['aad'];
  if (sandbox) {
    const sandboxUrl = `http://127.0.0.1:${e.SANDBOX_PORT}`;
    aad = {
      clientId: e.AAD_APP_CLIENT_ID ?? SANDBOX_IDENTITY.botId,
      clientSecret: e.AAD_APP_CLIENT_SECRET ?? SANDBOX_IDENTITY.clientSecret,
      tenantId: e.AAD_APP_TENANT_ID ?? SANDBOX_IDENTITY.partnerTenantId,
      // MSAL refuses http:// authorities: it is given this https name and a network client that sends its requests
      // to the sandbox over loopback (src/identity), the sandbox issuing tokens under the same name.
      authorityHost: env.AUTHORITY_HOST ? e.AUTHORITY_HOST : SANDBOX_AUTHORITY_HOST,
    };
    if (!env.PARTNER_CENTER_BASE_URL) e.PARTNER_CENTER_BASE_URL = sandboxUrl;
    if (!env.GRAPH_BASE_URL) e.GRAPH_BASE_URL = sandboxUrl;
  } else {
    const why = microsoftVariables.length > 0 && (e.SANDBOX === undefined || e.SANDBOX === '') ? `production mode, since ${microsoftVariables.join(', ')} ${microsoftVariables.length === 1 ? 'is' : 'are'} set; SANDBOX=true forces the sandbox` : 'SANDBOX is off';
    for (const name of ['AAD_APP_CLIENT_ID', 'AAD_APP_CLIENT_SECRET', 'AAD_APP_TENANT_ID', 'BOT_ID', 'BOT_PASSWORD'] as const) {
      if (!e[name]) problems.push(`${name}: required in ${why} (see README, "Deploy to your tenant")`);
    }
    if (!key) problems.push('DATA_ENCRYPTION_KEY: required when SANDBOX is off (32 random bytes, hex or base64)');
    aad = {
      clientId: e.AAD_APP_CLIENT_ID ?? '',
      clientSecret: e.AAD_APP_CLIENT_SECRET ?? '',
      tenantId: e.AAD_APP_TENANT_ID ?? '',
      authorityHost: e.AUTHORITY_HOST,
    };
  }
  if (e.STORAGE === 'blob' && !e.STORAGE_CONNECTION_STRING) problems.push('STORAGE_CONNECTION_STRING: required when STORAGE=blob');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT,
    host: e.HOST ?? (sandbox ? '127.0.0.1' : '0.0.0.0'),
    sandbox,
    sandboxPort: e.SANDBOX_PORT,
    sandboxUrl: `http://127.0.0.1:${e.SANDBOX_PORT}`,
    sandboxUser: e.SANDBOX_USER,
    sandboxAppRegistration: e.SANDBOX_APP_REGISTRATION,
    sandboxEmbedded: e.SANDBOX_EMBEDDED,
    // Each poll of Blob storage is a paid listing: every 5 s there is plenty for expiries and password removal.
    dueWorkPollMs: e.DUE_WORK_POLL_MS ?? (e.STORAGE === 'blob' ? 5000 : 1000),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    creationLeaseMs: e.CREATION_LEASE_MS ?? e.HTTP_DEADLINE_MS + 30_000,
    playground: sandbox && e.PLAYGROUND,
    playgroundPort: e.PLAYGROUND_PORT,
    oauthConnectionName: e.OAUTH_CONNECTION_NAME,
    lookupCacheSeconds: e.LOOKUP_CACHE_SECONDS,
    adminAgentsGroupId: e.ADMIN_AGENTS_GROUP_ID ?? (sandbox ? SANDBOX_IDENTITY.adminAgentsGroupId : undefined),
    approvals: { approverGroupId: e.APPROVER_GROUP_ID, allowSelfApproval: e.ALLOW_SELF_APPROVAL, expireAfterHours: e.APPROVAL_EXPIRE_HOURS, passwordToApprover: e.PASSWORD_TO_APPROVER, channelId: e.APPROVAL_CHANNEL_ID },
    auditorGroupId: e.AUDITOR_GROUP_ID,
    templateAdminGroupId: e.TEMPLATE_ADMIN_GROUP_ID,
    bot: { id: e.BOT_ID, password: e.BOT_PASSWORD, tenantId: e.BOT_TENANT_ID ?? e.AAD_APP_TENANT_ID, openIdMetadataUrl: e.BOT_OPENID_METADATA_URL, oauthUrl: e.BOT_OAUTH_URL },
    aad,
    partnerCenterBaseUrl: e.PARTNER_CENTER_BASE_URL,
    graphBaseUrl: e.GRAPH_BASE_URL,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    storage: e.STORAGE,
    blob: { connectionString: e.STORAGE_CONNECTION_STRING, container: e.STORAGE_CONTAINER },
    dataEncryptionKey: key,
    defaultUsageLocation: e.DEFAULT_USAGE_LOCATION,
    ticketRequired: e.TICKET_REQUIRED,
    passwordRevealMinutes: e.PASSWORD_REVEAL_MINUTES,
    passwordRetentionHours: e.PASSWORD_RETENTION_HOURS,
    startLeadMinutes: e.START_LEAD_MINUTES,
    startReminderHours: e.START_REMINDER_HOURS,
    http: { timeoutMs: e.HTTP_TIMEOUT_MS, deadlineMs: e.HTTP_DEADLINE_MS, maxRetries: e.HTTP_MAX_RETRIES, appName: e.PARTNER_CENTER_APP_NAME },
  };
}
