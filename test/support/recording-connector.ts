import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * Teams refuses a bot message over about 100 KB, counting the message itself (text, cards, mentions) encoded as
 * UTF-16, with 413 RequestEntityTooLarge and the code MessageSizeTooBig (Microsoft Learn, "Format your bot
 * messages"). The connector stand-in does the same, so a test never passes with a message Teams would refuse.
 */
export const TEAMS_MESSAGE_LIMIT_BYTES = 100 * 1024;

/** The size Teams counts for a message: its content, as UTF-16. */
export function teamsMessageSize(body: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify({ text: body.text, attachments: body.attachments, entities: body.entities }), 'utf16le');
}

/** One file the bot PUT into an upload session (the OneDrive stand-in behind a file consent card). */
export interface RecordedUpload {
  sessionId: string;
  name: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  status: number;
}

/** One call the bot made to the Bot Framework connector (the Teams service URL). */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  body: Record<string, unknown>;
  at: number;
  /** What the connector answered (200 unless a failure was queued for this call). */
  status: number;
  /** The request as sent (path still percent-encoded, headers with lower-case names, raw body), for checks of the wire. */
  wire?: { url: string; headers: Record<string, string | string[] | undefined>; text: string };
}

/**
 * An answer the real Bot Connector gives (Teams' service URL): its ErrorResponse body `{ error: { code, message } }`
 * and, for 429, a Retry-After header in seconds.
 */
export interface ConnectorFailure {
  status: 403 | 404 | 412 | 413 | 429 | 500 | 502 | 503 | 504;
  code?: string;
  retryAfterSeconds?: number;
  /** Retry-After as written (an HTTP date, say), instead of `retryAfterSeconds`. */
  retryAfter?: string;
}

