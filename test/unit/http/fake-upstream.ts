import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the fake upstream received: enough to assert on what the client sent. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One scripted answer: JSON with a status, a connection dropped before answering, or no answer at all. */
export type Reply =
  | { status: number; headers?: Record<string, string>; json?: unknown; text?: string }
  | { drop: true }
  | { hang: true };

export type Route = (req: RecordedRequest) => Reply | undefined;

/**
 * A throwaway HTTP server standing in for Partner Center or Graph in unit tests. Answers come from a queue
 * (`reply`), then from `route`, then 404. Every request is recorded before it is answered.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  private readonly queue: Reply[] = [];
  private readonly sockets = new Set<Socket>();
  route: Route = () => undefined;
  url = '';

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeUpstream> {
    let fake: FakeUpstream | undefined;
    const server = createServer((req, res) => void fake!.handle(req, res));
    fake = new FakeUpstream(server);
    server.on('connection', (s) => {
      fake!.sockets.add(s);
      s.on('close', () => fake!.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  reply(...replies: Reply[]): this {
    this.queue.push(...replies);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.route = () => undefined;
  }

  header(i: number, name: string): string | undefined {
    const v = this.requests[i]?.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(',') : v;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.requests.push(recorded);
    const reply = this.queue.shift() ?? this.route(recorded) ?? { status: 404, json: { code: '1000', description: 'Not found.' } };
    if ('drop' in reply) {
      req.socket.destroy();
      return;
    }
    if ('hang' in reply) return;
    const body = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(body);
  }
}
