import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SANDBOX_AUTHORITY_HOST, SANDBOX_IDENTITY } from '../config';
import { controlRoutes, isLoopback } from './control-routes';
import { aadError, graphError, PC_TEXT, pcError } from './errors';
import { graphRoutes } from './graph-routes';
import { BAD_BODY, Router, type SandboxRequest, type SandboxResponse } from './http';
import { identityRoutes } from './identity-routes';
import { partnerCenterRoutes } from './partner-center-routes';
import type { SeedData } from './seed';
import { redact, SandboxState } from './state';
import { TokenIssuer, type SandboxClaims } from './tokens';

export interface SandboxOptions {
  port?: number;
  host?: string;
  seed?: SeedData;
  issuerHost?: string;
  botAppId?: string;
  clientSecret?: string;
  quiet?: boolean;
}

export interface RunningSandbox {
  url: string;
  port: number;
  state: SandboxState;
  close(): Promise<void>;
}

/** Which face answers a path, so every error has that face's shape. */
function faceOf(path: string): 'pc' | 'graph' | 'identity' | 'control' {
  if (path.startsWith('/v1/')) return 'pc';
  if (path.startsWith('/v1.0/')) return 'graph';
  if (path.startsWith('/_sandbox/')) return 'control';
  return 'identity';
}

function notFound(path: string, status = 404): SandboxResponse {
  switch (faceOf(path)) {
    case 'pc':
      return pcError(status, '1000', PC_TEXT.notFound);
    case 'graph':
      return graphError(status, status === 405 ? 'Request_BadRequest' : 'Request_ResourceNotFound', status === 405 ? 'Method not allowed.' : 'Resource not found.');
    case 'identity':
      return aadError(status, 'invalid_request', 900561, 'The endpoint only accepts the documented methods and paths.');
    default:
      return { status, body: { error: 'not found' } };
  }
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if ((contentType ?? '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return BAD_BODY;
  }
}

function claimsOf(req: IncomingMessage): SandboxClaims | null {
  const bearer = /^Bearer\s+([^.]+)\.([^.]+)\./i.exec(String(req.headers.authorization ?? ''));
  if (!bearer) return null;
  try {
    return JSON.parse(Buffer.from(bearer[2], 'base64url').toString('utf8')) as SandboxClaims;
  } catch {
    return null;
  }
}

/** Starts the sandbox: one HTTP server with the identity provider, Partner Center and Graph faces. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const botAppId = opts.botAppId ?? SANDBOX_IDENTITY.botId;
  const state = new SandboxState(opts.seed);
  const tokens = await TokenIssuer.create(opts.issuerHost ?? SANDBOX_AUTHORITY_HOST);
  const router = new Router();
  identityRoutes(router, state, tokens, { botAppId, clientSecret: opts.clientSecret ?? SANDBOX_IDENTITY.clientSecret });
  partnerCenterRoutes(router, state, tokens);
  graphRoutes(router, state, tokens);
  controlRoutes(router, state, tokens, botAppId);
  const sockets = new Set<Socket>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
    const request: SandboxRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: parseBody(raw, req.headers['content-type']), origin: url.origin };

    if (faceOf(request.path) === 'control' && !isLoopback(req.socket.remoteAddress)) {
      return write(res, { status: 403, body: { error: 'the sandbox control routes only answer loopback callers' } }, request, req);
    }
    const fault = faceOf(request.path) === 'control' ? undefined : state.faults.take(request.method, request.path);
    if (fault?.when === 'before' && (await applyFault(fault, req, res, request))) return;

    let answer: SandboxResponse;
    const matched = router.match(request.method, request.path);
    try {
      answer = matched === undefined ? notFound(request.path) : matched === 'method-not-allowed' ? notFound(request.path, 405) : await matched.handler(request, matched.params);
    } catch {
      answer = faceOf(request.path) === 'pc' ? pcError(500, '500', 'Internal server error.') : graphError(500, 'InternalServerError', 'Internal server error.');
    }
    if (fault?.when === 'after' && (await applyFault(fault, req, res, request))) return;
    write(res, answer, request, req);
  };

  const applyFault = async (fault: NonNullable<ReturnType<typeof state.faults.take>>, req: IncomingMessage, res: ServerResponse, request: SandboxRequest): Promise<boolean> => {
    switch (fault.kind) {
      case 'latency':
        await new Promise((r) => setTimeout(r, fault.latencyMs ?? 200));
        return false;
      case 'drop':
        log(request, req, 0);
        req.socket.destroy();
        return true;
      case 'hang':
        log(request, req, 0);
        return true; // never answered; the socket closes when the client gives up or the sandbox stops
      case 'status': {
        const status = fault.status ?? 503;
        const answer: SandboxResponse =
          status === 429
            ? { status, headers: { 'Retry-After': String(fault.retryAfterSeconds ?? 1) }, body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${fault.retryAfterSeconds ?? 1} seconds.` } }
            : faceOf(request.path) === 'pc'
              ? pcError(status, String(status), 'The service is temporarily unavailable.')
              : graphError(status, 'ServiceUnavailable', 'The service is temporarily unavailable.');
        write(res, answer, request, req);
        return true;
      }
    }
  };

  const log = (request: SandboxRequest, req: IncomingMessage, status: number) => {
    if (faceOf(request.path) === 'control') return;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? `${String(v).split(' ')[0]} <redacted>` : String(v)]));
    const claims = claimsOf(req);
    state.requests.push({
      at: new Date().toISOString(),
      method: request.method,
      path: request.path,
      query: Object.fromEntries(request.query),
      headers,
      auth: claims ? { oid: claims.oid, upn: claims.upn, tid: claims.tid, aud: claims.aud, scp: claims.scp, idtyp: claims.idtyp, amr: claims.amr } : null,
      body: request.body === BAD_BODY ? '<not json>' : redact(request.body),
      status,
    });
    if (!opts.quiet) process.stdout.write(`${request.method} ${request.path} → ${status || 'fault'}\n`);
  };

  const write = (res: ServerResponse, answer: SandboxResponse, request: SandboxRequest, req: IncomingMessage) => {
    log(request, req, answer.status);
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...answer.headers });
    res.end(body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 3979, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 3979);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
