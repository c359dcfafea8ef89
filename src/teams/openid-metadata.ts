import { createPublicKey } from 'node:crypto';
// Not exported from the package's index: the per-URL cache of its token checks lives on this class.
import { JwtTokenExtractor } from 'botframework-connector/lib/auth/jwtTokenExtractor';
import { z } from 'zod/v4';
import { urlText } from '../core/zod3-compat';

/** How long one fetch of the OpenID metadata or its key set may take: an invoke must be answered within ~5 s. */
export const OPENID_FETCH_TIMEOUT_MS = 5_000;
/** After a failed fetch, activities are refused at once for this long instead of each waiting for a new timeout. */
export const OPENID_FAILURE_COOLDOWN_MS = 10_000;
/** Keys are fetched again after this long (botframework-connector's default: 24 hours). */
const REFRESH_MS = 24 * 3_600_000;
/** An unknown key id fetches the keys again, but at most this often (botframework-connector's rule). */
const UNKNOWN_KID_REFETCH_MS = 3_600_000;

export type OpenIdFailureCode = 'OPENID_METADATA_TIMEOUT' | 'OPENID_METADATA_UNREACHABLE' | 'OPENID_METADATA_BAD_ANSWER';

/**
 * The signing keys of inbound activities could not be had. runInbound (inbound-activity.ts) answers it 503 and
 * logs its `code`; no token, no key and no response body is in it.
 */
export class OpenIdMetadataUnavailable extends Error {
  override readonly name = 'OpenIdMetadataUnavailable';
  constructor(
    readonly code: OpenIdFailureCode,
    readonly httpStatus?: number,
  ) {
    super(`the Bot Connector's OpenID metadata or keys could not be fetched (${code}${httpStatus ? `, HTTP ${httpStatus}` : ''})`);
  }
}

const metadataSchema = z.object({ jwks_uri: urlText() });
const keySetSchema = z.object({
  keys: z.array(z.looseObject({ kid: z.string().optional(), kty: z.string().optional(), n: z.string().optional(), e: z.string().optional(), endorsements: z.array(z.string()).optional() })),
});
type Jwk = z.infer<typeof keySetSchema>['keys'][number];

/** What botframework-connector's JwtTokenExtractor asks of its metadata object (its `IOpenIdMetadataKey`). */
interface MetadataKey {
  key: string;
  endorsements?: string[];
}

/**
 * botframework-connector's OpenIdMetadata with a deadline. The library fetches the OpenID metadata and the key set
 * with node-fetch and no timeout, so an identity endpoint that accepts the connection and never answers would hang
 * every turn (and pile up one hung request per activity). This does the same job (same refresh rules, same
 * endorsements, non-RSA keys ignored) with `AbortSignal.timeout`, one fetch at a time, and a short cooldown after
 * a failure so a dead endpoint costs each activity nothing more than a quick 503.
 */
export class TimedOpenIdMetadata {
  private keys?: Jwk[];
  private lastUpdated = 0;
  private inFlight?: Promise<void>;
  private failure?: { error: OpenIdMetadataUnavailable; until: number };

  constructor(
    readonly url: string,
    private readonly timeoutMs = OPENID_FETCH_TIMEOUT_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async getKey(keyId: string): Promise<MetadataKey | null> {
    if (this.lastUpdated < this.now() - REFRESH_MS) {
      await this.refresh();
      return this.findKey(keyId);
    }
    const key = this.findKey(keyId);
    if (!key && this.lastUpdated < this.now() - UNKNOWN_KID_REFETCH_MS) {
      await this.refresh();
      return this.findKey(keyId);
    }
    return key;
  }

  private refresh(): Promise<void> {
    if (this.failure && this.failure.until > this.now()) return Promise.reject(this.failure.error);
    this.inFlight ??= this.fetchKeys()
      .then(
        (keys) => {
          this.keys = keys;
          this.lastUpdated = this.now();
          this.failure = undefined;
        },
        (e: unknown) => {
          const error = e instanceof OpenIdMetadataUnavailable ? e : new OpenIdMetadataUnavailable('OPENID_METADATA_BAD_ANSWER');
          this.failure = { error, until: this.now() + OPENID_FAILURE_COOLDOWN_MS };
          throw error;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<Jwk[]> {
    const metadata = metadataSchema.safeParse(await this.getJson(this.url));
    if (!metadata.success) throw new OpenIdMetadataUnavailable('OPENID_METADATA_BAD_ANSWER');
    const keySet = keySetSchema.safeParse(await this.getJson(metadata.data.jwks_uri));
    if (!keySet.success) throw new OpenIdMetadataUnavailable('OPENID_METADATA_BAD_ANSWER');
    return keySet.data.keys;
  }

  /** One GET within the deadline, the body read within it too (a server may send headers and then stall). */
  private async getJson(url: string): Promise<unknown> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const res = await fetch(url, { signal, headers: { accept: 'application/json' }, redirect: 'error' });
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new OpenIdMetadataUnavailable('OPENID_METADATA_BAD_ANSWER', res.status);
      }
      return await res.json();
    } catch (e) {
      if (e instanceof OpenIdMetadataUnavailable) throw e;
      if (signal.aborted) throw new OpenIdMetadataUnavailable('OPENID_METADATA_TIMEOUT');
      if (e instanceof SyntaxError) throw new OpenIdMetadataUnavailable('OPENID_METADATA_BAD_ANSWER');
      throw new OpenIdMetadataUnavailable('OPENID_METADATA_UNREACHABLE');
    }
  }

  private findKey(keyId: string): MetadataKey | null {
    const jwk = this.keys?.find((k) => k.kid === keyId);
    if (!jwk || !jwk.n || !jwk.e) return null;
    try {
      const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
      return { key, endorsements: jwk.endorsements };
    } catch {
      return null;
    }
  }
}

/**
 * Puts a TimedOpenIdMetadata in front of each of `urls` in botframework-connector's own per-URL cache, where its
 * JwtTokenExtractor looks first, so inbound token checks use it. Throws at start if the library no longer has that
 * cache (an upgrade changed it): better than running without a deadline unnoticed.
 */
export function useTimedOpenIdMetadata(urls: string[], timeoutMs = OPENID_FETCH_TIMEOUT_MS): void {
  const cache = (JwtTokenExtractor as unknown as { openIdMetadataCache?: unknown }).openIdMetadataCache;
  if (!(cache instanceof Map)) throw new Error('botframework-connector has no JwtTokenExtractor.openIdMetadataCache: the OpenID metadata timeout cannot be installed');
  for (const url of new Set(urls)) if (!(cache.get(url) instanceof TimedOpenIdMetadata)) cache.set(url, new TimedOpenIdMetadata(url, timeoutMs));
}
