import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * A local stand-in for the Bot Framework token service (`https://api.botframework.com`, the bot's `OAuthUrl`),
 * answering the two routes the bot uses the way the real service documents them:
 *
 * - `GET /api/botsignin/GetSignInResource?state=…&finalRedirect=…` → 200 `SignInUrlResponse`
 *   (`signInLink`, `tokenExchangeResource {id, uri, providerId}`, `tokenPostResource`). `state` is the base64 JSON
 *   `TokenExchangeState` botbuilder builds (connection name, conversation, bot id); it is decoded and kept.
 * - `GET /api/usertoken/GetToken?userId=…&connectionName=…&channelId=…&code=…` → 200 `TokenResponse` for a
 *   magic code handed out by `issueCode`, once; 404 for any other code (the service has no token for it).
 *
 * Both need the bot's app token (`Authorization: Bearer …`, the one `appToken` names): 401 without it.
 * `mode = 'down'` answers 503 to everything, as the service does in an outage.
 */
export class BotTokenService {
  url = '';
  mode: 'up' | 'down' = 'up';
  /** What each call asked (path, query), in order; never the Authorization header. */
  readonly hits: Array<{ path: string; query: Record<string, string>; state?: Record<string, unknown>; authorized: boolean }> = [];
  private server?: Server;
  private readonly codes = new Map<string, string>();

  constructor(
    private readonly appToken: string,
    private readonly exchangeUri: string,
  ) {}

  /** The sign-in page the real service would link to (only its address matters to the bot). */
  get signInLinkBase(): string {
    return `${this.url}/api/oauth/signin`;
  }

  /** A magic code that redeems `token` once (as after the person completes the sign-in page). */
  issueCode(token: string): string {
    const code = String(100_000 + Math.floor(Math.random() * 900_000));
    this.codes.set(code, token);
    return code;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      const query = Object.fromEntries(u.searchParams.entries());
      const authorized = this.authorized(req);
      const hit: (typeof this.hits)[number] = { path: u.pathname, query, authorized };
      this.hits.push(hit);
      const json = (status: number, body?: unknown) => res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body));
      if (this.mode === 'down') return json(503, { error: { code: 'ServiceUnavailable', message: 'The service is unavailable.' } });
      if (!authorized) return json(401, { error: { code: 'Unauthorized', message: 'Authorization has been denied for this request.' } });
      if (req.method === 'GET' && u.pathname === '/api/botsignin/GetSignInResource') {
        try {
          hit.state = JSON.parse(Buffer.from(query.state ?? '', 'base64').toString('utf8')) as Record<string, unknown>;
        } catch {
          return json(400, { error: { code: 'BadArgument', message: 'state is not valid' } });
        }
        const signIn = randomUUID();
        return json(200, {
          signInLink: `${this.signInLinkBase}?signin=${signIn}`,
          tokenExchangeResource: { id: randomUUID(), uri: this.exchangeUri, providerId: randomUUID() },
          tokenPostResource: { sasUrl: `${this.url}/api/sas/${signIn}` },
        });
      }
      if (req.method === 'GET' && u.pathname === '/api/usertoken/GetToken') {
        if (!query.userId || !query.connectionName) return json(400, { error: { code: 'BadArgument', message: 'userId and connectionName are required' } });
        const token = query.code ? this.codes.get(query.code) : undefined;
        if (!token) return json(404);
        this.codes.delete(query.code);
        return json(200, { channelId: query.channelId, connectionName: query.connectionName, token, expiration: new Date(Date.now() + 3_600_000).toISOString() });
      }
      json(404, { error: { code: 'NotFound', message: 'no such route' } });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private authorized(req: IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.appToken}`;
  }
}
