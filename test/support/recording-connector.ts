import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One call the bot made to the Bot Framework connector (the Teams service URL). */
export interface ConnectorCall {
  method: string;
  path: string;
  conversationId: string;
  activityId?: string;
  body: Record<string, unknown>;
  at: number;
}

/**
 * A stand-in for the Teams service URL: records every activity the bot sends or updates, and answers like the
 * connector does. It is the boundary fake of the integration tests; everything inside the bot is the real code.
 */
export class RecordingConnector {
  readonly calls: ConnectorCall[] = [];
  /** The roster the members API answers with (team or group chat), as Teams lists it. */
  members: Array<{ id: string; name: string; aadObjectId?: string }> = [];
  /**
   * Teams user ids the bot may not open a 1:1 chat with: the app is not installed for them (nor in a team they
   * share with it). Teams answers a proactive 1:1 for them with 403; the body follows the Bot Connector's error
   * shape. Minimal hook; a general one for configurable error answers may replace it.
   */
  readonly refusePrivateChat = new Set<string>();
  private server?: Server;
  private holds: Array<{ matches: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }> = [];
  private nextId = 1;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
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

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const path = decodeURIComponent((req.url ?? '').split('?')[0]);
    if (req.method === 'POST' && /\/v3\/conversations\/?$/.test(path)) {
      // createConversation: a 1:1 chat with one member, the same id for the same person every time (as Teams does).
      const params = JSON.parse(text) as { members?: Array<{ id: string }> };
      const member = params.members?.[0]?.id ?? 'unknown';
      const id = `a:1on1-${member}`;
      this.calls.push({ method: 'POST', path, conversationId: id, body: params as Record<string, unknown>, at: Date.now() });
      if (this.refusePrivateChat.has(member)) {
        res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id, activityId: undefined }));
      return;
    }
    const roster = /\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(path);
    if (req.method === 'GET' && roster) {
      this.calls.push({ method: 'GET', path, conversationId: roster[1], body: {}, at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ members: this.members }));
      return;
    }
    const m = /\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?/.exec(path);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const activityId = req.method === 'PUT' ? m[2] : `act-${this.nextId++}`;
    const call = { method: req.method ?? '', path, conversationId: m[1], activityId, body, at: Date.now() };
    this.calls.push(call);
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

  /** Messages sent (not typing indicators, not updates). */
  sent(): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'POST' && c.body.type === 'message');
  }

  updates(activityId?: string): ConnectorCall[] {
    return this.calls.filter((c) => c.method === 'PUT' && (!activityId || c.activityId === activityId));
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
    return JSON.stringify(this.calls);
  }
}

/** The adaptive card content of a connector call, if it carries one. */
export function cardOf(call: ConnectorCall | undefined): Record<string, unknown> | undefined {
  const atts = call?.body.attachments as Array<{ contentType: string; content: Record<string, unknown> }> | undefined;
  return atts?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
