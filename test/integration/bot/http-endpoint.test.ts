import { Agent, request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { BotHarness, type TeamsUser } from '../../support/bot-harness';

/**
 * The bot's HTTP endpoint on its own (issue 16: a node:http server instead of express): every body it cannot read
 * is refused before any turn runs, with the status of the fault and `{"error":"bad request"}`; a body over 1 MiB is
 * not read to its end; other tenants and content types are refused as before; only the two routes exist.
 */
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

function raw(url: string, method: string, path: string, headers: Record<string, string | number>, body?: Buffer | string | Buffer[]): Promise<Answer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // A server that closes the connection after its answer may cut a body still being written: that is fine here.
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' || e.code === 'ECONNRESET' ? undefined : reject(e)));
    for (const part of Array.isArray(body) ? body : body === undefined ? [] : [body]) req.write(part);
    req.end();
  });
}

describe('the HTTP endpoint', () => {
  const bot = new BotHarness();
  let ada: TeamsUser;
  const JSON_TYPE = { 'content-type': 'application/json' };
  const MiB = 1024 * 1024;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
  });
  afterAll(() => bot.stop());

  const help = () => JSON.stringify(bot.activity(ada, { type: 'message', text: 'help' }));
  /** A `help` activity padded to exactly `bytes` bytes of JSON. */
  const helpOfSize = (bytes: number) => {
    const base = JSON.parse(help()) as Record<string, unknown>;
    return JSON.stringify({ ...base, pad: 'x'.repeat(bytes - JSON.stringify({ ...base, pad: '' }).length) });
  };
  const turns = () => bot.logs.parsed().filter((l) => l.msg === 'turn').length;
  const post = (headers: Record<string, string | number>, body?: Buffer | string | Buffer[], path = '/api/messages') => raw(bot.botUrl, 'POST', path, headers, body);

  it('an idle kept-alive connection is still open after 7 s (Node’s default closes it after 5 s plus its grace: a reuse then races the close)', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
        const u = new URL(bot.botUrl);
        const req = request({ host: u.hostname, port: u.port, path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await get()).toEqual({ status: 200, reused: false });
      await new Promise((r) => setTimeout(r, 7_000));
      expect(await get()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 15_000);

  it('a Teams activity → 200 and one turn; an invoke is answered with JSON', async () => {
    const before = turns();
    expect((await post(JSON_TYPE, help())).status).toBe(200);
    const invoke = await post(JSON_TYPE, JSON.stringify(bot.activity(ada, { type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'noSuchVerb', data: {} } } })));
    expect(invoke.status).toBe(200);
    expect(invoke.headers['content-type']).toBe('application/json; charset=utf-8');
    expect((JSON.parse(invoke.text) as { type: string }).type).toBe('application/vnd.microsoft.card.adaptive');
    expect(turns()).toBe(before + 2);
  });

  it.each([
    ['malformed JSON', '{"type":'],
    ['JSON null', 'null'],
    ['a JSON string', '"message"'],
    ['a JSON number', '42'],
    ['only whitespace', '  \n '],
  ])('%s → 400 {"error":"bad request"}, no turn', async (_name, body) => {
    const before = turns();
    const res = await post(JSON_TYPE, body);
    expect([res.status, res.text]).toEqual([400, '{"error":"bad request"}']);
    expect(turns()).toBe(before);
  });

  it('a body over 1 MiB → 413, refused from its declared length and from its counted length (chunked), no turn; the next request is served', async () => {
    const before = turns();
    const big = helpOfSize(MiB + 1);
    const declared = await post({ ...JSON_TYPE, 'content-length': Buffer.byteLength(big) }, big);
    expect([declared.status, declared.text]).toEqual([413, '{"error":"bad request"}']);
    expect(declared.headers.connection).toBe('close');
    // No Content-Length: the limit is enforced while reading.
    const parts = Array.from({ length: 20 }, (_, i) => Buffer.from(big.slice(i * Math.ceil(big.length / 20), (i + 1) * Math.ceil(big.length / 20))));
    const counted = await post({ ...JSON_TYPE, 'transfer-encoding': 'chunked' }, parts);
    expect(counted.status).toBe(413);
    expect(turns()).toBe(before);
    expect(bot.logs.parsed().filter((l) => l.msg === 'bad request' && l.status === 413).length).toBeGreaterThanOrEqual(2);
    expect((await post(JSON_TYPE, help())).status).toBe(200);
  });

  it('a body of exactly 1 MiB is accepted', async () => {
    const body = helpOfSize(MiB);
    expect(Buffer.byteLength(body)).toBe(MiB);
    expect((await post(JSON_TYPE, body)).status).toBe(200);
  });

  it.each([
    ['a charset other than UTF-8', { 'content-type': 'application/json; charset=latin1' }, () => help()],
    ['UTF-16', { 'content-type': 'application/json; charset=utf-16le' }, () => Buffer.from(help(), 'utf16le')],
    ['a compressed body', { ...JSON_TYPE, 'content-encoding': 'gzip' }, () => gzipSync(help())],
  ])('%s → 415, no turn', async (_name, headers, body) => {
    const before = turns();
    const res = await post(headers, body());
    expect([res.status, res.text]).toEqual([415, '{"error":"bad request"}']);
    expect(turns()).toBe(before);
  });

  it('UTF-8 named in any case, and a leading byte-order mark, are accepted', async () => {
    expect((await post({ 'content-type': 'Application/JSON; charset="UTF-8"' }, help())).status).toBe(200);
    expect((await post(JSON_TYPE, `\ufeff${help()}`)).status).toBe(200);
  });

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }, () => help()],
    ['no content type', {}, () => help()],
    ['another JSON type', { 'content-type': 'application/activity+json' }, () => help()],
    ['an empty JSON body', JSON_TYPE, () => ''],
  ])('%s: not read as an activity, refused with 403 like any activity without the tenant', async (_name, headers, body) => {
    const res = await post(headers, body());
    expect([res.status, res.text]).toEqual([403, '{"error":"tenant not allowed"}']);
  });

  it('an activity from another tenant → 403 before any turn', async () => {
    const before = turns();
    const res = await post(JSON_TYPE, JSON.stringify(bot.activity(ada, { type: 'message', text: 'help' }, '99999999-9999-4999-8999-999999999999')));
    expect([res.status, res.text]).toEqual([403, '{"error":"tenant not allowed"}']);
    expect(turns()).toBe(before);
  });

  it('routes: /healthz (GET and HEAD), /api/messages with a query or a trailing slash; everything else 404', async () => {
    const health = await raw(bot.botUrl, 'GET', '/healthz', {});
    expect([health.status, health.text]).toEqual([200, '{"ok":true}']);
    const head = await raw(bot.botUrl, 'HEAD', '/healthz', {});
    expect([head.status, head.text]).toEqual([200, '']);
    expect((await post(JSON_TYPE, help(), '/api/messages?x=1')).status).toBe(200);
    expect((await post(JSON_TYPE, help(), '/api/messages/')).status).toBe(200);
    for (const [method, path] of [['GET', '/api/messages'], ['POST', '/healthz'], ['GET', '/'], ['PUT', '/api/messages'], ['GET', '/api/messages/../healthz/x']]) {
      const res = await raw(bot.botUrl, method, path, method === 'GET' ? {} : JSON_TYPE, method === 'GET' ? undefined : help());
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect(health.headers['x-powered-by']).toBeUndefined();
  });
});
