import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { CUSTOMERS, ENGINEERS, newUser, PARTNER_TENANT, PC_SCOPE, sandboxClient, type SandboxClient } from '../../support/sandbox-network';

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

const pcBody = (code: string, description: string) => ({ code, description, data: [], source: 'PartnerFD' });
const TOKEN_INVALID = pcBody('400', 'Access denied: the token is missing, expired or not meant for Partner Center.');
const NO_ROLE = pcBody('900150', 'The supplied role does not have the rights to perform the requested operation.');
const usersPath = (customer: string) => `/v1/customers/${customer}/users`;

describe('who may call Partner Center', () => {
  it('refuses a missing, malformed, foreign, expired or wrong-audience token with 401 code 400 and the realm', async () => {
    const graphToken = await client.accessToken(ENGINEERS.ada, 'https://graph.microsoft.com/.default');
    const other = await startSandbox({ port: 0, quiet: true });
    const foreign = await sandboxClient(other.url).accessToken(ENGINEERS.ada);
    await other.close();
    const expired = await client.ssoToken(ENGINEERS.ada, { audience: 'https://api.partnercenter.microsoft.com', expiresInSeconds: -60 });
    for (const token of [undefined, 'not-a-token', graphToken, foreign, expired]) {
      const r = await client.pc(token, 'GET', '/v1/customers');
      expect(r.status).toBe(401);
      expect(r.body).toEqual(TOKEN_INVALID);
      expect(r.headers.get('www-authenticate')).toBe(`OAuth realm=urn:cpsvc:cpid:${PARTNER_TENANT}`);
    }
  });

  it('refuses a Partner Center-audience token without user_impersonation, or from a customer tenant', async () => {
    const noScope = await client.ssoToken(ENGINEERS.ada, { audience: 'https://api.partnercenter.microsoft.com' });
    expect((await client.pc(noScope, 'GET', '/v1/customers')).body).toEqual(TOKEN_INVALID);
    // A Partner Center token from a customer tenant is not even issued: the resource is not consented there.
    const refused = await client.obo(await client.ssoToken(ENGINEERS.ada), PC_SCOPE, CUSTOMERS.fabrikam);
    expect(refused.body.error_codes).toEqual([65001]);
    const customerTenant = await client.accessToken(ENGINEERS.ada, 'https://graph.microsoft.com/.default', { tenant: CUSTOMERS.fabrikam });
    expect((await client.pc(customerTenant, 'GET', '/v1/customers')).body).toEqual(TOKEN_INVALID);
  });

  it('refuses a token without MFA in amr (401, code 900419)', async () => {
    const noMfa = await client.accessToken(ENGINEERS.ada, PC_SCOPE, { mfa: false });
    const r = await client.pc(noMfa, 'GET', '/v1/customers');
    expect(r.status).toBe(401);
    expect(r.body).toEqual(pcBody('900419', "Multi-factor authentication is required: the token's amr claim has no mfa."));
    const create = await client.pc(noMfa, 'POST', usersPath(CUSTOMERS.fabrikam), { body: newUser() });
    expect(create.status).toBe(401);
  });

  it('refuses a request without an Accept header at all (fetch always sends one, so plain node:http)', async () => {
    const headers = { authorization: `Bearer ${ada}`, 'ms-contract-version': 'v1', 'ms-requestid': randomUUID(), 'ms-correlationid': randomUUID() };
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(`${sandbox.url}/v1/customers`, { headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual(pcBody('400', 'The request is missing the required header Accept.'));
  });

  it.each([
    ['Accept', 'text/html'],
    ['MS-Contract-Version', undefined],
    ['MS-Contract-Version', 'v2'],
    ['MS-RequestId', undefined],
    ['MS-RequestId', 'not-a-guid'],
    ['MS-CorrelationId', undefined],
    ['MS-CorrelationId', '12345'],
  ])('refuses a request whose %s header is %p', async (name, value) => {
    const r = await client.pc(ada, 'GET', '/v1/customers', { headers: { [name]: value } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(pcBody('400', `The request is missing the required header ${name}.`));
  });
});

describe('GDAP: who may create users where', () => {
  const create = async (upn: string, customer: string) => client.pc(await client.accessToken(upn), 'POST', usersPath(customer), { body: newUser({ userPrincipalName: `new.${randomUUID().slice(0, 6)}@${domainOf[customer]}` }) });
  const domainOf: Record<string, string> = {
    [CUSTOMERS.fabrikam]: 'fabrikam.example',
    [CUSTOMERS.tailspin]: 'tailspintoys.example',
    [CUSTOMERS.wideWorld]: 'wideworldimporters.onmicrosoft.com',
    [CUSTOMERS.litware]: 'litware.example',
    [CUSTOMERS.adatum]: 'adatum.example',
    [CUSTOMERS.firstFiller]: 'alpineskihouse.example',
    [CUSTOMERS.notACustomer]: 'nowhere.example',
  };

  it.each([
    ['ada (User Administrator, direct) on Fabrikam', ENGINEERS.ada, CUSTOMERS.fabrikam],
    ['cleo (User Administrator through a nested group) on Fabrikam', ENGINEERS.cleo, CUSTOMERS.fabrikam],
    ['erin (Directory Writers) on Fabrikam', ENGINEERS.erin, CUSTOMERS.fabrikam],
    ['ada on Adatum (relationship ends in 7 days)', ENGINEERS.ada, CUSTOMERS.adatum],
    ['ada on a filler customer', ENGINEERS.ada, CUSTOMERS.firstFiller],
  ])('lets %s create a user', async (_what, upn, customer) => {
    const r = await create(upn, customer);
    expect(r.status).toBe(200);
  });

  it.each([
    ['ben (Helpdesk Tier 1: no suitable role) on Fabrikam', ENGINEERS.ben, CUSTOMERS.fabrikam],
    ['ada on Tailspin (relationship expired)', ENGINEERS.ada, CUSTOMERS.tailspin],
    ['ada on Litware (only Directory Readers)', ENGINEERS.ada, CUSTOMERS.litware],
  ])('refuses %s with 403 900150', async (_what, upn, customer) => {
    const r = await create(upn, customer);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(NO_ROLE);
  });

  it('refuses Wide World (no delegated-admin relationship at all) with 403 20002', async () => {
    const r = await create(ENGINEERS.ada, CUSTOMERS.wideWorld);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(pcBody('20002', 'The partner has no relationship with the customer.'));
  });

  it('refuses a tenant that is not a customer with 404 60003', async () => {
    const r = await create(ENGINEERS.ada, CUSTOMERS.notACustomer);
    expect(r.status).toBe(404);
    expect(r.body).toEqual(pcBody('60003', 'Tenant not found.'));
  });

  // "Get a list of all user accounts for a customer" and "Get a user account by ID" (Partner Center developer
  // docs) name the GDAP roles Directory Reader, Global reader, User Administrator; no other role lists users.
  it.each([
    ['ada (User Administrator) on Fabrikam', ENGINEERS.ada, CUSTOMERS.fabrikam],
    ['ben (Directory Readers + Helpdesk Administrator) on Fabrikam', ENGINEERS.ben, CUSTOMERS.fabrikam],
    ['ada on Litware (only Directory Readers)', ENGINEERS.ada, CUSTOMERS.litware],
  ])('lets %s list users, deleted users, and read one user (a user it has, else 404 60002, not 403)', async (_what, upn, customer) => {
    const token = await client.accessToken(upn);
    const listed = await client.pc(token, 'GET', usersPath(customer));
    expect(listed.status).toBe(200);
    const deleted = await client.pc(token, 'GET', `${usersPath(customer)}?filter=${encodeURIComponent(JSON.stringify({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' }))}`);
    expect(deleted.status).toBe(200);
    const first: { id: string } | undefined = listed.body.items[0];
    const one = await client.pc(token, 'GET', `${usersPath(customer)}/${first?.id ?? randomUUID()}`);
    if (first) expect(one.status).toBe(200);
    else expect(one.body.code).toBe('60002');
  });

  it('refuses erin (Directory Writers only) listing users, deleted users or one user with 403 900150, yet lets her create', async () => {
    const erin = await client.accessToken(ENGINEERS.erin);
    const alice = (await client.pc(ada, 'GET', usersPath(CUSTOMERS.fabrikam))).body.items.find((u: { userPrincipalName: string }) => u.userPrincipalName === 'alice.smith@fabrikam.example');
    const deletedFilter = `?filter=${encodeURIComponent(JSON.stringify({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' }))}`;
    for (const path of [usersPath(CUSTOMERS.fabrikam), `${usersPath(CUSTOMERS.fabrikam)}${deletedFilter}`, `${usersPath(CUSTOMERS.fabrikam)}/${alice.id}`]) {
      const r = await client.pc(erin, 'GET', path);
      expect(r.status).toBe(403);
      expect(r.body).toEqual(NO_ROLE);
    }
    expect((await create(ENGINEERS.erin, CUSTOMERS.fabrikam)).status).toBe(200);
  });

  it('refuses listing users on an expired or missing relationship', async () => {
    expect((await client.pc(ada, 'GET', usersPath(CUSTOMERS.tailspin))).body).toEqual(NO_ROLE);
    expect((await client.pc(ada, 'GET', usersPath(CUSTOMERS.wideWorld))).body.code).toBe('20002');
    expect((await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.tailspin}/subscribedskus`)).status).toBe(403);
  });

  it('lets ben read but not delete, restore or license', async () => {
    const ben = await client.accessToken(ENGINEERS.ben);
    const alice = (await client.pc(ben, 'GET', usersPath(CUSTOMERS.fabrikam))).body.items.find((u: { userPrincipalName: string }) => u.userPrincipalName === 'alice.smith@fabrikam.example');
    expect((await client.pc(ben, 'DELETE', `${usersPath(CUSTOMERS.fabrikam)}/${alice.id}`)).body).toEqual(NO_ROLE);
    expect((await client.pc(ben, 'PATCH', `${usersPath(CUSTOMERS.fabrikam)}/${alice.id}`, { body: { State: 'active' } })).body).toEqual(NO_ROLE);
    expect((await client.pc(ben, 'POST', `${usersPath(CUSTOMERS.fabrikam)}/${alice.id}/licenseupdates`, { body: { LicensesToAssign: [] } })).body).toEqual(NO_ROLE);
  });
});

describe('customers', () => {
  it('gets one customer with its company profile', async () => {
    const r = await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.fabrikam}`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(
      expect.objectContaining({
        id: CUSTOMERS.fabrikam,
        companyProfile: expect.objectContaining({ companyName: 'Fabrikam, Inc.', domain: 'fabrikam.example', tenantId: CUSTOMERS.fabrikam }),
        relationshipToPartner: 'reseller',
        allowDelegatedAccess: true,
        attributes: { objectType: 'Customer' },
      }),
    );
    expect((await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.wideWorld}`)).body.allowDelegatedAccess).toBe(false);
    expect((await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.notACustomer}`)).body).toEqual(pcBody('60003', 'Tenant not found.'));
  });

  it('pages through every customer with size and the continuation token, each once', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await client.pc(ada, 'GET', `/v1/customers?size=10${token ? '&seekOperation=Next' : ''}`, { headers: token ? { 'MS-ContinuationToken': token } : {} });
      expect(r.status).toBe(200);
      expect(r.body.attributes).toEqual({ objectType: 'Collection' });
      expect(r.body.items.length).toBeLessThanOrEqual(10);
      expect(r.body.totalCount).toBe(r.body.items.length);
      seen.push(...r.body.items.map((c: { id: string }) => c.id));
      const next = r.body.links.next;
      if (next) {
        expect(next).toEqual({ uri: '/customers?size=10&seekOperation=Next', method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: expect.any(String) }] });
      }
      token = next?.headers[0].value;
      pages += 1;
    } while (token && pages < 10);
    expect(pages).toBe(4);
    expect(seen).toHaveLength(32);
    expect(new Set(seen).size).toBe(32);
    expect(seen).toContain(CUSTOMERS.woodgrove);
    expect(seen).not.toContain(CUSTOMERS.notACustomer);
  });

  it('refuses a bad size, a forged token, or one from another list', async () => {
    expect((await client.pc(ada, 'GET', '/v1/customers?size=0')).status).toBe(400);
    expect((await client.pc(ada, 'GET', '/v1/customers?size=abc')).status).toBe(400);
    expect((await client.pc(ada, 'GET', '/v1/customers?seekOperation=Next', { headers: { 'MS-ContinuationToken': 'garbage' } })).body).toEqual(pcBody('400', 'The continuation token is not valid.'));
    const users = await client.pc(ada, 'GET', `${usersPath(CUSTOMERS.woodgrove)}?size=10`);
    const usersToken = users.body.links.next.headers[0].value;
    expect((await client.pc(ada, 'GET', '/v1/customers?seekOperation=Next', { headers: { 'MS-ContinuationToken': usersToken } })).status).toBe(400);
  });
});

