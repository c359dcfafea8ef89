import { request } from 'node:http';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { CLIENT_SECRET, CUSTOMERS, ENGINEERS, GRAPH_SCOPE, newUser, PC_SCOPE, sandboxClient, type SandboxClient } from '../../support/sandbox-network';

let sandbox: RunningSandbox;
let client: SandboxClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  client = sandboxClient(sandbox.url);
});
afterAll(() => sandbox.close());
beforeEach(() => client.reset());

/** node:http, because fetch will not send a Host header of our choosing. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${sandbox.url}${path}`, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /_sandbox/state', () => {
  it('shows customers, users per customer and the request log, and never a password, secret or token', async () => {
    const password = 'Unl1kely!Passw0rd-7d1c';
    const sso = await client.ssoToken(ENGINEERS.ada);
    const obo = await client.obo(sso, PC_SCOPE);
    const token = obo.body.access_token as string;
    const body = newUser({ passwordProfile: { password, forceChangePassword: true } });
    const created = await client.pc(token, 'POST', `/v1/customers/${CUSTOMERS.fabrikam}/users`, { body });
    expect(created.status).toBe(200);
    await client.pc(token, 'POST', `/v1/customers/${CUSTOMERS.fabrikam}/users`, { rawBody: `{"passwordProfile":{"password":"${password}"` });

    const res = await fetch(`${sandbox.url}/_sandbox/state`);
    const text = await res.text();
    for (const secret of [password, CLIENT_SECRET, sso, token, obo.body.refresh_token, obo.body.id_token, token.split('.')[2]]) {
      expect(text).not.toContain(secret);
    }
    const state = JSON.parse(text);
    expect(state.customers.map((c: { id: string }) => c.id)).toContain(CUSTOMERS.fabrikam);
    expect(state.users[CUSTOMERS.fabrikam].map((u: { userPrincipalName: string }) => u.userPrincipalName)).toContain(body.userPrincipalName);
    for (const u of state.users[CUSTOMERS.fabrikam]) expect(u.passwordProfile).toBeUndefined();

    const post = state.requests.find((r: { method: string; path: string; status: number }) => r.method === 'POST' && r.path.endsWith('/users') && r.status === 200);
    expect(post).toEqual(
      expect.objectContaining({
        at: expect.any(String),
        query: {},
        headers: expect.objectContaining({ authorization: 'Bearer <redacted>', 'ms-contract-version': 'v1' }),
        auth: expect.objectContaining({ upn: ENGINEERS.ada, tid: expect.any(String), aud: 'https://api.partnercenter.microsoft.com', scp: 'user_impersonation', amr: ['pwd', 'mfa'] }),
        status: 200,
      }),
    );
    expect(post.body.passwordProfile.password).toBe('<redacted>');
    const tokenCall = state.requests.find((r: { path: string }) => r.path.endsWith('/oauth2/v2.0/token'));
    expect(tokenCall.body).toEqual(expect.objectContaining({ client_secret: '<redacted>', assertion: '<redacted>', grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer' }));
    expect(state.requests.find((r: { status: number }) => r.status === 400).body).toBe('<not json>');
    expect(state.requests.some((r: { path: string }) => r.path.startsWith('/_sandbox/'))).toBe(false);
  });
});

describe('POST /_sandbox/reset', () => {
  it('reseeds the world and clears the log, the faults and the idempotency memory', async () => {
    const ada = await client.accessToken(ENGINEERS.ada);
    const body = newUser();
    const requestId = '0f0f0f0f-0000-4000-8000-000000000001';
    expect((await client.pc(ada, 'POST', `/v1/customers/${CUSTOMERS.fabrikam}/users`, { body, headers: { 'MS-RequestId': requestId } })).status).toBe(200);
    await client.control('POST', '/_sandbox/faults', { method: 'GET', path: '/v1/customers', kind: 'status', status: 503, count: 9 });

    expect((await client.reset()).status).toBe(204);
    const state = await client.state();
    expect(state.requests).toEqual([]);
    expect(state.users[CUSTOMERS.fabrikam].some((u: { userPrincipalName: string }) => u.userPrincipalName === body.userPrincipalName)).toBe(false);
    expect((await client.control('GET', '/_sandbox/faults')).body.faults).toEqual([]);
    // The same request id acts again: the memory of it is gone with the world it changed.
    expect((await client.pc(ada, 'POST', `/v1/customers/${CUSTOMERS.fabrikam}/users`, { body, headers: { 'MS-RequestId': requestId } })).status).toBe(200);
    expect((await client.state()).users[CUSTOMERS.fabrikam].filter((u: { userPrincipalName: string }) => u.userPrincipalName === body.userPrincipalName)).toHaveLength(1);
  });

  it('keeps seeded ids stable across resets and restarts', async () => {
    const before = (await client.state()).users[CUSTOMERS.fabrikam].map((u: { id: string }) => u.id);
    await client.reset();
    expect((await client.state()).users[CUSTOMERS.fabrikam].map((u: { id: string }) => u.id)).toEqual(before);
    const other = await startSandbox({ port: 0, quiet: true });
    const otherState = await sandboxClient(other.url).state();
    await other.close();
    expect(otherState.users[CUSTOMERS.fabrikam].map((u: { id: string }) => u.id)).toEqual(before);
  });
});

describe('the control face', () => {
  it('refuses a loopback caller that names a non-loopback host (DNS rebinding)', async () => {
    const r = await rawGet('/_sandbox/state', { host: 'attacker.example:80' });
    expect(r.status).toBe(403);
    expect((await rawGet('/_sandbox/state', { host: `localhost:${sandbox.port}` })).status).toBe(200);
  });

  it('answers unknown control routes and methods with JSON', async () => {
    const unknown = await client.control('GET', '/_sandbox/nothing');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: 'not found' });
    expect((await client.control('PUT', '/_sandbox/state', {})).status).toBe(405);
  });
});

describe('requests nobody should send', () => {
  it('answers unknown identity routes, bad escapes and oversized bodies in the face’s shape, and keeps running', async () => {
    const id = await fetch(`${sandbox.url}/nowhere/at/all`);
    expect(id.status).toBe(404);
    expect(((await id.json()) as { error_description: string }).error_description).toMatch(/^AADSTS900561:/);

    const graphBadEscape = await fetch(`${sandbox.url}/v1.0/users/%E0%A4%A`);
    expect(graphBadEscape.status).toBe(400);
    expect(((await graphBadEscape.json()) as { error: { code: string } }).error.code).toBe('BadRequest');

    const huge = await fetch(`${sandbox.url}/v1/customers/${CUSTOMERS.fabrikam}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"x":"${'a'.repeat(2 * 1024 * 1024)}"}` });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { source: string }).source).toBe('PartnerFD');
    expect((await client.control('GET', '/_sandbox/state')).status).toBe(200);
    const ada = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE);
    expect((await client.graph(ada, 'POST', '/v1.0/me/checkMemberGroups', { groupIds: ['44444444-0000-4000-8000-000000000001'] })).status).toBe(200);
  });
});
