import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { RequestedUser } from '../../../src/core/approval/user-request';
import type { UserCredential } from '../../../src/core/ports';
import { Preflight } from '../../../src/core/preflight/run-preflight';
import { call, CUSTOMERS, failure, startHarness, USERS, type Harness } from './harness';

/**
 * A user name with the special characters Entra allows (' # ^ ~ !), end to end over HTTP against the sandbox:
 * Partner Center creates it, the pre-flight's Graph look-up finds it taken (or free) with the production clients,
 * and the sandbox reads a Graph URL the way Graph does (a raw '#' cuts the path; a '$' key needs /users('…')).
 */

jest.setTimeout(60_000);

const DOMAIN = 'fabrikam.example';
const TAKEN = `o'brien#x^y~z!@${DOMAIN}`;
const FREE = `o'brien#x^y~z!2@${DOMAIN}`;

let h: Harness;
let ada: UserCredential;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ada = await h.signIn(USERS.ada);
});

const requested = (upn: string): RequestedUser => {
  const [userName, domain] = upn.split('@');
  return { firstName: 'Aoife', lastName: "O'Brien", displayName: "Aoife O'Brien", userName, domain, userPrincipalName: upn, usageLocation: 'IE', forceChangePassword: true, passwordGenerated: true };
};

async function create(upn: string) {
  const token = (await h.tokens.partnerCenter(ada)).token;
  return h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, { usageLocation: 'IE', userPrincipalName: upn, firstName: 'Aoife', lastName: "O'Brien", displayName: "Aoife O'Brien", password: 'Str0ng!Passw0rd', forceChangePassword: true }, call());
}

async function preflight(upn: string) {
  const pre = new Preflight({ partnerCenter: h.partnerCenter, directory: h.graph, tokens: h.tokens, clock: { now: () => new Date() }, logger: h.logger }, 60_000);
  const { checklist } = await pre.run({ cred: ada, customerId: CUSTOMERS.fabrikam, user: requested(upn), useCache: false, correlationId: randomUUID() });
  return Object.fromEntries(checklist.checks.map((c) => [c.id, c]));
}

/** A GET sent byte for byte as given (fetch would drop a '#' and what follows before sending). */
function rawGet(path: string, token: string): Promise<{ status: number; body: { error?: { code: string }; userPrincipalName?: string } }> {
  const url = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers: { authorization: `Bearer ${token}` } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe("user names with ' # ^ ~ ! end to end", () => {
  it('Partner Center creates the user; the pre-flight then finds the name taken (UPN_TAKEN) and a neighbour free (ok)', async () => {
    const created = await create(TAKEN);
    expect(created.userPrincipalName).toBe(TAKEN);

    const taken = await preflight(TAKEN);
    expect(taken['input-rules']).toMatchObject({ status: 'ok' });
    expect(taken['upn-free']).toMatchObject({ status: 'blocked', code: 'UPN_TAKEN', evidence: `object id ${created.id}` });

    const free = await preflight(FREE);
    expect(free['input-rules']).toMatchObject({ status: 'ok' });
    expect(free['upn-free']).toMatchObject({ status: 'ok' });

    // What went over the wire: '#' as %23 (raw, it would have asked Graph about "o'brien" only), the quote as is.
    const lookups = (await h.state()).requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/users/'));
    expect(lookups.map((r) => [r.path, r.status])).toEqual([
      ["/v1.0/users/o'brien%23x%5Ey~z!%40fabrikam.example", 200],
      ["/v1.0/users/o'brien%23x%5Ey~z!2%40fabrikam.example", 404],
    ]);
  });

  it("a user name beginning with $ is refused by the rules and by Partner Center; its look-up still goes as /users('…')", async () => {
    const checks = await preflight(`$adele@${DOMAIN}`);
    expect(checks['input-rules']).toMatchObject({ status: 'blocked', code: 'VALIDATION_FAILED' });
    // Answered as Graph would (404: free), not refused as /users/$adele… would be (400).
    expect(checks['upn-free']).toMatchObject({ status: 'ok' });
    const lookup = (await h.state()).requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1.0/users('));
    expect(lookup.map((r) => [r.path, r.status])).toEqual([["/v1.0/users('$adele%40fabrikam.example')", 404]]);
    expect((await failure(create(`$adele@${DOMAIN}`))).code).toBe('INVALID_FIELD');
  });
});

describe('the sandbox reads a user URL as Graph does', () => {
  let token: string;
  beforeEach(async () => {
    await create(TAKEN);
    token = (await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam)).token;
  });

  it("a raw '#' ends the path: only the part before it is looked up, so the existing user is not found (404)", async () => {
    const raw = await rawGet(`/v1.0/users/o'brien#x^y~z!@${DOMAIN}`, token);
    expect(raw.status).toBe(404);
    expect(raw.body.error?.code).toBe('Request_ResourceNotFound');
    expect((await rawGet(`/v1.0/users/o'brien%23x%5Ey~z!%40${DOMAIN}`, token)).body.userPrincipalName).toBe(TAKEN);
  });

  it("a key beginning with $ as a path segment is 400; /users('…') is the documented form, with '' for '", async () => {
    const segment = await rawGet(`/v1.0/users/$adele@${DOMAIN}`, token);
    expect(segment.status).toBe(400);
    expect(segment.body.error?.code).toBe('BadRequest');
    expect((await rawGet(`/v1.0/users('$adele@${DOMAIN}')`, token)).status).toBe(404);
    expect((await rawGet(`/v1.0/users('o''brien%23x%5Ey~z!@${DOMAIN}')`, token)).body.userPrincipalName).toBe(TAKEN);
    // A lone quote ends the literal early, and a key without quotes is no literal: both 400.
    expect((await rawGet(`/v1.0/users('o'brien%23x%5Ey~z!@${DOMAIN}')`, token)).status).toBe(400);
    expect((await rawGet(`/v1.0/users(adele@${DOMAIN})`, token)).status).toBe(400);
  });
});
