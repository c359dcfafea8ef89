import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../core/ports';
import type { TeamsApp } from './app';
import { readJsonBody } from './json-body';
import { loggedField } from './log-fields';

export interface BotServerOptions {
  port: number;
  host?: string;
  teams: TeamsApp;
  logger: Logger;
  /** Activities from any other tenant are refused before any code runs for them. */
  allowedTenantId?: string;
}

/** The largest activity accepted (what express.json's `limit: '1mb'` allowed). */
export const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * How long a client may take to send a whole request (headers: 15 s of it). The Bot Connector sends an activity
 * at once; Node's defaults (300 s, checked every 30 s) let anyone without a token hold a connection and its
 * buffered body for five minutes by trickling bytes. Past the deadline Node answers 408 and closes.
 */
export const REQUEST_DEADLINE_MS = 20_000;
const HEADERS_DEADLINE_MS = 15_000;

/**
 * The tenant an activity comes from, as Teams reports it (it sends the same id in both places). Two ids that
 * disagree name no tenant: this gate reads `channelData.tenant.id` first, while the sign-in session key
 * (SignIn.userKey) reads `conversation.tenantId` first, and both must be about the same tenant.
 */
export function tenantOf(activity: unknown): string | undefined {
  const a = activity as { channelData?: { tenant?: { id?: unknown } }; conversation?: { tenantId?: unknown } } | undefined;
  const fromChannelData = a?.channelData?.tenant?.id;
  const fromConversation = a?.conversation?.tenantId;
  if (fromChannelData !== undefined && fromConversation !== undefined && String(fromChannelData).toLowerCase() !== String(fromConversation).toLowerCase()) return undefined;
  const id = fromChannelData ?? fromConversation;
  return typeof id === 'string' ? id : undefined;
}

/** A JSON answer (no ETag: nobody revalidates a turn's answer, and hashing every card cost CPU). */
function send(res: ServerResponse, status: number, body?: unknown, close = false): void {
  const headers: Record<string, string | number> = {};
  if (close) headers.connection = 'close';
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  const text = JSON.stringify(body);
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(status, headers).end(res.req.method === 'HEAD' ? undefined : text);
}

/** The route a request is for: like express's defaults, case-insensitive, one trailing slash and the query ignored. */
function routeOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  let path = (q === -1 ? url : url.slice(0, q)).toLowerCase();
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return `${req.method ?? ''} ${path}`;
}

/**
 * The bot's HTTP endpoint: `POST /api/messages` (authenticated by the adapter whenever a bot app id is configured)
 * and `GET /healthz`; anything else is 404. One log line per turn. A plain node:http server, not express: two routes
 * need no framework, and express's per-request work was a tenth of the bot's CPU under load (issue 16).
 */
export async function startBotServer(opts: BotServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const messages = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readJsonBody(req, BODY_LIMIT_BYTES);
    if (!read.ok) {
      opts.logger.warn({ err: read.reason, status: read.status }, 'bad request');
      // A body too large is not read to its end: the connection is closed once answered.
      send(res, read.status, { error: 'bad request' }, read.status === 413);
      return;
    }
    const started = Date.now();
    const activity = read.body as { type?: unknown; name?: unknown; conversation?: { conversationType?: unknown; tenantId?: unknown }; channelData?: { tenant?: { id?: unknown } } } | undefined;
    // Not yet authenticated: what the sender chose is logged clipped (log-fields.ts).
    const fields = { activityType: loggedField(activity?.type), name: loggedField(activity?.name), conversationType: loggedField(activity?.conversation?.conversationType) };
    if (opts.allowedTenantId && tenantOf(activity) !== opts.allowedTenantId) {
      opts.logger.warn({ ...fields, tenantId: loggedField(activity?.channelData?.tenant?.id), conversationTenantId: loggedField(activity?.conversation?.tenantId) }, 'activity from an unexpected tenant refused');
      send(res, 403, { error: 'tenant not allowed' });
      return;
    }
    try {
      await opts.teams.handle(read.body, req.headers.authorization, (result) => send(res, result.status, result.body));
      opts.logger.info({ ...fields, status: res.statusCode, durationMs: Date.now() - started }, 'turn');
    } catch (e) {
      opts.logger.error({ ...fields, err: e instanceof Error ? e.name : String(e), durationMs: Date.now() - started }, 'turn crashed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    }
  };

  const server = createServer({ requestTimeout: REQUEST_DEADLINE_MS, headersTimeout: HEADERS_DEADLINE_MS, connectionsCheckingInterval: 1_000 }, (req, res) => {
    const route = routeOf(req);
    if (route === 'POST /api/messages') {
      messages(req, res).catch((e: unknown) => {
        opts.logger.error({ err: e instanceof Error ? e.name : String(e) }, 'turn crashed');
        if (!res.headersSent) send(res, 500, { error: 'internal error' });
      });
    } else if (route === 'GET /healthz' || route === 'HEAD /healthz') {
      send(res, 200, { ok: true });
    } else {
      send(res, 404, { error: 'not found' });
    }
  });
  // An idle kept-alive connection is closed by the client, never by this side at the moment the client reuses it:
  // Node's 5 s default is shorter than what the callers in front keep connections for (App Service's front end,
  // undici's 4 s plus a starved event loop in tests), and losing that race is an ECONNRESET or a 502 on a turn.
  server.keepAliveTimeout = 30_000;
  // A port already taken fails the start with EADDRINUSE instead of an unhandled 'error' event and a start that
  // never finishes.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    url: `http://${!opts.host || opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
