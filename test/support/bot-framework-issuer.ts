import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';

/**
 * A local stand-in for the Bot Framework token issuer: the OpenID metadata document and the signing keys
 * (`login.botframework.com/v1/.well-known/openidconfiguration` and its `jwks_uri`), and tokens signed the way the
 * Bot Connector signs the activities it posts to a bot (RS256, `iss` https://api.botframework.com, `aud` the
 * bot's app id, `serviceurl` the activity's service URL). Keys carry `endorsements` (the channels they sign for),
 * as Microsoft's do.
 */
export class BotFrameworkIssuer {
  static readonly ISSUER = 'https://api.botframework.com';
  readonly kid = 'bf-test-key';
  url = '';
  /** Requests the stand-in answered, by path. */
  readonly hits: string[] = [];
  private server?: Server;
  private privateKey!: KeyLike;
  private publicJwk!: Record<string, unknown>;

  async start(): Promise<this> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    this.privateKey = privateKey;
    this.publicJwk = { ...(await exportJWK(publicKey)), kid: this.kid, use: 'sig', endorsements: ['msteams'] };
    this.server = createServer((req, res) => {
      this.hits.push(req.url ?? '');
      if (req.url === '/v1/.well-known/openidconfiguration') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ issuer: BotFrameworkIssuer.ISSUER, jwks_uri: `${this.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] }),
        );
        return;
      }
      if (req.url === '/v1/.well-known/keys') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [this.publicJwk] }));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A token as the Bot Connector would send it; `claims` and `header` override any part of it. */
  /** The public signing key as a PEM, for the HS256 key-confusion attack. */
  async publicPem(): Promise<string> {
    const { importJWK, exportSPKI } = await import('jose');
    return exportSPKI((await importJWK({ ...this.publicJwk, alg: 'RS256' } as never, 'RS256')) as KeyLike);
  }

  async token(botId: string, serviceUrl: string, opts: { claims?: JWTPayload; header?: Record<string, unknown>; key?: KeyLike; expiresInSeconds?: number } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + (opts.expiresInSeconds ?? 3600);
    const issued = Math.min(now, exp - 60);
    const payload = { iss: BotFrameworkIssuer.ISSUER, aud: botId, serviceurl: serviceUrl, iat: issued, nbf: issued, exp, ...opts.claims };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT', ...opts.header } as { alg: string })
      .sign(opts.key ?? this.privateKey);
  }
}

/** An unsigned JWT (`alg: none`) with the given claims. */
export function unsignedToken(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ typ: 'JWT', ...header, alg: 'none' })}.${part(claims)}.`;
}
