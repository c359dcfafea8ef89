import { randomUUID } from 'node:crypto';
import { ConfidentialClientApplication, LogLevel, type Configuration } from '@azure/msal-node';
import { BoundedMap } from '../core/bounded-map';
import { AppError } from '../core/errors';
import type { AccessToken, CredentialTokens, Logger, OnboardingTokens, TokenProvider, UserCredential } from '../core/ports';
import { missingScopes, requireScopes } from './granted-scopes';
import { amrHasMfa, decodeJwtClaims } from './jwt-claims';
import { createLoopbackNetworkClient, type LoopbackRewrite } from './loopback-network-client';
import { msalToAppError, type TokenPurpose } from './msal-errors';

export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/user_impersonation';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/**
 * What the customer tenant's Graph token must carry for each use. The token itself is asked for once, with
 * `.default` (CUSTOMER_GRAPH_DEFAULT): Entra then issues one token whose `scp` holds every delegated permission
 * consented there for the app, so the reads, the onboarding and the Temporary Access Pass share one on-behalf-of
 * exchange per engineer and tenant (issue 16). Each use checks `scp` for its own list first (granted-scopes.ts):
 * a tenant consented without one of them answers CUSTOMER_CONSENT_MISSING at once, as a named-scope request's
 * AADSTS65001 did, instead of a token that Graph then refuses with a 403 that would read as a missing GDAP role.
 */
export const CUSTOMER_GRAPH_DEFAULT = GRAPH_SCOPE;
/** The pre-flight's reads: domains, and whether a user name is taken. */
export const CUSTOMER_GRAPH_SCOPES = ['https://graph.microsoft.com/Domain.Read.All', 'https://graph.microsoft.com/User.Read.All'];
/** The onboarding's writes in a customer tenant (groups, manager, profile). */
export const CUSTOMER_ONBOARDING_SCOPES = ['https://graph.microsoft.com/User.ReadWrite.All', 'https://graph.microsoft.com/GroupMember.ReadWrite.All'];
/**
 * The Temporary Access Pass: create it (UserAuthenticationMethod.ReadWrite.All, "Create temporaryAccessPassMethod")
 * and read the tenant's policy first (Policy.Read.AuthenticationMethod, the least privileged permission "Get
 * temporaryAccessPassAuthenticationMethodConfiguration" lists today).
 */
export const CUSTOMER_CREDENTIAL_SCOPES = ['https://graph.microsoft.com/UserAuthenticationMethod.ReadWrite.All', 'https://graph.microsoft.com/Policy.Read.AuthenticationMethod'];

export interface MsalTokenProviderOptions {
  clientId: string;
  clientSecret: string;
  /** `https://login.microsoftonline.com`, or the sandbox's name for its identity provider. */
  authorityHost: string;
  partnerTenantId: string;
  /** Sandbox and tests only: send MSAL's requests for `https://<host>/…` to `<baseUrl>/…` over loopback HTTP. */
  loopbackRewrite?: LoopbackRewrite;
  logger: Logger;
  /**
   * ConfidentialClientApplications (one per tenant, each with its token cache) kept at most; the least recently
   * used is dropped first and rebuilt on its next use, costing one token request. The partner tenant's is kept.
   */
  maxTenantApps?: number;
  /**
   * An application (and its token cache) is rebuilt after this long (default 1 hour, the life of an SSO token), so
   * the cache, which MSAL keys by assertion and never prunes, cannot grow with every sign-in of every day.
   */
  maxAppAgeMs?: number;
  now?: () => number;
  /** Delegated tokens kept in front of MSAL's cache, per application, at most (least recently used first out; default 5,000). */
  maxCachedTokens?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** MSAL's warning when a token answer has no client_info (msal-common AccountEntity.generateHomeAccountId). */
const NO_CLIENT_INFO = /No client info in response/;
/** MSAL's log line: `[<date>] : [<correlation id>] : <library>@<version> : <Level> - <message>`. */
const MSAL_CORRELATION_ID = /\] : \[([0-9a-f-]{36})\] : /i;

/**
 * The TokenProvider port on MSAL on-behalf-of: the SSO token Teams handed the bot is exchanged for delegated tokens
 * of the same person. One ConfidentialClientApplication per authority (the partner tenant; each customer tenant
 * reached through GDAP), each with its own in-memory cache keyed by the assertion, so a repeat is served without a
 * network call until the token nears expiry.
 */
