import { randomUUID } from 'node:crypto';
import { SANDBOX_AUTHORITY_HOST, SANDBOX_IDENTITY } from '../../../src/config';
import { AppError } from '../../../src/core/errors';
import type { CallOptions, CredentialTokens, CustomerDirectory, Directory, Licences, OnboardingTokens, PartnerCenter, TemporaryAccessPasses, TokenProvider, UserCredential } from '../../../src/core/ports';
import { createCustomerDirectoryClient } from '../../../src/graph/customer-directory-client';
import { createGraphClient } from '../../../src/graph/client';
import { createTemporaryAccessPassClient } from '../../../src/graph/temporary-access-pass-client';
import { createUpstreamHttp, type UpstreamHttpOptions } from '../../../src/http/upstream-http';
import { createMsalTokenProvider } from '../../../src/identity/msal-token-provider';
import { readSsoClaims } from '../../../src/identity/sso-token';
import { createPartnerCenterClient } from '../../../src/partner-center/client';
import { startSandbox } from '../../../src/sandbox/server';
import { RecordingLogger } from '../../support/recording-logger';

/**
 * The production clients and the real MSAL token provider, pointed at an in-process sandbox over HTTP. Only the
 * authority's network path is rewritten (to loopback); everything else is what the bot runs in production.
 */

// The seeded ids live in one place (test/support/sandbox-network.ts); the contract tests name engineers USERS.
import { PARTNER_TENANT } from '../../support/sandbox-network';
export { CUSTOMERS, PARTNER_TENANT, ENGINEERS as USERS } from '../../support/sandbox-network';
export const ROLES = { userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1', directoryWriters: '9360feb5-f418-4baa-8175-e2a00bac4301' } as const;

export interface SandboxState {
  customers: Array<Record<string, unknown>>;
  users: Record<string, Array<Record<string, unknown> & { id: string; userPrincipalName: string; state?: string }>>;
  requests: Array<{
    at: string;
    method: string;
    path: string;
    query: Record<string, unknown>;
    headers: Record<string, string>;
    auth: { oid: string; upn: string; tid: string; aud: string; scp?: string; idtyp: string; amr?: string[] } | null;
    body: unknown;
    status: number;
  }>;
}

export interface Fault {
  method: string;
  path: string;
  kind: 'latency' | 'status' | 'drop' | 'hang';
  count?: number;
  status?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  when?: 'before' | 'after';
}

export interface Harness {
  url: string;
  logger: RecordingLogger;
  tokens: TokenProvider & OnboardingTokens & CredentialTokens;
  partnerCenter: PartnerCenter & Licences;
  graph: Directory;
  /** Graph in a customer tenant (onboarding: groups, manager, profile, users). */
  customerDirectory: CustomerDirectory;
  /** Graph's Temporary Access Pass in a customer tenant. */
  temporaryAccessPasses: TemporaryAccessPasses;
  /** Clients with other timing (for the timeout and throttling tests). */
  clients(http: Partial<UpstreamHttpOptions>): { partnerCenter: PartnerCenter & Licences; graph: Directory; customerDirectory: CustomerDirectory; temporaryAccessPasses: TemporaryAccessPasses };
  /** The SSO token Teams would hand the bot for this seeded partner user, as a credential. */
  signIn(upn: string, opts?: { mfa?: boolean }): Promise<UserCredential>;
  state(): Promise<SandboxState>;
  reset(): Promise<void>;
  fault(f: Fault): Promise<void>;
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export const HTTP_DEFAULTS = { timeoutMs: 5_000, deadlineMs: 20_000, maxRetries: 3, baseBackoffMs: 50 };

export async function startHarness(sandboxOptions: { appRegistration?: 'single-tenant' | 'multi-tenant' } = {}): Promise<Harness> {
  const sandbox = await startSandbox({ port: 0, quiet: true, ...sandboxOptions });
  const logger = new RecordingLogger();
  const tokens = createMsalTokenProvider({
    clientId: SANDBOX_IDENTITY.botId,
    clientSecret: SANDBOX_IDENTITY.clientSecret,
    authorityHost: SANDBOX_AUTHORITY_HOST,
    partnerTenantId: PARTNER_TENANT,
    loopbackRewrite: { host: new URL(SANDBOX_AUTHORITY_HOST).host, baseUrl: sandbox.url },
    logger,
  });
  const clients = (http: Partial<UpstreamHttpOptions>) => {
    const options = { ...HTTP_DEFAULTS, logger, ...http };
    return {
      partnerCenter: createPartnerCenterClient({ baseUrl: sandbox.url, http: createUpstreamHttp({ ...options, service: 'partner-center' }), appName: 'contract-tests' }),
      graph: createGraphClient({ baseUrl: sandbox.url, http: createUpstreamHttp({ ...options, service: 'graph' }) }),
      customerDirectory: createCustomerDirectoryClient({ baseUrl: sandbox.url, http: createUpstreamHttp({ ...options, service: 'graph' }) }),
      temporaryAccessPasses: createTemporaryAccessPassClient({ baseUrl: sandbox.url, http: createUpstreamHttp({ ...options, service: 'graph' }) }),
    };
  };
  const control = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  };
  const defaults = clients({});
  return {
    url: sandbox.url,
    logger,
    tokens,
    ...defaults,
    clients,
    async signIn(upn, opts = {}) {
      const { token } = (await control('POST', '/_sandbox/sso-token', { userPrincipalName: upn, mfa: opts.mfa ?? true })) as { token: string };
      const claims = readSsoClaims(token);
      const cred = { user: { oid: claims.oid, tenantId: claims.tenantId, upn: claims.upn, displayName: claims.displayName, mfa: false }, assertion: token };
      // MFA as the bot judges it: from the Partner Center token (the v2 SSO token carries no amr).
      cred.user.mfa = (await tokens.partnerCenter(cred).catch(() => ({ mfa: false }))).mfa;
      return cred;
    },
    state: async () => (await control('GET', '/_sandbox/state')) as SandboxState,
    reset: async () => void (await control('POST', '/_sandbox/reset')),
    fault: async (f) => void (await control('POST', '/_sandbox/faults', f)),
    clearFaults: async () => void (await control('DELETE', '/_sandbox/faults')),
    close: () => sandbox.close(),
  };
}

/** Fresh ids for one logical operation. */
export function call(requestId?: string): CallOptions {
  return { correlationId: randomUUID(), requestId };
}

/** The AppError a promise rejects with (any other rejection fails the test). */
export async function failure(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
