import { AppError } from '../../../src/core/errors';
import { createUpstreamHttp, type UpstreamHttpOptions } from '../../../src/http/upstream-http';
import { RecordingLogger } from '../../support/recording-logger';
import { FakeUpstream } from './fake-upstream';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let upstream: FakeUpstream;
let logger: RecordingLogger;
let sleeps: number[];

beforeAll(async () => {
  upstream = await FakeUpstream.start();
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.reset();
  logger = new RecordingLogger();
  sleeps = [];
});

/** A helper whose waits are recorded and skipped (a fake clock advances by each wait). */
function fastHttp(overrides: Partial<UpstreamHttpOptions> = {}) {
  let clock = 1_000_000;
  return createUpstreamHttp({
    timeoutMs: 2_000,
    deadlineMs: 30_000,
    maxRetries: 3,
    logger,
    service: 'partner-center',
    random: () => 1,
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    ...overrides,
  });
}

const get = (extra: { requestId?: string; headers?: Record<string, string>; path?: string } = {}) => ({
  method: 'GET' as const,
  url: `${upstream.url}${extra.path ?? '/v1/customers'}`,
  headers: { Authorization: 'Bearer secret-token', ...extra.headers },
  correlationId: 'corr-1',
  requestId: extra.requestId,
});

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