describe('users', () => {
  it("pages Woodgrove's 150 users about 100 a page, each once, with realistic names", async () => {
    const first = await client.pc(ada, 'GET', usersPath(CUSTOMERS.woodgrove));
    expect(first.body.items).toHaveLength(100);
    const token = first.body.links.next.headers[0].value;
    const second = await client.pc(ada, 'GET', `${usersPath(CUSTOMERS.woodgrove)}?seekOperation=Next`, { headers: { 'MS-ContinuationToken': token } });
    expect(second.body.items).toHaveLength(50);
    expect(second.body.links.next).toBeUndefined();
    const all = [...first.body.items, ...second.body.items];
    expect(new Set(all.map((u) => u.id)).size).toBe(150);
    expect(new Set(all.map((u) => u.userPrincipalName.toLowerCase())).size).toBe(150);
    for (const u of all) {
      expect(u.userPrincipalName).toMatch(/^[a-z]+\.[a-z]+@woodgrove\.example$/);
      expect(u.displayName).toBe(`${u.firstName} ${u.lastName}`);
      expect(u.state).toBe('active');
    }
  });

  it('lists users with the real user shape, and soft-deleted ones only with the documented filter', async () => {
    const active = await client.pc(ada, 'GET', usersPath(CUSTOMERS.fabrikam));
    const alice = active.body.items.find((u: { userPrincipalName: string }) => u.userPrincipalName === 'alice.smith@fabrikam.example');
    expect(alice).toEqual(
      expect.objectContaining({ id: expect.any(String), firstName: 'Alice', lastName: 'Smith', displayName: 'Alice Smith', usageLocation: 'US', userDomainType: 'managed', state: 'active', softDeletionTime: null, lastDirectorySyncTime: null, attributes: { objectType: 'CustomerUser' } }),
    );
    expect(active.body.items.map((u: { userPrincipalName: string }) => u.userPrincipalName)).not.toContain('bob.jones@fabrikam.example');

    const filter = encodeURIComponent(JSON.stringify({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' }));
    const deleted = await client.pc(ada, 'GET', `${usersPath(CUSTOMERS.fabrikam)}?filter=${filter}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.items.map((u: { userPrincipalName: string }) => u.userPrincipalName).sort()).toEqual(['bob.jones@fabrikam.example', 'tom.baker@fabrikam.example']);
    for (const u of deleted.body.items) {
      expect(u.state).toBe('inactive');
      expect(Date.now() - new Date(u.softDeletionTime).getTime()).toBeLessThan(30 * 86_400_000);
    }
    expect((await client.pc(ada, 'GET', `${usersPath(CUSTOMERS.fabrikam)}?filter=%7Bnot-json`)).body).toEqual(pcBody('400', 'The filter is not valid.'));
  });

  it('gets one user, and answers 404 60002 for an unknown one', async () => {
    const alice = (await client.pc(ada, 'GET', usersPath(CUSTOMERS.fabrikam))).body.items[0];
    const r = await client.pc(ada, 'GET', `${usersPath(CUSTOMERS.fabrikam)}/${alice.id}`);
    expect(r.body).toEqual(expect.objectContaining({ id: alice.id, userPrincipalName: alice.userPrincipalName }));
    const missing = await client.pc(ada, 'GET', `${usersPath(CUSTOMERS.fabrikam)}/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual(pcBody('60002', 'User object id not found.'));
  });

  it('soft-deletes (204), lists the user as deleted, and restores it with State active', async () => {
    const created = (await client.pc(ada, 'POST', usersPath(CUSTOMERS.fabrikam), { body: newUser() })).body;
    const userPath = `${usersPath(CUSTOMERS.fabrikam)}/${created.id}`;
    const del = await client.pc(ada, 'DELETE', userPath);
    expect(del.status).toBe(204);
    expect(del.body).toBeUndefined();
    const gone = (await client.pc(ada, 'GET', userPath)).body;
    expect(gone).toEqual(expect.objectContaining({ state: 'inactive', softDeletionTime: expect.any(String) }));
    expect((await client.pc(ada, 'DELETE', userPath)).status).toBe(404);

    expect((await client.pc(ada, 'PATCH', userPath, { body: { State: 'inactive' } })).body).toEqual(pcBody('2000', "Invalid value specified for property 'State' of resource 'User'."));
    const restored = await client.pc(ada, 'PATCH', userPath, { body: { State: 'active', Attributes: { ObjectType: 'CustomerUser' } } });
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual(expect.objectContaining({ id: created.id, state: 'active', softDeletionTime: null }));
  });

  it('refuses to restore a user whose name an active user has taken meanwhile', async () => {
    const bob = (await client.state()).users[CUSTOMERS.fabrikam].find((u: { userPrincipalName: string }) => u.userPrincipalName === 'bob.jones@fabrikam.example');
    // The seeded name is taken (even soft-deleted), so the clash is staged inside the world directly.
    sandbox.state.customer(CUSTOMERS.fabrikam)!.users.push({ ...sandbox.state.customer(CUSTOMERS.fabrikam)!.users.find((u) => u.id === bob.id)!, id: randomUUID(), state: 'active', softDeletionTime: undefined });
    const r = await client.pc(ada, 'PATCH', `${usersPath(CUSTOMERS.fabrikam)}/${bob.id}`, { body: { State: 'active' } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(pcBody('2000', 'Another object with the same value for property userPrincipalName already exists.'));
  });
});

describe('licences', () => {
  it('lists subscribed skus in the real shape', async () => {
    const r = await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.fabrikam}/subscribedskus`);
    expect(r.status).toBe(200);
    expect(r.body.attributes).toEqual({ objectType: 'Collection' });
    const standard = r.body.items.find((s: { productSku: { skuPartNumber: string } }) => s.productSku.skuPartNumber === 'O365_BUSINESS_PREMIUM');
    expect(standard).toEqual(expect.objectContaining({ availableUnits: 47, activeUnits: 50, consumedUnits: 3, capabilityStatus: 'Enabled', productSku: expect.objectContaining({ id: expect.any(String), name: 'Microsoft 365 Business Standard' }) }));
  });

  it('assigns a licence (201) and counts it; refuses an unknown or exhausted sku', async () => {
    const skus = (await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.fabrikam}/subscribedskus`)).body.items;
    const sku = (part: string) => skus.find((s: { productSku: { skuPartNumber: string } }) => s.productSku.skuPartNumber === part).productSku.id;
    const user = (await client.pc(ada, 'POST', usersPath(CUSTOMERS.fabrikam), { body: newUser() })).body;
    const path = `${usersPath(CUSTOMERS.fabrikam)}/${user.id}/licenseupdates`;
    const body = (skuId: string) => ({ LicensesToAssign: [{ SkuId: skuId, ExcludedPlans: [] }], Attributes: { ObjectType: 'LicenseUpdate' } });

    const ok = await client.pc(ada, 'POST', path, { body: body(sku('O365_BUSINESS_PREMIUM')) });
    expect(ok.status).toBe(201);
    expect(ok.body.attributes).toEqual({ objectType: 'LicenseUpdate' });
    const after = (await client.pc(ada, 'GET', `/v1/customers/${CUSTOMERS.fabrikam}/subscribedskus`)).body.items.find((s: { productSku: { id: string } }) => s.productSku.id === sku('O365_BUSINESS_PREMIUM'));
    expect(after.consumedUnits).toBe(4);

    expect((await client.pc(ada, 'POST', path, { body: body(sku('EXCHANGESTANDARD')) })).status).toBe(400);
    expect((await client.pc(ada, 'POST', path, { body: body(randomUUID()) })).status).toBe(400);
    expect((await client.pc(ada, 'POST', `${usersPath(CUSTOMERS.fabrikam)}/${randomUUID()}/licenseupdates`, { body: body(sku('O365_BUSINESS_PREMIUM')) })).body.code).toBe('60002');
  });
});

describe('requests the sandbox cannot route', () => {
  it('answers unknown routes and wrong methods in Partner Center’s shape', async () => {
    const unknown = await client.pc(ada, 'GET', '/v1/partners/me');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(pcBody('1000', 'Not found.'));
    const wrongMethod = await client.pc(ada, 'PUT', `/v1/customers/${CUSTOMERS.fabrikam}`, { body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.body).toEqual(expect.objectContaining({ code: '405', source: 'PartnerFD' }));
    const badEscape = await client.pc(ada, 'GET', '/v1/customers/%E0%A4%A/users');
    expect(badEscape.status).toBe(400);
    expect(badEscape.body.source).toBe('PartnerFD');
  });
});
