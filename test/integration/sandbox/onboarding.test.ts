import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { CUSTOMERS, ENGINEERS, sandboxClient, type SandboxClient } from '../../support/sandbox-network';

/**
 * The sandbox's onboarding answers at the wire: exact bodies where Microsoft documents them (60012), licence
 * groups, Graph's default user properties, $expand=manager, memberOf with a cast, PATCH validation, and a fault on
 * a new route. The production clients' view of the same is in test/integration/contract/onboarding-*.test.ts.
 */

let sandbox: RunningSandbox;
let client: SandboxClient;
let adaPc: string;
let adaGraph: string;

const CUSTOMER_GRAPH = 'https://graph.microsoft.com/.default';
const skusPath = `/v1/customers/${CUSTOMERS.fabrikam}/subscribedskus`;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  client = sandboxClient(sandbox.url);
});
afterAll(() => sandbox.close());
beforeEach(async () => {
  await client.reset();
  adaPc = await client.accessToken(ENGINEERS.ada);
  adaGraph = await client.accessToken(ENGINEERS.ada, CUSTOMER_GRAPH, { tenant: CUSTOMERS.fabrikam });
});

const userByUpn = async (upn: string) => ((await client.state()).users[CUSTOMERS.fabrikam] as Array<{ id: string; userPrincipalName: string }>).find((u) => u.userPrincipalName === upn)!;

describe('Partner Center licences at the wire', () => {
  it('answers no free seat with the documented body: 400, code 60012 as a number, LicenseQuotaExceededException in data', async () => {
    const skus = (await client.pc(adaPc, 'GET', skusPath)).body.items as Array<{ productSku: { id: string; skuPartNumber: string } }>;
    const exchange = skus.find((s) => s.productSku.skuPartNumber === 'EXCHANGESTANDARD')!.productSku.id;
    const alice = await userByUpn('alice.smith@fabrikam.example');
    const r = await client.pc(adaPc, 'POST', `/v1/customers/${CUSTOMERS.fabrikam}/users/${alice.id}/licenseupdates`, { body: { LicensesToAssign: [{ SkuId: exchange, ExcludedPlans: [] }], Attributes: { ObjectType: 'LicenseUpdate' } } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      code: 60012,
      description: "We&#39;re sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.",
      data: [`LicenseQuotaExceededException : Subscription with Account ${CUSTOMERS.fabrikam} and SKU ${exchange} does not have any available licenses left.`],
      source: 'PartnerFD',
    });
  });

  it('lists group2 skus only when asked (licenseGroupIds), with licenseGroupId on each productSku', async () => {
    const parts = async (query: string) => ((await client.pc(adaPc, 'GET', `${skusPath}${query}`)).body.items as Array<{ productSku: { skuPartNumber: string; licenseGroupId: string } }>).map((s) => `${s.productSku.skuPartNumber}/${s.productSku.licenseGroupId}`);
    expect(await parts('')).toEqual(['O365_BUSINESS_PREMIUM/group1', 'EXCHANGESTANDARD/group1']);
    expect(await parts('?licenseGroupIds=Group2')).toEqual(['MEE_FACULTY/group2']);
    expect(await parts('?licenseGroupIds=Group1&licenseGroupIds=Group2')).toHaveLength(3);
    expect((await client.pc(adaPc, 'GET', `${skusPath}?licenseGroupIds=Group9`)).status).toBe(400);
  });

  it('refuses the licence routes with 403 900150 to a role Microsoft does not list for them', async () => {
    const erin = await client.accessToken(ENGINEERS.erin);
    const refused = await client.pc(erin, 'GET', skusPath);
    expect([refused.status, refused.body.code]).toEqual([403, '900150']);
    const carol = await userByUpn('carol.white@fabrikam.example');
    const ben = await client.accessToken(ENGINEERS.ben);
    expect((await client.pc(ben, 'GET', `/v1/customers/${CUSTOMERS.fabrikam}/users/${carol.id}/licenses`)).status).toBe(200);
    expect((await client.pc(ben, 'POST', `/v1/customers/${CUSTOMERS.fabrikam}/users/${carol.id}/licenseupdates`, { body: { LicensesToAssign: [] } })).body.code).toBe('900150');
  });
});