/** The error codes the Bot Connector sends with each status (used when a failure names none). */
const DEFAULT_CODES: Record<number, string> = {
  403: 'BotNotInConversationRoster',
  404: 'ActivityNotFoundInConversation',
  412: 'PreconditionFailed',
  413: 'MessageSizeTooBig',
  429: 'Throttled',
  500: 'ServiceError',
  502: 'ServiceError',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

/**
 * A stand-in for the Teams service URL: records every activity the bot sends or updates, and answers like the
 * connector does. It is the boundary fake of the integration tests; everything inside the bot is the real code.
 */
export class RecordingConnector {
  readonly calls: ConnectorCall[] = [];
  /** Messages refused as too big (413), also kept in `calls`. */
  readonly refused: ConnectorCall[] = [];
  /** Every PUT into an upload session, accepted or not. */
  readonly uploads: RecordedUpload[] = [];
  private sessions = new Map<string, { name: string; done: boolean }>();
  /** The roster the members API answers with (team or group chat), as Teams lists it. */
  members: Array<{ id: string; name: string; aadObjectId?: string }> = [];
  /** The most members one roster page holds (Teams' own bound is 500); smaller in tests of paging. */
  rosterPageLimit = 500;
  private server?: Server;
  private holds: Array<{ matches: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }> = [];
  private failures: Array<{ matches: (c: ConnectorCall) => boolean; failure: ConnectorFailure }> = [];
  /** Per conversation, the last second's calls: more than `perConversationPerSecond` in a second get 429, as Teams throttles. */
  perConversationPerSecond = Infinity;
  private nextId = 1;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    // Longer than the bot's client's idle limit (undici: 4 s): an idle connection is closed by the client, never
    // by this side as the client reuses it (ECONNRESET on a starved CPU with Node's 5 s default).
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    const addr = this.server.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * The next call matching `matches` is recorded but never answered, as if the Teams service stalled: the bot
   * waits there until it dies (the crash tests kill it at exactly that step). Resolves when the call arrives.
   */
  hold(matches: (c: ConnectorCall) => boolean): Promise<ConnectorCall> {
    return new Promise((resolve) => this.holds.push({ matches, resolve }));
  }

  /**
   * The next calls matching `matches` get these answers, one each, in order (then 200 again): a throttling 429
   * with Retry-After, a 412 or 502/504 to be retried, a 403 or 413 that must not be.
   */
  failNext(matches: (c: ConnectorCall) => boolean, ...failures: ConnectorFailure[]): void {
    for (const failure of failures) this.failures.push({ matches, failure });
  }

  private answerFailure(call: ConnectorCall, res: import('node:http').ServerResponse): boolean {
    const queued = this.failures.find((f) => f.matches(call));
    let failure = queued?.failure;
    if (queued) this.failures = this.failures.filter((f) => f !== queued);
    if (!failure && Number.isFinite(this.perConversationPerSecond)) {
      const recent = this.calls.filter((c) => c.conversationId === call.conversationId && c.status < 400 && c !== call && call.at - c.at < 1000).length;
      if (recent >= this.perConversationPerSecond) failure = { status: 429, retryAfterSeconds: 1 };
    }
    if (!failure) return false;
    call.status = failure.status;
    const code = failure.code ?? DEFAULT_CODES[failure.status] ?? 'ServiceError';
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (failure.retryAfterSeconds !== undefined) headers['retry-after'] = String(failure.retryAfterSeconds);
    if (failure.retryAfter !== undefined) headers['retry-after'] = failure.retryAfter;
    res.writeHead(failure.status, headers).end(JSON.stringify({ error: { code, message: `${code} (recording connector)` } }));
    return true;
  }

  /**
   * What Teams puts in `fileConsent/invoke` when a person accepts a file: an upload session in their OneDrive
   * (here, on this server), the address the file will have, and its name and type.
   */
  uploadSession(name: string): { uploadUrl: string; contentUrl: string; name: string; uniqueId: string; fileType: string } {
    const sessionId = `s${this.nextId++}`;
    this.sessions.set(sessionId, { name, done: false });
    return {
      uploadUrl: `${this.url}_onedrive/upload/${sessionId}?tempauth=pre-authenticated`,
      contentUrl: `${this.url}_onedrive/personal/Documents/Applications/${encodeURIComponent(name)}`,
      name,
      uniqueId: `UNIQUE-${sessionId}`,
      fileType: name.split('.').pop() ?? '',
    };
  }

  /**
   * An upload session answers like OneDrive's: the bytes in one PUT with `Content-Range: bytes 0-(n-1)/n` matching
   * the body; 201 with the drive item when the last byte arrives; 401 when an Authorization header is sent (the URL
   * is pre-authenticated); 404 once the session is complete or unknown; 416 for a range that does not fit.
   */
  private upload(req: IncomingMessage, res: import('node:http').ServerResponse, sessionId: string, body: Buffer): void {
    const session = this.sessions.get(sessionId);
    const record = (status: number) => this.uploads.push({ sessionId, name: session?.name ?? '', headers: req.headers, text: body.toString('utf8'), status });
    const fail = (status: number, code: string) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message: code } }));
    };
    if (req.method !== 'PUT') return fail(405, 'invalidRequest');
    if (req.headers.authorization) return fail(401, 'unauthenticated');
    if (!session || session.done) return fail(404, 'itemNotFound');
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
    if (!range || Number(req.headers['content-length']) !== body.length) return fail(400, 'invalidRequest');
    const [from, to, total] = range.slice(1).map(Number);
    if (from !== 0 || to !== body.length - 1 || total !== body.length) return fail(416, 'invalidRange');
    session.done = true;
    record(201);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `item-${sessionId}`, name: session.name, size: total, file: {} }));
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const text = raw.toString('utf8');
    const path = decodeURIComponent((req.url ?? '').split('?')[0]);
    const session = /^\/_onedrive\/upload\/([^/]+)$/.exec(path);
    if (session) {
      this.upload(req, res, session[1], raw);
      return;
    }
    if (req.method === 'POST' && /\/v3\/conversations\/?$/.test(path)) {
      // createConversation: a 1:1 chat with one member, the same id for the same person every time (as Teams does).
      const params = JSON.parse(text) as { members?: Array<{ id: string }> };
      const member = params.members?.[0]?.id ?? 'unknown';
      const id = `a:1on1-${member}`;
      const call = { method: 'POST', path, conversationId: id, body: params as Record<string, unknown>, at: Date.now(), status: 200, wire: { url: req.url ?? '', headers: req.headers, text } };
      this.calls.push(call);
      if (this.answerFailure(call, res)) return;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, activityId: undefined }));
      return;
    }
    const roster = /\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(path);
    if (req.method === 'GET' && roster) {
      // Paged like Teams: `pageSize` (at most 500, and at most `rosterPageLimit` here), an opaque continuation
      // token while more members remain, none on the last page.
      const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
      const size = Math.min(Number(query.get('pageSize')) || 200, 500, this.rosterPageLimit);
      const from = Number(Buffer.from(query.get('continuationToken') ?? '', 'base64url').toString('utf8').replace(/^from:/, '')) || 0;
      const members = this.members.slice(from, from + size);
      const more = from + size < this.members.length;
      this.calls.push({ method: 'GET', path, conversationId: roster[1], body: { pageSize: size, from }, at: Date.now(), status: 200 });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ members, ...(more ? { continuationToken: Buffer.from(`from:${from + size}`).toString('base64url') } : {}) }));
      return;
    }
    const m = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?/.exec(path);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const activityId = req.method === 'PUT' ? m[2] : `act-${this.nextId++}`;
    const call = { method: req.method ?? '', path, conversationId: m[1], activityId, body, at: Date.now(), status: 200, wire: { url: req.url ?? '', headers: req.headers, text } };
    this.calls.push(call);
    if (body.type === 'message' && teamsMessageSize(body) > TEAMS_MESSAGE_LIMIT_BYTES) {
      call.status = 413;
      this.refused.push(call);
      res.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'MessageSizeTooBig', message: 'Message size too big' } }));
      return;
    }
    if (this.answerFailure(call, res)) return;
    const held = this.holds.find((h) => h.matches(call));
    if (held) {
      this.holds = this.holds.filter((h) => h !== held);
      held.resolve(call);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: activityId }));
  }

  /** Messages sent privately to one person (a 1:1 conversation the bot created). */
  privateTo(teamsUserId: string): ConnectorCall[] {
    return this.sent().filter((c) => c.conversationId === `a:1on1-${teamsUserId}`);
  }

  /** Messages sent and accepted (not typing indicators, not updates, not attempts the connector refused). */
  sent(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'POST' && c.body.type === 'message' && c.status < 400);
  }

  /** Card updates the connector accepted. */
  updates(activityId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'PUT' && c.status < 400 && (!activityId || c.activityId === activityId));
  }

  /** Every attempt, refused ones included. */
  attempts(matches: (c: ConnectorCall) => boolean): ConnectorCall[] {
    return this.calls.filter(matches);
  }

  async waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== null && v !== false) return v;
      if (Date.now() > deadline) throw new Error('timed out waiting for the connector');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Everything the bot ever sent or updated, as one string, for "this never appeared anywhere" checks. */
  transcript(): string {
    // The bodies as parsed (what each call said), not the raw copy and headers kept in `wire`.
    return JSON.stringify(this.calls, (key, value: unknown) => (key === 'wire' ? undefined : value));
  }
}

/** The adaptive card content of a connector call, if it carries one. */
export function cardOf(call: ConnectorCall | undefined): Record<string, unknown> | undefined {
  const atts = call?.body.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined;
  return atts?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