describe('createUpstreamHttp', () => {
  it('sends one attempt with a fresh request id per logical call', async () => {
    upstream.reply({ status: 200, json: { ok: 1 } }, { status: 200, json: { ok: 2 } });
    const http = fastHttp();
    const a = await http.send(get());
    const b = await http.send(get());
    expect(a.status).toBe(200);
    expect(JSON.parse(a.text)).toEqual({ ok: 1 });
    expect(a.attempts).toBe(1);
    expect(upstream.header(0, 'ms-requestid')).toMatch(GUID);
    expect(upstream.header(1, 'ms-requestid')).toMatch(GUID);
    expect(upstream.header(0, 'ms-requestid')).not.toBe(upstream.header(1, 'ms-requestid'));
    expect(a.requestId).toBe(upstream.header(0, 'ms-requestid'));
    expect(sleeps).toEqual([]);
  });

  it('uses the caller request id and header name', async () => {
    upstream.reply({ status: 200, json: {} });
    await fastHttp({ service: 'graph' }).send({ ...get({ requestId: 'given-id' }), requestIdHeader: 'client-request-id' });
    expect(upstream.header(0, 'client-request-id')).toBe('given-id');
    expect(upstream.header(0, 'ms-requestid')).toBeUndefined();
  });

  it.each([500, 502, 503, 504])('retries %i with the same request id and returns the success', async (status) => {
    upstream.reply({ status, json: { code: 'x', description: 'y' } }, { status, json: {} }, { status: 200, json: { done: true } });
    const res = await fastHttp().send(get({ requestId: 'rid-1' }));
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(upstream.requests.map((_, i) => upstream.header(i, 'ms-requestid'))).toEqual(['rid-1', 'rid-1', 'rid-1']);
  });

  it('reuses its own generated request id on every retry', async () => {
    upstream.reply({ status: 503 }, { status: 200, json: {} });
    const res = await fastHttp().send(get());
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.header(0, 'ms-requestid')).toBe(res.requestId);
    expect(upstream.header(1, 'ms-requestid')).toBe(res.requestId);
  });

  it('backs off exponentially with jitter', async () => {
    upstream.reply({ status: 500 }, { status: 500 }, { status: 500 }, { status: 200, json: {} });
    await fastHttp({ baseBackoffMs: 100, random: () => 1 }).send(get());
    expect(sleeps).toEqual([100, 200, 400]);
    upstream.reset();
    sleeps = [];
    upstream.reply({ status: 500 }, { status: 500 }, { status: 200, json: {} });
    await fastHttp({ baseBackoffMs: 100, random: () => 0 }).send(get());
    expect(sleeps).toEqual([50, 100]);
  });

  it('returns the last 5xx after maxRetries retries', async () => {
    upstream.route = () => ({ status: 503, json: { code: 'busy', description: 'later' } });
    const res = await fastHttp({ maxRetries: 2 }).send(get());
    expect(res.status).toBe(503);
    expect(res.attempts).toBe(3);
    expect(upstream.requests).toHaveLength(3);
  });

  it('does not retry a 4xx other than 429', async () => {
    upstream.route = () => ({ status: 400, json: { code: '2000', description: 'bad' } });
    const res = await fastHttp().send(get());
    expect(res.status).toBe(400);
    expect(upstream.requests).toHaveLength(1);
  });

  it('waits out Retry-After on a 429 (never less than it asks)', async () => {
    upstream.reply({ status: 429, headers: { 'Retry-After': '3' }, json: { statusCode: 429, message: 'Rate limit is exceeded.' } }, { status: 200, json: {} });
    const res = await fastHttp().send(get({ requestId: 'rid-429' }));
    expect(res.status).toBe(200);
    expect(sleeps).toEqual([3_000]);
    expect(upstream.header(1, 'ms-requestid')).toBe('rid-429');
  });

  it('really waits Retry-After with the default sleep', async () => {
    upstream.reply({ status: 429, headers: { 'Retry-After': '1' } }, { status: 200, json: {} });
    const http = createUpstreamHttp({ timeoutMs: 2_000, deadlineMs: 10_000, maxRetries: 2, logger, service: 'partner-center' });
    const started = Date.now();
    const res = await http.send(get());
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('gives up at once on a 429 whose Retry-After does not fit the deadline, reporting the wait', async () => {
    upstream.route = () => ({ status: 429, headers: { 'Retry-After': '120' }, json: { statusCode: 429, message: 'Try again in 120 seconds.' } });
    const res = await fastHttp({ deadlineMs: 60_000 }).send(get());
    expect(res.status).toBe(429);
    expect(res.retryAfterSeconds).toBe(120);
    expect(res.attempts).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a dropped connection with the same request id', async () => {
    upstream.reply({ drop: true }, { status: 201, json: { id: 'u1' } });
    const res = await fastHttp().send({ ...get({ requestId: 'rid-drop' }), method: 'POST', body: '{}' });
    expect(res.status).toBe(201);
    expect(upstream.requests).toHaveLength(2);
    expect(upstream.header(0, 'ms-requestid')).toBe('rid-drop');
    expect(upstream.header(1, 'ms-requestid')).toBe('rid-drop');
  });

  it.each([
    ['partner-center', 'PARTNER_CENTER_UNAVAILABLE'],
    ['graph', 'GRAPH_UNAVAILABLE'],
  ] as const)('fails %s as %s when the connection keeps breaking', async (service, code) => {
    upstream.route = () => ({ drop: true });
    const e = await caught(fastHttp({ service, maxRetries: 2 }).send(get()));
    expect(e.code).toBe(code);
    expect(e.retryable).toBe(true);
    expect(e.correlationId).toBe('corr-1');
    expect(upstream.requests).toHaveLength(3);
  });

  it('cuts a hang off with the per-attempt timeout and fails UPSTREAM_TIMEOUT after the retries', async () => {
    upstream.route = () => ({ hang: true });
    const http = createUpstreamHttp({ timeoutMs: 150, deadlineMs: 10_000, maxRetries: 2, baseBackoffMs: 10, logger, service: 'partner-center' });
    const started = Date.now();
    const e = await caught(http.send(get({ requestId: 'rid-hang' })));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(e.retryable).toBe(true);
    expect(e.correlationId).toBe('corr-1');
    expect(upstream.requests).toHaveLength(3);
    expect(upstream.requests.every((_, i) => upstream.header(i, 'ms-requestid') === 'rid-hang')).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('never runs past the overall deadline', async () => {
    upstream.route = () => ({ hang: true });
    const http = createUpstreamHttp({ timeoutMs: 300, deadlineMs: 700, maxRetries: 10, baseBackoffMs: 10, logger, service: 'graph' });
    const started = Date.now();
    const e = await caught(http.send(get()));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(1_200);
    expect(upstream.requests.length).toBeLessThanOrEqual(3);
  });

  it('cancels when the caller aborts', async () => {
    upstream.route = () => ({ hang: true });
    const http = createUpstreamHttp({ timeoutMs: 5_000, deadlineMs: 10_000, maxRetries: 2, logger, service: 'graph' });
    const e = await caught(http.send({ ...get(), signal: AbortSignal.timeout(100) }));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(upstream.requests).toHaveLength(1);
  });

  it('logs one line per attempt with ids and no secrets', async () => {
    upstream.reply({ status: 503 }, { status: 200, json: { passwordProfile: { password: 'Secr3t!Pass' } } });
    await fastHttp().send({ ...get({ requestId: 'rid-log', path: '/v1/customers?token=query-secret' }), method: 'POST', body: JSON.stringify({ password: 'Secr3t!Pass' }) });
    const lines = logger.withMessage('upstream call');
    expect(lines.map((l) => l.obj)).toEqual([
      expect.objectContaining({ service: 'partner-center', method: 'POST', path: '/v1/customers', status: 503, attempt: 1, willRetry: true, correlationId: 'corr-1', requestId: 'rid-log', durationMs: expect.any(Number) }),
      expect.objectContaining({ status: 200, attempt: 2, willRetry: false, requestId: 'rid-log' }),
    ]);
    const text = logger.text();
    for (const secret of ['secret-token', 'Secr3t!Pass', 'query-secret', 'Bearer']) expect(text).not.toContain(secret);
  });
});