describe('customer-tenant Graph at the wire', () => {
  it("answers Graph's default user properties, and the others only when selected", async () => {
    const carol = await userByUpn('carol.white@fabrikam.example');
    const plain = await client.graph(adaGraph, 'GET', `/v1.0/users/${carol.id}`);
    expect(Object.keys(plain.body).filter((k) => !k.startsWith('@')).sort()).toEqual(['businessPhones', 'displayName', 'givenName', 'id', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName']);
    const picked = await client.graph(adaGraph, 'GET', `/v1.0/users/${carol.id}?$select=department,usageLocation&$expand=manager($select=displayName)`);
    expect(picked.body).toEqual(expect.objectContaining({ id: carol.id, department: 'Sales', usageLocation: 'GB', manager: { '@odata.type': '#microsoft.graph.user', id: expect.any(String), displayName: 'Alice Smith' } }));
    expect(picked.body.jobTitle).toBeUndefined();
    expect((await client.graph(adaGraph, 'GET', `/v1.0/users/${carol.id}?$expand=directReports`)).status).toBe(400);
  });

  it('lists direct memberships, cast to groups, with @odata.type', async () => {
    const dave = await userByUpn('dave.green@fabrikam.example');
    const r = await client.graph(adaGraph, 'GET', `/v1.0/users/${dave.id}/memberOf/microsoft.graph.group?$select=displayName`);
    expect(r.status).toBe(200);
    expect(r.body.value.map((g: { displayName: string; '@odata.type': string }) => `${g['@odata.type']} ${g.displayName}`).sort()).toEqual([
      '#microsoft.graph.group All Staff',
      '#microsoft.graph.group Building Access',
      '#microsoft.graph.group Engineering',
    ]);
  });

  it('PATCH /users/{id}: 204; null clears; an unmodelled property or a non-string value is 400 and nothing is written', async () => {
    const carol = await userByUpn('carol.white@fabrikam.example');
    expect((await client.graph(adaGraph, 'PATCH', `/v1.0/users/${carol.id}`, { officeLocation: null, jobTitle: 'Sales Lead' })).status).toBe(204);
    const bad = await client.graph(adaGraph, 'PATCH', `/v1.0/users/${carol.id}`, { jobTitle: 'Never', city: 'Paris' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'Request_BadRequest']);
    expect((await client.graph(adaGraph, 'PATCH', `/v1.0/users/${carol.id}`, { employeeId: 7 })).status).toBe(400);
    const after = ((await client.state()).users[CUSTOMERS.fabrikam] as Array<{ id: string; profile: Record<string, string> }>).find((u) => u.id === carol.id)!;
    expect(after.profile.jobTitle).toBe('Sales Lead');
    expect(after.profile.officeLocation).toBeUndefined();
  });

  it('refuses a partner-tenant token on customer routes, and a token without the write permission (Woodgrove consented read only)', async () => {
    const partner = await client.accessToken(ENGINEERS.ada, CUSTOMER_GRAPH);
    expect((await client.graph(partner, 'GET', '/v1.0/groups')).status).toBe(403);
    const woodgrove = await client.accessToken(ENGINEERS.ada, CUSTOMER_GRAPH, { tenant: CUSTOMERS.woodgrove });
    const james = ((await client.state()).users[CUSTOMERS.woodgrove] as Array<{ id: string }>)[0];
    const r = await client.graph(woodgrove, 'PATCH', `/v1.0/users/${james.id}`, { jobTitle: 'x' });
    expect([r.status, r.body.error.code]).toEqual([403, 'Authorization_RequestDenied']);
  });

  it('applies an injected fault to a new route, in Graph’s shape', async () => {
    await client.control('POST', '/_sandbox/faults', { method: 'PUT', path: '/v1.0/users/*/manager/$ref', kind: 'status', status: 429, retryAfterSeconds: 2 });
    const carol = await userByUpn('carol.white@fabrikam.example');
    const r = await client.graph(adaGraph, 'PUT', `/v1.0/users/${carol.id}/manager/$ref`, { '@odata.id': `https://graph.microsoft.com/v1.0/users/${carol.id}` });
    expect([r.status, r.headers.get('retry-after'), r.body.error.code]).toEqual([429, '2', 'TooManyRequests']);
  });
});
