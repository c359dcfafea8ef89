import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

/** The Teams desktop and web client ids: the apps that request SSO tokens for the bot. */
export const TEAMS_CLIENT_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
export const PARTNER_CENTER_RESOURCE = 'https://api.partnercenter.microsoft.com';
/** The "Microsoft Partner Center" resource app: v1 tokens carry it as `aud`. */
export const PARTNER_CENTER_APP_ID = 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** Why a token was refused: an expired one gets its own answer (AADSTS500133) on the identity face. */
export class TokenRejected extends Error {
  constructor(readonly reason: 'missing' | 'expired' | 'invalid') {
    super(`token ${reason}`);
    this.name = 'TokenRejected';
  }
}

export interface SandboxClaims extends JWTPayload {
  oid?: string;
  tid?: string;
  upn?: string;
  preferred_username?: string;
  name?: string;
  scp?: string;
  roles?: string[];
  amr?: string[];
  idtyp?: 'user' | 'app';
  azp?: string;
  appid?: string;
  appidacr?: string;
  unique_name?: string;
  ver?: string;
}

/** The v1.0 issuer Entra writes into v1 access tokens, whatever the authority host (access-token claims reference). */
export const V1_ISSUER_HOST = 'https://sts.windows.net';

/**
 * The sandbox identity provider's signing key and token factory: RS256 tokens, issued under the https authority
 * name MSAL is given (`issuerHost`), verifiable against the published JWKS.
 */
export class TokenIssuer {
  private constructor(
    private readonly privateKey: KeyLike,
    private readonly publicKey: KeyLike,
    readonly jwk: JWK,
    readonly issuerHost: string,
  ) {}

  /**
   * A new signing key, or the one kept in `keyFile` (made there on first use). Keeping it lets tokens issued
   * before a restart of `npm start` (an SSO session sealed in the store) stay valid afterwards, as Entra's keys do.
   */
  static async create(issuerHost: string, keyFile?: string): Promise<TokenIssuer> {
    const kept = keyFile ? await readKeyFile(keyFile) : undefined;
    if (kept) return new TokenIssuer(kept.privateKey, kept.publicKey, kept.jwk, issuerHost);
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), use: 'sig', alg: 'RS256' };
    if (keyFile) {
      mkdirSync(dirname(keyFile), { recursive: true });
      const tmp = `${keyFile}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ ...(await exportJWK(privateKey)), kid: jwk.kid }), { mode: 0o600 });
      renameSync(tmp, keyFile);
    }
    return new TokenIssuer(privateKey, publicKey, jwk, issuerHost);
  }

  issuer(tenantId: string, version: '1.0' | '2.0' = '2.0'): string {
    return version === '1.0' ? `${V1_ISSUER_HOST}/${tenantId}/` : `${this.issuerHost}/${tenantId}/v2.0`;
  }

  /**
   * SSO tokens issued with the sandbox's MFA switch off (by `jti`). The v2 SSO token carries no `amr`, as Entra's
   * do not, so the sandbox remembers how each was "signed in" and writes it into the v1 tokens exchanged for it.
   * Bounded; a token not listed (or from before a restart) counts as an MFA sign-in.
   */
  private readonly withoutMfa = new Set<string>();

  rememberSignIn(jti: string, mfa: boolean): void {
    if (mfa) return;
    this.withoutMfa.add(jti);
    if (this.withoutMfa.size > 10_000) this.withoutMfa.delete(this.withoutMfa.values().next().value as string);
  }

  signedInWithMfa(jti: string | undefined): boolean {
    return !(jti && this.withoutMfa.has(jti));
  }

  async sign(claims: SandboxClaims, opts: { tenantId: string; audience: string; expiresInSeconds: number; version?: '1.0' | '2.0' }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const version = opts.version ?? '2.0';
    return new SignJWT({ ...claims, tid: claims.tid ?? opts.tenantId, ver: version })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.jwk.kid })
      .setIssuer(this.issuer(opts.tenantId, version))
      .setAudience(opts.audience)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + opts.expiresInSeconds)
      .setJti(claims.jti ?? randomUUID())
      .sign(this.privateKey);
  }

  /**
   * Verifies signature, expiry, audience and that the issuer is one of this sandbox's tenants (callers check
   * which tenant). Throws TokenRejected.
   */
  async verify(token: string | undefined, audience: string | string[]): Promise<SandboxClaims> {
    if (!token) throw new TokenRejected('missing');
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { audience, algorithms: ['RS256'], clockTolerance: 5 });
      // The sandbox's own v2 issuer, or the v1 one (only this sandbox's key can have signed either).
      if (typeof payload.iss !== 'string' || !(payload.iss.startsWith(`${this.issuerHost}/`) || payload.iss.startsWith(`${V1_ISSUER_HOST}/`))) throw new TokenRejected('invalid');
      return payload as SandboxClaims;
    } catch (e) {
      if (e instanceof TokenRejected) throw e;
      throw new TokenRejected(e instanceof errors.JWTExpired ? 'expired' : 'invalid');
    }
  }
}

/** The key kept by an earlier start, or undefined when there is none (or it is unreadable: a new one replaces it). */
async function readKeyFile(file: string): Promise<{ privateKey: KeyLike; publicKey: KeyLike; jwk: JWK } | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    const priv = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    if (priv.kty !== 'RSA' || !priv.d || !priv.n || !priv.e || !priv.kid) return undefined;
    const privateKey = (await importJWK({ ...priv, alg: 'RS256' }, 'RS256')) as KeyLike;
    const pub: JWK = { kty: 'RSA', n: priv.n, e: priv.e };
    const publicKey = (await importJWK({ ...pub, alg: 'RS256' }, 'RS256')) as KeyLike;
    return { privateKey, publicKey, jwk: { ...pub, kid: priv.kid, use: 'sig', alg: 'RS256' } };
  } catch {
    return undefined;
  }
}

/** The bearer token of an Authorization header, if there is one. */
export function bearerOf(authorization: string | string[] | undefined): string | undefined {
  const value = Array.isArray(authorization) ? authorization[0] : authorization;
  return /^Bearer\s+(\S+)\s*$/i.exec(value ?? '')?.[1];
}

/**
 * The claims of a bearer token WITHOUT verifying it: only for the request log, which also records refused
 * requests. Never used to decide anything.
 */
export function unverifiedClaims(authorization: string | string[] | undefined): SandboxClaims | null {
  const parts = bearerOf(authorization)?.split('.');
  if (!parts || parts.length !== 3) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as SandboxClaims) : null;
  } catch {
    return null;
  }
}
