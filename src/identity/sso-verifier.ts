import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWSHeaderParameters, type FlattenedJWSInput, type KeyLike } from 'jose';
import { AppError } from '../core/errors';
import type { Clock } from '../core/ports';
import { rewriteToLoopback, type LoopbackRewrite } from './loopback-network-client';
import { readSsoClaims, type SsoClaims } from './sso-token';

/**
 * Verifies the Teams SSO token before anything is done with it (issue 12, point 2): the on-behalf-of exchange
 * is not a check we can lean on, since MSAL answers a repeated assertion from its cache without asking Entra.
 * Signature against the authority's published keys, issuer (the partner tenant's v2 issuer), audience (the bot's
 * Application ID URI or client id), expiry, and `tid` = the partner tenant. A v1 SSO token is refused: the app
 * asks for v2 tokens, as Teams SSO needs.
 */
export interface SsoVerifierOptions {
  /** `https://login.microsoftonline.com`, or the sandbox's name for its identity provider. */
  authorityHost: string;
  partnerTenantId: string;
  botId: string;
  clientId: string;
  clock: Clock;
  /** Sandbox and tests only: key requests go to the sandbox over loopback HTTP, as MSAL's do. */
  loopbackRewrite?: LoopbackRewrite;
  /** How long the published keys are reused before they are fetched again (default 1 hour). */
  keysMaxAgeMs?: number;
  /** A fetch of the keys gives up after this long (default 3 s: every invoke must answer within 5 s). */
  fetchTimeoutMs?: number;
}

/** An unknown `kid` refetches the keys (Entra rolls them), but not more often than this. */
const REFETCH_COOLDOWN_MS = 30_000;

export type SsoVerifier = (assertion: string) => Promise<SsoClaims>;

export function createSsoVerifier(opts: SsoVerifierOptions): SsoVerifier {
  const authorityHost = opts.authorityHost.replace(/\/+$/, '');
  const keys = new PublishedKeys(`${authorityHost}/${opts.partnerTenantId}/discovery/v2.0/keys`, opts);
  const issuer = `${authorityHost}/${opts.partnerTenantId}/v2.0`;
  const audience = [`api://botid-${opts.botId}`, opts.botId, opts.clientId];

  return async (assertion) => {
    if (typeof assertion !== 'string' || assertion.length === 0 || assertion.length > 16_384) throw refused('SSO_TOKEN_MALFORMED', 'the SSO token is not a JWT');
    try {
      const { payload } = await jwtVerify(assertion, (header, token) => keys.get(header, token), {
        algorithms: ['RS256'],
        issuer,
        audience,
        currentDate: opts.clock.now(),
        clockTolerance: 5,
        requiredClaims: ['exp', 'tid', 'oid'],
      });
      if (payload.tid !== opts.partnerTenantId) throw refused('SSO_TOKEN_OTHER_TENANT', 'the SSO token is from another tenant');
    } catch (e) {
      if (e instanceof AppError) throw e;
      if (e instanceof errors.JWKSTimeout || e instanceof KeysUnavailable) {
        throw new AppError('IDENTITY_UNAVAILABLE', 'the identity provider keys could not be fetched', { retryable: true, upstreamCode: 'JWKS_UNAVAILABLE', cause: e });
      }
      if (e instanceof errors.JWTExpired) throw refused('SSO_TOKEN_EXPIRED', 'the SSO token has expired');
      if (e instanceof errors.JWTClaimValidationFailed) throw refused(`SSO_TOKEN_BAD_${e.claim.toUpperCase()}`, `the SSO token's ${e.claim} is not accepted`);
      throw refused('SSO_TOKEN_INVALID', `the SSO token could not be verified (${(e as { code?: string }).code ?? 'error'})`);
    }
    return readSsoClaims(assertion);
  };
}

/** A refusal of the token itself: a fresh sign-in is the only cure, like Entra's AADSTS50013. */
function refused(upstreamCode: string, message: string): AppError {
  return new AppError('TOKEN_EXCHANGE_FAILED', message, { upstreamCode });
}

/** Upstream codes of our own verification that mean "this token is no use": the person signs in again. */
export const REFUSED_SSO_CODES = new Set(['SSO_TOKEN_MALFORMED', 'SSO_TOKEN_OTHER_TENANT', 'SSO_TOKEN_EXPIRED', 'SSO_TOKEN_INVALID', 'SSO_TOKEN_BAD_ISS', 'SSO_TOKEN_BAD_AUD', 'SSO_TOKEN_BAD_NBF', 'SSO_TOKEN_BAD_TID', 'SSO_TOKEN_BAD_OID', 'SSO_TOKEN_BAD_EXP']);

class KeysUnavailable extends Error {}

/**
 * The authority's JWKS, cached (jose's createRemoteJWKSet cannot go through the sandbox's loopback rewrite, so
 * this is the same cache in a few lines): fetched on first use, again after `keysMaxAgeMs`, and again on an
 * unknown `kid` at most every 30 s. One fetch at a time.
 */
class PublishedKeys {
  private local?: ReturnType<typeof createLocalJWKSet>;
  private fetchedAt = 0;
  private pending?: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly opts: SsoVerifierOptions,
  ) {}

  async get(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<KeyLike> {
    const now = this.opts.clock.now().getTime();
    if (!this.local || now - this.fetchedAt > (this.opts.keysMaxAgeMs ?? 3_600_000)) await this.refresh();
    try {
      return await this.local!(header, token);
    } catch (e) {
      if (!(e instanceof errors.JWKSNoMatchingKey) || now - this.fetchedAt < REFETCH_COOLDOWN_MS) throw e;
      await this.refresh();
      return this.local!(header, token);
    }
  }

  private refresh(): Promise<void> {
    this.pending ??= this.fetch().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetch(): Promise<void> {
    const target = this.opts.loopbackRewrite ? rewriteToLoopback(this.url, this.opts.loopbackRewrite) : this.url;
    let jwks: JSONWebKeySet;
    try {
      const res = await fetch(target, { signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 3_000), headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`keys answered ${res.status}`);
      jwks = (await res.json()) as JSONWebKeySet;
      if (!jwks || !Array.isArray(jwks.keys)) throw new Error('keys document without keys');
    } catch (e) {
      // Keep serving the keys we had: a blip at the authority must not refuse every sign-in.
      if (this.local) {
        this.fetchedAt = this.opts.clock.now().getTime();
        return;
      }
      throw new KeysUnavailable(e instanceof Error ? e.message : String(e));
    }
    this.local = createLocalJWKSet(jwks);
    this.fetchedAt = this.opts.clock.now().getTime();
  }
}
