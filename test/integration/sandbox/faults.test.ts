import { randomUUID } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { CUSTOMERS, ENGINEERS, GRAPH_SCOPE, newUser, sandboxClient, type SandboxClient } from '../../support/sandbox-network';

let sandbox: RunningSandbox;
let client: SandboxClient;
let ada: string;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  client = sandboxClient(sandbox.url);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await client.reset();
  ada = await client.accessToken(ENGINEERS.ada);
});

const USERS_PATTERN = '/v1/customers/*/users';
const USERS = `/v1/customers/${CUSTOMERS.fabrikam}/users`;
const fault = async (f: object) => expect((await client.control('POST', '/_sandbox/faults', f)).status).toBe(204);

describe('fault injection', () => {
  it('answers N×429 with Retry-After and the throttling body, then lets the call through', async () => {
    await fault({ method: 'GET', path: USERS_PATTERN, kind: 'status', status: 429, retryAfterSeconds: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await client.pc(ada, 'GET', USERS);
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('7');
      expect(r.body).toEqual({ statusCode: 429, message: 'Rate limit is exceeded. Try again in 7 seconds.' });
    }
    expect((await client.pc(ada, 'GET', USERS)).status).toBe(200);
  });

  it('answers N×503 and 500 in Partner Center’s error shape, then recovers', async () => {
    await fault([
      { method: 'GET', path: '/v1/customers', kind: 'status', status: 503, count: 1 },
      { method: 'GET', path: '/v1/customers', kind: 'status', status: 500, count: 1 },
    ]);
    const first = await client.pc(ada, 'GET', '/v1/customers');
    expect(first.status).toBe(503);
    expect(first.body).toEqual(expect.objectContaining({ code: '503', description: expect.any(String), source: 'PartnerFD' }));
    expect((await client.pc(ada, 'GET', '/v1/customers')).status).toBe(500);
    expect((await client.pc(ada, 'GET', '/v1/customers')).status).toBe(200);
  });

  it('shapes a throttled Graph or identity answer like those services', async () => {
    await fault({ method: 'GET', path: '/v1.0/domains', kind: 'status', status: 429, retryAfterSeconds: 2 });
    await fault({ method: 'POST', path: '/*/oauth2/v2.0/token', kind: 'status', status: 503 });
    const token = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE, { tenant: CUSTOMERS.fabrikam }).catch((e: Error) => e);
    expect(token).toBeInstanceOf(Error);
    expect(String(token)).toContain('503');
    const graphToken = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE, { tenant: CUSTOMERS.fabrikam });
    const r = await client.graph(graphToken, 'GET', '/v1.0/domains');
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(r.body.error.code).toBe('TooManyRequests');
  });

  it('drops the connection AFTER the route acted: the user exists once, and the retry with the same MS-RequestId gets the first answer', async () => {
    await fault({ method: 'POST', path: USERS_PATTERN, kind: 'drop', when: 'after' });
    const body = newUser();
    const requestId = randomUUID();
    await expect(client.pc(ada, 'POST', USERS, { body, headers: { 'MS-RequestId': requestId } })).rejects.toThrow();
    const retry = await client.pc(ada, 'POST', USERS, { body, headers: { 'MS-RequestId': requestId } });
    expect(retry.status).toBe(200);
    expect(retry.body.userPrincipalName).toBe(body.userPrincipalName);
    const state = await client.state();
    expect(state.users[CUSTOMERS.fabrikam].filter((u: { userPrincipalName: string }) => u.userPrincipalName === body.userPrincipalName)).toHaveLength(1);
    expect(state.requests.filter((r: { method: string; path: string }) => r.method === 'POST' && r.path === USERS).map((r: { status: number }) => r.status)).toEqual([0, 200]);
  });

  it('drops the connection BEFORE the route acts: nothing is created', async () => {
    await fault({ method: 'POST', path: USERS_PATTERN, kind: 'drop' });
    const body = newUser();
    await expect(client.pc(ada, 'POST', USERS, { body })).rejects.toThrow();
    expect((await client.state()).users[CUSTOMERS.fabrikam].some((u: { userPrincipalName: string }) => u.userPrincipalName === body.userPrincipalName)).toBe(false);
  });

  it('hangs until the client gives up, and the sandbox keeps serving others', async () => {
    await fault({ method: 'GET', path: '/v1/customers/*', kind: 'hang' });
    const started = Date.now();
    const hung = fetch(`${sandbox.url}/v1/customers/${CUSTOMERS.fabrikam}`, {
      headers: { authorization: `Bearer ${ada}`, accept: 'application/json', 'ms-contract-version': 'v1', 'ms-requestid': randomUUID(), 'ms-correlationid': randomUUID() },
      signal: AbortSignal.timeout(300),
    });
    await expect(hung).rejects.toThrow();
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect((await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.fabrikam}`)).status).toBe(200);
  });

  it('adds latency, before or after the route', async () => {
    await fault({ method: 'GET', path: '/v1/customers', kind: 'latency', latencyMs: 300, when: 'after' });
    const started = Date.now();
    expect((await client.pc(ada, 'GET', '/v1/customers')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('matches the method and one path segment per *, and is used up after count', async () => {
    await fault({ method: 'POST', path: USERS_PATTERN, kind: 'status', status: 503, count: 1 });
    expect((await client.pc(ada, 'GET', USERS)).status).toBe(200); // other method
    expect((await client.pc(ada, 'GET', `${USERS}/${randomUUID()}`)).status).toBe(404); // deeper path: not matched
    const listed = await client.control('GET', '/_sandbox/faults');
    expect(listed.body.faults).toEqual([expect.objectContaining({ method: 'POST', path: USERS_PATTERN, remaining: 1 })]);
    expect((await client.pc(ada, 'POST', USERS, { body: newUser() })).status).toBe(503);
    expect((await client.pc(ada, 'POST', USERS, { body: newUser() })).status).toBe(200);
  });

  it('does not remember a throttled or failed write as the first answer', async () => {
    await fault({ method: 'POST', path: USERS_PATTERN, kind: 'status', status: 503, when: 'before' });
    const body = newUser();
    const requestId = randomUUID();
    expect((await client.pc(ada, 'POST', USERS, { body, headers: { 'MS-RequestId': requestId } })).status).toBe(503);
    expect((await client.pc(ada, 'POST', USERS, { body, headers: { 'MS-RequestId': requestId } })).status).toBe(200);
  });

  it('clears faults with DELETE, and refuses an invalid fault', async () => {
    await fault({ method: 'GET', path: '/v1/customers', kind: 'status', status: 503, count: 5 });
    expect((await client.control('DELETE', '/_sandbox/faults')).status).toBe(204);
    expect((await client.pc(ada, 'GET', '/v1/customers')).status).toBe(200);
    for (const bad of [{ path: 'no-slash', kind: 'drop' }, { path: '/v1', kind: 'explode' }, { path: '/v1', kind: 'status' }, { path: '/v1', kind: 'status', status: 418 }, { path: '/v1', kind: 'drop', retryAfter: 3 }]) {
      const r = await client.control('POST', '/_sandbox/faults', bad);
      expect(r.status).toBe(400);
      expect(r.body.issues.length).toBeGreaterThan(0);
    }
  });

  it('never applies a fault to the control routes', async () => {
    await fault({ method: 'GET', path: '/_sandbox/state', kind: 'drop' });
    expect((await client.control('GET', '/_sandbox/state')).status).toBe(200);
  });
});
