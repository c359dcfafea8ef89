import { randomUUID } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { CUSTOMERS, ENGINEERS, newUser, sandboxClient, type SandboxClient } from '../../support/sandbox-network';

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

const USERS = `/v1/customers/${CUSTOMERS.fabrikam}/users`;
const create = (body: unknown, customer: string = CUSTOMERS.fabrikam, headers: Record<string, string> = {}) => client.pc(ada, 'POST', `/v1/customers/${customer}/users`, { body, headers });
const pc2000 = (description: string) => ({ code: '2000', description, data: [], source: 'PartnerFD' });
const DUPLICATE = pc2000('Another object with the same value for property userPrincipalName already exists.');
const UNVERIFIED = pc2000('The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.');
const WEAK = pc2000('The specified password does not comply with password complexity requirements. Please provide a different password.');
const invalid = (field: string) => pc2000(`Invalid value specified for property '${field}' of resource 'User'.`);

async function usersNamed(upn: string, customer: string = CUSTOMERS.fabrikam): Promise<unknown[]> {
  const state = await client.state();
  return state.users[customer].filter((u: { userPrincipalName: string }) => u.userPrincipalName.toLowerCase() === upn.toLowerCase());
}

describe('creating a user', () => {
  it('creates the user and echoes it like Partner Center, password profile included', async () => {
    const body = newUser({ immutableId: 'grace-42' });
    const r = await create(body);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userPrincipalName: body.userPrincipalName,
      firstName: 'Grace',
      lastName: 'Hopper',
      displayName: 'Grace Hopper',
      usageLocation: 'US',
      immutableId: 'grace-42',
      userDomainType: 'managed',
      state: 'active',
      softDeletionTime: null,
      lastDirectorySyncTime: null,
      passwordProfile: { password: 'Str0ng!Passw0rd', forceChangePassword: true },
      attributes: { objectType: 'CustomerUser' },
    });
    expect(await usersNamed(body.userPrincipalName)).toHaveLength(1);
    const got = await client.pc(ada, 'GET', `${USERS}/${r.body.id}`);
    expect(got.body.passwordProfile).toBeUndefined();
  });

  it('creates in the managed .onmicrosoft.com domain of a customer whose custom domain is federated', async () => {
    const r = await create(newUser({ userPrincipalName: 'new.trader@northwindtraders.onmicrosoft.com' }), CUSTOMERS.northwind);
    expect(r.status).toBe(200);
  });

  it('refuses a UPN an active user holds, whatever its case', async () => {
    for (const upn of ['alice.smith@fabrikam.example', 'Alice.Smith@FABRIKAM.example']) {
      const r = await create(newUser({ userPrincipalName: upn }));
      expect(r.status).toBe(400);
      expect(r.body).toEqual(DUPLICATE);
    }
    expect(await usersNamed('alice.smith@fabrikam.example')).toHaveLength(1);
  });

  it('refuses a UPN a soft-deleted user still holds', async () => {
    const r = await create(newUser({ userPrincipalName: 'bob.jones@fabrikam.example' }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual(DUPLICATE);
  });

  it('refuses a UPN taken by a user created a moment ago', async () => {
    const body = newUser();
    expect((await create(body)).status).toBe(200);
    expect((await create(body)).body).toEqual(DUPLICATE);
  });

  it('refuses a federated domain, naming it', async () => {
    const r = await create(newUser({ userPrincipalName: 'new.person@northwind.example' }), CUSTOMERS.northwind);
    expect(r.status).toBe(400);
    expect(r.body).toEqual(pc2000('The domain northwind.example is federated: users in a federated domain cannot be created through Partner Center.'));
  });

  it('refuses an unverified domain and a domain the customer does not have', async () => {
    for (const upn of ['new.person@fabrikam-pending.example', 'new.person@contoso.com', 'new.person@northwind.example']) {
      const r = await create(newUser({ userPrincipalName: upn }));
      expect({ upn, body: r.body }).toEqual({ upn, body: UNVERIFIED });
    }
  });

  it.each([
    ['too short', 'Ab1!xyz'],
    ['only two kinds', 'abcdefgh12345'],
    ['only lowercase', 'abcdefghijkl'],
    ['a character outside Entra’s set', 'Str0ng!Pässword'],
    ['an emoji', 'Str0ng!Pass🙂'],
    ['longer than 256', `Aa1!${'x'.repeat(253)}`],
    ['empty', ''],
  ])('refuses a weak or invalid password: %s', async (_what, password) => {
    const r = await create(newUser({ passwordProfile: { password, forceChangePassword: true } }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual(WEAK);
  });

  it.each([['Abcdefg1'], ['abc def 12'], ['ABCD-efgh'], [`Aa1!${'x'.repeat(252)}`]])('accepts the password %p', async (password) => {
    expect((await create(newUser({ passwordProfile: { password, forceChangePassword: false } }))).status).toBe(200);
  });

  it.each([['XX'], ['us'], ['USA'], ['UK'], ['EU'], [''], ['1A']])('refuses the usage location %p', async (usageLocation) => {
    const r = await create(newUser({ usageLocation }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid('usageLocation'));
  });

  it.each([
    ['firstName', 'f'.repeat(65)],
    ['lastName', 'l'.repeat(65)],
    ['displayName', 'd'.repeat(257)],
    ['displayName', '   '],
    ['firstName', ''],
  ])('refuses %s of %p', async (field, value) => {
    const r = await create(newUser({ [field]: value }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid(field));
  });

  it('accepts names at their limits', async () => {
    expect((await create(newUser({ firstName: 'f'.repeat(64), lastName: 'l'.repeat(64), displayName: 'd'.repeat(256) }))).status).toBe(200);
  });

  it.each([
    ['a dot right before @', 'grace.@fabrikam.example'],
    ['a character Entra does not allow', 'grace(hopper)@fabrikam.example'],
    ['a space', 'grace hopper@fabrikam.example'],
    ['two @', 'grace@hopper@fabrikam.example'],
    ['no local part', '@fabrikam.example'],
    ['a local part over 64', `${'g'.repeat(65)}@fabrikam.example`],
    ['a domain over 48', `grace@${'d'.repeat(41)}.example`],
  ])('refuses a UPN with %s', async (_what, userPrincipalName) => {
    const r = await create(newUser({ userPrincipalName }));
    expect(r.status).toBe(400);
    expect(r.body).toEqual(invalid('userPrincipalName'));
  });

  it("accepts the UPN characters Entra allows: ' . - _ ! # ^ ~", async () => {
    expect((await create(newUser({ userPrincipalName: "o'neil.x-y_z!#^~@fabrikam.example" }))).status).toBe(200);
  });

  it('refuses an immutableId with $ or _', async () => {
    expect((await create(newUser({ immutableId: 'abc$def' }))).body).toEqual(invalid('immutableId'));
    expect((await create(newUser({ immutableId: 'abc_def' }))).body).toEqual(invalid('immutableId'));
  });

  it('refuses a missing or mistyped field as that field', async () => {
    const { passwordProfile: _p, ...noPassword } = newUser();
    expect((await create(noPassword)).body).toEqual(invalid('passwordProfile'));
    expect((await create(newUser({ usageLocation: 42 }))).body).toEqual(invalid('usageLocation'));
    expect((await create({})).status).toBe(400);
  });

  it('answers malformed JSON with a Partner Center-shaped 400 and creates nothing', async () => {
    const before = (await client.state()).users[CUSTOMERS.fabrikam].length;
    const r = await client.pc(ada, 'POST', USERS, { rawBody: '{"userPrincipalName": "x@fabrikam.example",' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: '400', description: 'The request body is not valid JSON.', data: [], source: 'PartnerFD' });
    expect((await client.state()).users[CUSTOMERS.fabrikam]).toHaveLength(before);
  });
});

describe('idempotency by MS-RequestId', () => {
  it('answers a repeat with the first answer and never creates a second user', async () => {
    const body = newUser();
    const requestId = randomUUID();
    const first = await create(body, CUSTOMERS.fabrikam, { 'MS-RequestId': requestId });
    const again = await create(body, CUSTOMERS.fabrikam, { 'MS-RequestId': requestId, 'MS-CorrelationId': randomUUID() });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await usersNamed(body.userPrincipalName)).toHaveLength(1);
  });

  it('keeps to the first answer even when it was a refusal', async () => {
    const requestId = randomUUID();
    const weak = await create(newUser({ passwordProfile: { password: 'weak' } }), CUSTOMERS.fabrikam, { 'MS-RequestId': requestId });
    const fixed = await create(newUser(), CUSTOMERS.fabrikam, { 'MS-RequestId': requestId });
    expect(weak.status).toBe(400);
    expect(fixed.body).toEqual(weak.body);
  });

  it('acts once when two attempts with one request id arrive together', async () => {
    const body = newUser();
    const requestId = randomUUID();
    const answers = await Promise.all(Array.from({ length: 5 }, () => create(body, CUSTOMERS.fabrikam, { 'MS-RequestId': requestId })));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await usersNamed(body.userPrincipalName)).toHaveLength(1);
  });

  it('treats a new request id as a new call (which then finds the name taken)', async () => {
    const body = newUser();
    expect((await create(body)).status).toBe(200);
    expect((await create(body)).body).toEqual(DUPLICATE);
  });

  it('does not replay the first answer on another path', async () => {
    const requestId = randomUUID();
    expect((await create(newUser(), CUSTOMERS.fabrikam, { 'MS-RequestId': requestId })).status).toBe(200);
    const woodgrove = await create(newUser({ userPrincipalName: `grace.${randomUUID().slice(0, 6)}@woodgrove.example` }), CUSTOMERS.woodgrove, { 'MS-RequestId': requestId });
    expect(woodgrove.status).toBe(200);
    expect(woodgrove.body.userPrincipalName).toMatch(/@woodgrove\.example$/);
  });

  it('makes deletes and restores idempotent too', async () => {
    const created = (await create(newUser())).body;
    const path = `${USERS}/${created.id}`;
    const requestId = randomUUID();
    expect((await client.pc(ada, 'DELETE', path, { headers: { 'MS-RequestId': requestId } })).status).toBe(204);
    expect((await client.pc(ada, 'DELETE', path, { headers: { 'MS-RequestId': requestId } })).status).toBe(204);
    expect((await client.pc(ada, 'DELETE', path)).status).toBe(404);
  });
});
