import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

/** The Teams desktop and web client ids: the apps that request SSO tokens for the bot. */
export const TEAMS_CLIENT_ID = '1fec8e78-bce4-4aaf-ab1b-5451cc387264';
export const PARTNER_CENTER_RESOURCE = 'https://api.partnercenter.microsoft.com';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';

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
}

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

  static async create(issuerHost: string): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), use: 'sig', alg: 'RS256' };
    return new TokenIssuer(privateKey, publicKey, jwk, issuerHost);
  }

  issuer(tenantId: string): string {
    return `${this.issuerHost}/${tenantId}/v2.0`;
  }

  async sign(claims: SandboxClaims, opts: { tenantId: string; audience: string; expiresInSeconds: number }): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ...claims, tid: claims.tid ?? opts.tenantId, ver: '2.0' })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: this.jwk.kid })
      .setIssuer(this.issuer(opts.tenantId))
      .setAudience(opts.audience)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .setExpirationTime(now + opts.expiresInSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  /** Verifies signature, expiry and audience; the issuer may be any tenant of this sandbox (checked by callers). */
  async verify(token: string, audience: string | string[]): Promise<SandboxClaims> {
    const { payload } = await jwtVerify(token, this.publicKey, { audience, algorithms: ['RS256'], clockTolerance: 5 });
    if (typeof payload.iss !== 'string' || !payload.iss.startsWith(`${this.issuerHost}/`)) throw new Error('issuer not trusted');
    return payload as SandboxClaims;
  }
}