export function createMsalTokenProvider(options: MsalTokenProviderOptions): TokenProvider & OnboardingTokens & CredentialTokens {
  const authorityHost = options.authorityHost.replace(/\/+$/, '');
  const host = new URL(authorityHost).host;
  const networkClient = options.loopbackRewrite ? createLoopbackNetworkClient(options.loopbackRewrite) : undefined;
  const log = options.logger.child({ component: 'msal' });
  /** An application with its MSAL cache and the tokens already taken from it (dropped and rebuilt together). */
  type Built = { app: ConfidentialClientApplication; at: number; issued: BoundedMap<string, Promise<AccessToken>>; appOnly?: Promise<AccessToken> };
  const apps = new BoundedMap<string, Built>(options.maxTenantApps ?? 200);
  let partnerApp: Built | undefined;
  const now = options.now ?? Date.now;
  const maxAge = options.maxAppAgeMs ?? 3_600_000;
  /**
   * Correlation ids of the client-credentials requests under way. An app-only answer has no user, so Entra sends
   * no client_info, and msal-node warns "No client info in response" on every one of them anyway
   * (AzureAD/microsoft-authentication-library-for-js#7917): for these requests that line is expected and goes to
   * debug. On an on-behalf-of answer it would mean Entra sent no client_info for a user, and stays a warning.
   */
  const appOnlyRequests = new Set<string>();
  const expectedForAppOnly = (message: string) => NO_CLIENT_INFO.test(message) && appOnlyRequests.has(MSAL_CORRELATION_ID.exec(message)?.[1] ?? '');

  function appFor(tenantId: string): ConfidentialClientApplication {
    return builtFor(tenantId).app;
  }

  function builtFor(tenantId: string): Built {
    const kept = tenantId === options.partnerTenantId ? partnerApp : apps.get(tenantId);
    let built = kept && now() - kept.at < maxAge ? kept : undefined;
    if (!built) {
      const config: Configuration = {
        auth: {
          clientId: options.clientId,
          clientSecret: options.clientSecret,
          authority: `${authorityHost}/${tenantId}`,
          // Trusting the configured host skips instance discovery, which would otherwise ask
          // login.microsoftonline.com about a host it has never heard of (the sandbox's). For the real host it
          // changes nothing: MSAL knows it already.
          knownAuthorities: [host],
        },
        system: {
          loggerOptions: {
            // MSAL's own diagnostics at warn and above, never with personal data (which could include token text).
            logLevel: LogLevel.Warning,
            piiLoggingEnabled: false,
            loggerCallback: (level, message, containsPii) => {
              if (containsPii) return;
              if (level === LogLevel.Error) log.error({}, message);
              else if (level === LogLevel.Warning && expectedForAppOnly(message)) log.debug({}, message);
              else if (level === LogLevel.Warning) log.warn({}, message);
            },
          },
          ...(networkClient ? { networkClient } : {}),
        },
      };
      built = { app: new ConfidentialClientApplication(config), at: now(), issued: new BoundedMap(options.maxCachedTokens ?? 5_000) };
      if (tenantId === options.partnerTenantId) partnerApp = built;
      else apps.set(tenantId, built);
    }
    return built;
  }

  /**
   * Tokens already exchanged, by tenant, scopes and assertion, until MSAL itself would renew them (5 minutes
   * before expiry). A turn asks for the same few tokens many times (the session check, each pre-flight check, the
   * creation): MSAL answers every repeat from its cache too, but only after building a request, resolving the
   * authority and scanning and copying its cache, ≈ 0.2 ms each, 16 times a request (issue 16). Concurrent asks
   * for a token not yet held share one exchange. Failures are never kept. Kept with the application, so they go
   * when it is dropped or rebuilt (maxTenantApps, maxAppAgeMs), as MSAL's cache does.
   */
  const RENEW_BEFORE_MS = 5 * 60_000;

  /** `renewIf`: a held token it refuses is exchanged anew (once), as a near-expiry one is. */
  function onBehalfOf(cred: UserCredential, tenantId: string, scope: string | string[], purpose: TokenPurpose, renewIf?: (token: AccessToken) => boolean): Promise<AccessToken> {
    const issued = builtFor(tenantId).issued;
    const key = `${Array.isArray(scope) ? scope.join(' ') : scope} ${cred.assertion}`;
    const held = issued.get(key);
    // Expiry on the real clock, as MSAL judges it (`now` only ages the applications).
    if (held) {
      return held.then((token) => {
        if (token.expiresOn.getTime() - RENEW_BEFORE_MS <= Date.now()) return renew(false);
        // MSAL would answer from its own cache with the same token: past it, to the token endpoint.
        return renewIf?.(token) ? renew(true) : token;
      });
    }
    return renew(false);

    function renew(skipCache: boolean): Promise<AccessToken> {
      const exchange = exchangeOnBehalfOf(cred, tenantId, scope, purpose, skipCache);
      issued.set(key, exchange);
      exchange.catch(() => {
        if (issued.get(key) === exchange) issued.delete(key);
      });
      return exchange;
    }
  }

  async function exchangeOnBehalfOf(cred: UserCredential, tenantId: string, scope: string | string[], purpose: TokenPurpose, skipCache: boolean): Promise<AccessToken> {
    let result;
    try {
      result = await appFor(tenantId).acquireTokenOnBehalfOf({ oboAssertion: cred.assertion, scopes: Array.isArray(scope) ? scope : [scope], ...(skipCache ? { skipCache } : {}) });
    } catch (e) {
      const error = msalToAppError(e, purpose);
      // Codes and ids only; the assertion and any token stay out of the log.
      log.warn({ purpose, tenantId, userOid: cred.user.oid, code: error.code, upstreamCode: error.upstreamCode }, 'token exchange failed');
      throw error;
    }
    if (!result?.accessToken) throw new AppError('TOKEN_EXCHANGE_FAILED', `token exchange (${purpose}) returned no access token`);
    return {
      token: result.accessToken,
      // MSAL always sets expiresOn for access tokens; the fallback only guards the type.
      expiresOn: result.expiresOn ?? new Date(Date.now() + 5 * 60_000),
      mfa: amrHasMfa(decodeJwtClaims(result.accessToken)?.amr),
    };
  }

  async function partnerGraphAppFromMsal(): Promise<AccessToken> {
    let result;
    const correlationId = randomUUID();
    appOnlyRequests.add(correlationId);
    try {
      // MSAL keeps app tokens in the application cache: repeats are served locally until near expiry.
      result = await appFor(options.partnerTenantId).acquireTokenByClientCredential({ scopes: [GRAPH_SCOPE], correlationId });
    } catch (e) {
      const error = msalToAppError(e, 'partner-graph-app');
      log.warn({ purpose: 'partner-graph-app', code: error.code, upstreamCode: error.upstreamCode }, 'app-only token failed');
      throw error;
    } finally {
      appOnlyRequests.delete(correlationId);
    }
    if (!result?.accessToken) throw new AppError('TOKEN_EXCHANGE_FAILED', 'client credentials (partner-graph-app) returned no access token');
    return { token: result.accessToken, expiresOn: result.expiresOn ?? new Date(Date.now() + 5 * 60_000), mfa: false };
  }

  /** The id becomes part of the authority URL: only a tenant GUID may. */
  function customerTenant(customerTenantId: string): string {
    if (!GUID.test(customerTenantId)) {
      throw new AppError('VALIDATION_FAILED', 'customerTenantId is not a GUID', { fields: [{ field: 'customerTenantId', message: 'must be a tenant id (GUID)' }] });
    }
    return customerTenantId;
  }

  /**
   * The customer tenant's one `.default` token, checked for what this use needs. A held token without it is
   * exchanged anew first, so a customer connected again since (consent now complete) works at once, as it did when
   * each use named its scopes and a refusal was never kept; a fresh token without it is CUSTOMER_CONSENT_MISSING.
   */
  async function customerGraphFor(cred: UserCredential, customerTenantId: string, needed: readonly string[], use: string): Promise<AccessToken> {
    const tenantId = customerTenant(customerTenantId);
    const token = await onBehalfOf(cred, tenantId, CUSTOMER_GRAPH_DEFAULT, 'customer-graph', (held) => missingScopes(held, needed).length > 0);
    const missing = missingScopes(token, needed);
    // Permission names and ids only, never the token: which consent the customer's Connect must bring.
    if (missing.length > 0) log.warn({ purpose: 'customer-graph', use, tenantId, userOid: cred.user.oid, missing }, 'customer tenant token lacks permissions');
    return requireScopes(token, needed, use);
  }

  return {
    partnerCenter: (cred) => onBehalfOf(cred, options.partnerTenantId, PARTNER_CENTER_SCOPE, 'partner-center'),
    partnerGraph: (cred) => onBehalfOf(cred, options.partnerTenantId, GRAPH_SCOPE, 'partner-graph'),
    partnerGraphApp() {
      // Held like the delegated tokens above: MSAL's own cache answered each of the one-a-request asks only after
      // scanning and copying its cache (≈ 3 ms under load, issue 16). One client-credentials request at a time.
      const built = builtFor(options.partnerTenantId);
      const held = built.appOnly;
      const renew = () => {
        const asked = partnerGraphAppFromMsal();
        built.appOnly = asked;
        asked.catch(() => {
          if (built.appOnly === asked) built.appOnly = undefined;
        });
        return asked;
      };
      return held ? held.then((token) => (token.expiresOn.getTime() - RENEW_BEFORE_MS > Date.now() ? token : renew())) : renew();
    },
    customerGraph: (cred, customerTenantId) => customerGraphFor(cred, customerTenantId, CUSTOMER_GRAPH_SCOPES, 'read'),
    customerGraphForOnboarding: (cred, customerTenantId) => customerGraphFor(cred, customerTenantId, CUSTOMER_ONBOARDING_SCOPES, 'onboarding'),
    customerGraphForCredentials: (cred, customerTenantId) => customerGraphFor(cred, customerTenantId, CUSTOMER_CREDENTIAL_SCOPES, 'credentials'),
  };
}
