import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { SANDBOX_AUTHORITY_HOST, SANDBOX_IDENTITY } from '../config';
import { controlAllowed, controlRoutes } from './control-routes';
import { controlError, faceOf, injectedStatus, internalError, routeNotFound, unreadable, type Face } from './errors';
import type { FaultSpec } from './faults';
import { authenticationMethodRoutes } from './authentication-method-routes';
import { customerGraphRoutes } from './customer-graph-routes';
import { graphRoutes } from './graph-routes';
import { BAD_BODY, Router, type SandboxRequest, type SandboxResponse } from './http';
import { identityRoutes } from './identity-routes';
import { partnerCenterRoutes } from './partner-center-routes';
import { consentRoutes } from './consent-routes';
import type { SeedData } from './seed';
import { redact, SandboxState } from './state';
import { TokenIssuer, unverifiedClaims } from './tokens';
import type { AppRegistration } from './world';

export interface SandboxOptions {
  /** 0 = a free port (tests); default 3979. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: src/sandbox/seed-data.json. */
  seed?: SeedData;
  /** The authority host MSAL is given and every `iss` names; default https://login.sandbox.test. */
  issuerHost?: string;
  botAppId?: string;
  clientSecret?: string;
  /** No request lines on stdout. */
  quiet?: boolean;
  /** Where the signing key is kept across starts (`npm start` puts it in DATA_DIR); default: a new key each start. */
  signingKeyFile?: string;
  /** How the bot's Entra app is registered (SANDBOX_APP_REGISTRATION); default multi-tenant. */
  appRegistration?: AppRegistration;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** The live state, for in-process callers (the CLI's listing); tests use GET /_sandbox/state. */
  state: SandboxState;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!raw) return undefined;
  if ((contentType ?? '').toLowerCase().includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    return JSON.parse(raw);
  } catch {
    return BAD_BODY;
  }
}

const HOST_HEADER = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9a-fA-F:]+\](?::\d{1,5})?$/;

/** Starts the sandbox: one HTTP server with the identity provider, Partner Center and Graph faces. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const botAppId = opts.botAppId ?? SANDBOX_IDENTITY.botId;
  const state = new SandboxState(opts.seed, { botAppId, appRegistration: opts.appRegistration ?? 'multi-tenant' });
  const tokens = await TokenIssuer.create((opts.issuerHost ?? SANDBOX_AUTHORITY_HOST).replace(/\/+$/, ''), opts.signingKeyFile);
  const router = new Router();
  identityRoutes(router, state, tokens, { botAppId, clientSecret: opts.clientSecret ?? SANDBOX_IDENTITY.clientSecret });
  partnerCenterRoutes(router, state, tokens);
  consentRoutes(router, state, tokens, { botAppId });
  graphRoutes(router, state, tokens);
  customerGraphRoutes(router, state, tokens);
  authenticationMethodRoutes(router, state, tokens);
  controlRoutes(router, state, tokens, botAppId);
  const sockets = new Set<Socket>();
  let port = opts.port ?? 3979;

  const log = (req: IncomingMessage, request: Pick<SandboxRequest, 'method' | 'path' | 'query' | 'body'>, status: number) => {
    if (faceOf(request.path) === 'control') return;
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' || k === 'cookie' ? `${String(v).split(' ')[0]} <redacted>` : String(v)]),
    );
    const claims = unverifiedClaims(req.headers.authorization);
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

  const write = (res: ServerResponse, answer: SandboxResponse) => {
    if (res.headersSent || res.destroyed) return;
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    res.writeHead(answer.status, { ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...answer.headers });
    res.end(body);
  };

  /** Applies a fault; true when it answered (or dropped or hung) the request, so the normal answer must not follow. */
  const applyFault = async (fault: FaultSpec, face: Face, req: IncomingMessage, res: ServerResponse, request: SandboxRequest): Promise<boolean> => {
    switch (fault.kind) {
      case 'latency':
        await new Promise((r) => setTimeout(r, fault.latencyMs ?? 200));
        return false;
      case 'drop':
        log(req, request, 0);
        req.socket.destroy();
        return true;
      case 'hang':
        // Never answered: the socket closes when the client gives up or the sandbox stops.
        log(req, request, 0);
        return true;
      case 'status': {
        const answer = injectedStatus(face, fault.status ?? 503, fault.retryAfterSeconds);
        log(req, request, answer.status);
        write(res, answer);
        return true;
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawPath = (req.url ?? '/').split('?')[0];
    const face = faceOf(rawPath);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    } catch {
      return write(res, unreadable(face, 400, 'The request URL is not valid.'));
    }
    const host = req.headers.host && HOST_HEADER.test(req.headers.host) ? req.headers.host : `127.0.0.1:${port}`;
    const request: SandboxRequest = { method, path: url.pathname, query: url.searchParams, headers: req.headers, body: undefined, origin: `http://${host}` };

    if (face === 'control' && !controlAllowed(req.socket.remoteAddress, req.headers.host)) {
      return write(res, controlError(403, 'the sandbox control routes only answer loopback callers'));
    }
    try {
      request.body = parseBody(await readBody(req), req.headers['content-type']);
    } catch (e) {
      const answer = e instanceof BodyTooLarge ? unreadable(face, 413, 'The request body is too large.') : unreadable(face, 400, 'The request body could not be read.');
      log(req, request, answer.status);
      res.setHeader('connection', 'close');
      return write(res, answer);
    }

    const fault = face === 'control' ? undefined : state.faults.take(method, request.path);
    if (fault?.when === 'before' && (await applyFault(fault, face, req, res, request))) return;

    let answer: SandboxResponse;
    try {
      const matched = router.match(method, request.path);
      answer = matched === undefined ? routeNotFound(face, 404) : matched === 'method-not-allowed' ? routeNotFound(face, 405) : await matched.handler(request, matched.params);
    } catch (e) {
      // A malformed %-escape in the path is the caller's mistake; anything else is the sandbox's.
      answer = e instanceof URIError ? unreadable(face, 400, 'The request path is not valid.') : internalError(face);
    }
    if (fault?.when === 'after' && (await applyFault(fault, face, req, res, request))) return;
    log(req, request, answer.status);
    write(res, answer);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => write(res, internalError(faceOf(req.url ?? '/'))));
  });
  // Longer than a client's own idle limit (undici's fetch: 4 s), so an idle kept-alive connection is closed by the
  // client, never by this side at the moment the client reuses it (ECONNRESET; Node's 5 s default lost that race
  // in tests on a starved CPU). Closing the sandbox still ends every connection (`sockets`).
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  if (typeof addr === 'object' && addr) port = addr.port;
  const hostForUrl = (opts.host ?? '127.0.0.1').includes(':') ? `[${opts.host}]` : (opts.host ?? '127.0.0.1');
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl === '0.0.0.0' ? '127.0.0.1' : hostForUrl}:${port}`,
    port,
    state,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      })),
  };
}
