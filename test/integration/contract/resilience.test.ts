import { randomUUID } from 'node:crypto';
import type { NewCustomerUser, UserCredential } from '../../../src/core/ports';
import { call, CUSTOMERS, failure, startHarness, USERS, type Harness } from './harness';

jest.setTimeout(60_000);

let h: Harness;
let ada: UserCredential;
let token: string;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ada = await h.signIn(USERS.ada);
  token = (await h.tokens.partnerCenter(ada)).token;
});

const USERS_PATH = '/v1/customers/*/users';
const user = (local: string): NewCustomerUser => ({
  usageLocation: 'US',
  userPrincipalName: `${local}@fabrikam.example`,
  firstName: 'Retry',
  lastName: 'Person',
  displayName: 'Retry Person',
  password: 'Str0ng!Passw0rd',
  forceChangePassword: true,
});

const createPosts = async (upn: string) =>
  (await h.state()).requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${CUSTOMERS.fabrikam}/users` && (r.body as { userPrincipalName?: string } | null)?.userPrincipalName === upn);

describe('resilience (production clients ↔ sandbox faults)', () => {
  it('creates exactly one user when the connection drops after the user was created, retrying with the same MS-RequestId', async () => {
    await h.fault({ method: 'POST', path: USERS_PATH, kind: 'drop', when: 'after', count: 1 });
    const requestId = randomUUID();
    const u = user('dropped.once');
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, u, call(requestId));
    expect(created.userPrincipalName).toBe(u.userPrincipalName);

    const state = await h.state();
    expect(state.users[CUSTOMERS.fabrikam].filter((x) => x.userPrincipalName === u.userPrincipalName)).toHaveLength(1);
    const posts = await createPosts(u.userPrincipalName);
    expect(posts).toHaveLength(2);
    expect(posts.map((p) => p.headers['ms-requestid'])).toEqual([requestId, requestId]);
    const attempts = h.logger.withMessage('upstream call').filter((l) => l.obj.requestId === requestId);
    expect(attempts.map((l) => l.obj.attempt)).toEqual([1, 2]);
  });

  it('makes its own MS-RequestId when none is given, and still creates once', async () => {
    await h.fault({ method: 'POST', path: USERS_PATH, kind: 'drop', when: 'after', count: 1 });
    const u = user('dropped.no.id');
    await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, u, call());
    const posts = await createPosts(u.userPrincipalName);
    expect(posts).toHaveLength(2);
    expect(posts[0].headers['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1].headers['ms-requestid']).toBe(posts[0].headers['ms-requestid']);
    expect((await h.state()).users[CUSTOMERS.fabrikam].filter((x) => x.userPrincipalName === u.userPrincipalName)).toHaveLength(1);
  });

  it('answers a repeated logical call (same MS-RequestId, later) with the first result', async () => {
    const requestId = randomUUID();
    const u = user('twice.clicked');
    const first = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, u, call(requestId));
    const again = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, u, call(requestId));
    expect(again.id).toBe(first.id);
    expect((await h.state()).users[CUSTOMERS.fabrikam].filter((x) => x.userPrincipalName === u.userPrincipalName)).toHaveLength(1);
  });

  it('waits out a 429 Retry-After, then succeeds', async () => {
    await h.fault({ method: 'GET', path: '/v1/customers/*', kind: 'status', status: 429, retryAfterSeconds: 1, count: 1 });
    const started = Date.now();
    const customer = await h.partnerCenter.getCustomer(token, CUSTOMERS.fabrikam, call());
    const waited = Date.now() - started;
    expect(customer.id).toBe(CUSTOMERS.fabrikam);
    expect(waited).toBeGreaterThanOrEqual(950);
    const gets = (await h.state()).requests.filter((r) => r.method === 'GET' && r.path === `/v1/customers/${CUSTOMERS.fabrikam}`);
    expect(gets.map((g) => g.status)).toEqual([429, 200]);
    expect(gets[1].headers['ms-requestid']).toBe(gets[0].headers['ms-requestid']);
  });

  it('fails THROTTLED with retryAfterSeconds when the wait does not fit the deadline', async () => {
    await h.fault({ method: 'GET', path: '/v1/customers/*', kind: 'status', status: 429, retryAfterSeconds: 30, count: 1 });
    const { partnerCenter } = h.clients({ deadlineMs: 5_000 });
    const started = Date.now();
    const e = await failure(partnerCenter.getCustomer(token, CUSTOMERS.fabrikam, call()));
    expect(e.code).toBe('THROTTLED');
    expect(e.retryAfterSeconds).toBe(30);
    expect(e.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('retries a 503 and succeeds', async () => {
    await h.fault({ method: 'GET', path: '/v1/customers/*', kind: 'status', status: 503, count: 2 });
    expect((await h.partnerCenter.getCustomer(token, CUSTOMERS.fabrikam, call())).id).toBe(CUSTOMERS.fabrikam);
  });

  it('cuts a hang off with its timeout and fails UPSTREAM_TIMEOUT', async () => {
    await h.fault({ method: 'GET', path: '/v1/customers/*', kind: 'hang', count: 10 });
    const { partnerCenter } = h.clients({ timeoutMs: 300, maxRetries: 1, deadlineMs: 5_000 });
    const started = Date.now();
    const e = await failure(partnerCenter.getCustomer(token, CUSTOMERS.fabrikam, call()));
    expect(e.code).toBe('UPSTREAM_TIMEOUT');
    expect(e.retryable).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_000);
    await h.clearFaults();
  });

  it('retries Graph through the same helper', async () => {
    await h.fault({ method: 'GET', path: '/v1.0/domains', kind: 'status', status: 503, count: 1 });
    const domains = await h.graph.listDomains((await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam)).token, call());
    expect(domains.length).toBeGreaterThan(0);
  });
});
