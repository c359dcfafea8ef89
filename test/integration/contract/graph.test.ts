import { randomUUID } from 'node:crypto';
import type { AccessAssignment, UserCredential } from '../../../src/core/ports';
import { call, CUSTOMERS, failure, PARTNER_TENANT, startHarness, ROLES, USERS, type Harness } from './harness';

jest.setTimeout(60_000);

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

const partnerToken = async (cred: UserCredential) => (await h.tokens.partnerGraph(cred)).token;
/** The app's own token: how the bot reads GDAP relationships and assignments (an engineer is no Admin agent). */
const appToken = async () => (await h.tokens.partnerGraphApp()).token;

/** The active assignments of the active relationships with a customer. */
async function activeAssignments(token: string, customerId: string): Promise<AccessAssignment[]> {
  const rels = await h.graph.listRelationships(token, customerId, call());
  const result: AccessAssignment[] = [];
  for (const rel of rels.filter((r) => r.status === 'active' || r.status === 'expiring')) {
    result.push(...(await h.graph.listAccessAssignments(token, rel.id, call())).filter((a) => a.status === 'active'));
  }
  return result;
}

describe('Microsoft Graph contract (production client ↔ sandbox)', () => {
  it('lists the GDAP relationship with a healthy customer, filtered by tenant', async () => {
    const token = await appToken();
    const rels = await h.graph.listRelationships(token, CUSTOMERS.fabrikam, call());
    expect(rels.length).toBeGreaterThan(0);
    expect(rels.every((r) => r.customerTenantId === CUSTOMERS.fabrikam)).toBe(true);
    expect(rels.some((r) => r.status === 'active')).toBe(true);
    const req = (await h.state()).requests.find((r) => r.path === '/v1.0/tenantRelationships/delegatedAdminRelationships')!;
    expect(req.query).toEqual(expect.objectContaining({ $filter: `customer/tenantId eq '${CUSTOMERS.fabrikam}'` }));
    expect(Number(req.query.$top)).toBeLessThanOrEqual(300);
  });

  it('sees the expired, the missing and the ending relationships', async () => {
    const token = await appToken();
    const tailspin = await h.graph.listRelationships(token, CUSTOMERS.tailspin, call());
    expect(tailspin.length).toBeGreaterThan(0);
    expect(tailspin.every((r) => r.status === 'expired' || r.status === 'terminated')).toBe(true);
    expect(await h.graph.listRelationships(token, CUSTOMERS.wideWorld, call())).toEqual([]);
    const adatum = await h.graph.listRelationships(token, CUSTOMERS.adatum, call());
    const ending = adatum.find((r) => r.status === 'active' || r.status === 'expiring')!;
    const daysLeft = (new Date(ending.endDateTime!).getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(5);
    expect(daysLeft).toBeLessThan(9);
  });

  it('maps access assignments to a group and role ids', async () => {
    const token = await appToken();
    const assignments = await activeAssignments(token, CUSTOMERS.fabrikam);
    const admin = assignments.find((a) => a.roleDefinitionIds.includes(ROLES.userAdministrator));
    expect(admin).toBeDefined();
    expect(admin!.groupId).toMatch(/^[0-9a-f-]{36}$/i);
    const litware = await activeAssignments(token, CUSTOMERS.litware);
    expect(litware.length).toBeGreaterThan(0);
    expect(litware.some((a) => a.roleDefinitionIds.includes(ROLES.userAdministrator) || a.roleDefinitionIds.includes(ROLES.directoryWriters))).toBe(false);
  });

  it('checks membership of more than 20 groups in batches, transitively', async () => {
    const adaToken = await partnerToken(ada);
    const adminGroup = (await activeAssignments(await appToken(), CUSTOMERS.fabrikam)).find((a) => a.roleDefinitionIds.includes(ROLES.userAdministrator))!.groupId;
    const noise = Array.from({ length: 24 }, () => randomUUID());
    const ids = [...noise.slice(0, 12), adminGroup, ...noise.slice(12)];
    expect(await h.graph.checkMemberGroups(adaToken, ids, call())).toEqual([adminGroup]);
    const posts = (await h.state()).requests.filter((r) => r.method === 'POST' && r.path === '/v1.0/me/checkMemberGroups');
    expect(posts).toHaveLength(2);
    expect(posts.every((p) => (p.body as { groupIds: string[] }).groupIds.length <= 20)).toBe(true);

    // Cleo holds the role only through a nested group; ben not at all.
    const cleo = await h.signIn(USERS.cleo);
    expect(await h.graph.checkMemberGroups(await partnerToken(cleo), ids, call())).toEqual([adminGroup]);
    const ben = await h.signIn(USERS.ben);
    expect(await h.graph.checkMemberGroups(await partnerToken(ben), ids, call())).toEqual([]);
  });

  it('reads relationships app-only (client credentials, roles claim), and a delegated read by a non-Admin-agent finds none', async () => {
    await h.graph.listRelationships(await appToken(), CUSTOMERS.fabrikam, call());
    const appRead = (await h.state()).requests.find((r) => r.path === '/v1.0/tenantRelationships/delegatedAdminRelationships')!;
    expect(appRead.auth).toEqual(expect.objectContaining({ idtyp: 'app', tid: PARTNER_TENANT }));
    // What made every least-privilege engineer "without a relationship" before: Graph's by-design empty answer.
    expect(await h.graph.listRelationships(await partnerToken(ada), CUSTOMERS.fabrikam, call())).toEqual([]);
  });

  it('a customer tenant where the app is not connected: CUSTOMER_NOT_CONNECTED (AADSTS700016); partly consented: CUSTOMER_CONSENT_MISSING (its .default token lacks User.Read.All)', async () => {
    const adatum = await failure(h.tokens.customerGraph(ada, CUSTOMERS.adatum));
    expect(adatum.code).toBe('CUSTOMER_NOT_CONNECTED');
    expect(adatum.upstreamCode).toBe('AADSTS700016');
    const litware = await failure(h.tokens.customerGraph(ada, CUSTOMERS.litware));
    expect(litware.code).toBe('CUSTOMER_CONSENT_MISSING');
    expect(litware.upstreamCode).toBe('SCP_MISSING');
    expect(litware.message).toContain('User.Read.All');
    // Entra issued the `.default` token (scp: what Litware consented); no Graph call was made with it.
    const litwareRequests = (await h.state()).requests.filter((r) => r.path === `/${CUSTOMERS.litware}/oauth2/v2.0/token` || r.auth?.tid === CUSTOMERS.litware);
    expect(litwareRequests.map((r) => [r.path, r.status])).toEqual(litwareRequests.map(() => [`/${CUSTOMERS.litware}/oauth2/v2.0/token`, 200]));
    expect(litwareRequests.length).toBeGreaterThan(0);
  });

  it('one on-behalf-of exchange per engineer and customer tenant: `.default`, shared by the reads, the onboarding and the Temporary Access Pass', async () => {
    const read = await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam);
    const onboarding = await h.tokens.customerGraphForOnboarding(ada, CUSTOMERS.fabrikam);
    const credentials = await h.tokens.customerGraphForCredentials(ada, CUSTOMERS.fabrikam);
    expect(onboarding.token).toBe(read.token);
    expect(credentials.token).toBe(read.token);
    const exchanges = (await h.state()).requests.filter((r) => r.path === `/${CUSTOMERS.fabrikam}/oauth2/v2.0/token`);
    expect(exchanges.map((r) => [r.status, String((r.body as { scope?: string }).scope).split(' ').filter((s) => s.startsWith('https://'))])).toEqual([[200, ['https://graph.microsoft.com/.default']]]);
    // scp as Entra writes it: every permission consented in Fabrikam for the app, names only, space-separated.
    const scp = String(JSON.parse(Buffer.from(read.token.split('.')[1], 'base64url').toString('utf8')).scp).split(' ');
    expect(scp.sort()).toEqual(['Domain.Read.All', 'GroupMember.ReadWrite.All', 'Policy.Read.AuthenticationMethod', 'User.Read.All', 'User.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All']);
    // And Graph takes it for each use.
    expect((await h.graph.listDomains(read.token, call())).length).toBeGreaterThan(0);
  });

  it("lists a role group's users in full, nested groups expanded, app-only; an unknown group is refused", async () => {
    const token = await appToken();
    const groups = (await activeAssignments(token, CUSTOMERS.fabrikam)).filter((a) => a.roleDefinitionIds.includes(ROLES.userAdministrator)).map((a) => a.groupId);
    const people = await h.graph.listGroupUsers(token, groups[0], call());
    const ids = people.map((p) => p.id);
    expect(ids).toContain(ada.user.oid);
    // Cleo holds the role through a nested group only; Ben holds none.
    expect(ids).toContain((await h.signIn(USERS.cleo)).user.oid);
    expect(ids).not.toContain((await h.signIn(USERS.ben)).user.oid);
    expect(people.every((p) => typeof p.displayName === 'string')).toBe(true);
    const req = (await h.state()).requests.find((r) => r.path === `/v1.0/groups/${groups[0]}/transitiveMembers/microsoft.graph.user`)!;
    expect(req.query).toEqual(expect.objectContaining({ $select: 'id,displayName' }));
    expect(Number(req.query.$top)).toBeLessThanOrEqual(999);
    const unknown = await failure(h.graph.listGroupUsers(token, randomUUID(), call()));
    expect(unknown.httpStatus).toBe(404);
    expect(unknown.upstreamCode).toBe('Request_ResourceNotFound');
    expect((await failure(h.graph.listGroupUsers(token, 'not-a-guid', call()))).code).toBe('VALIDATION_FAILED');
  });

  it("lists a customer's domains with a customer-tenant token", async () => {
    const fabrikam = await h.graph.listDomains((await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam)).token, call());
    expect(fabrikam).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'fabrikam.example', authenticationType: 'Managed', isVerified: true, isDefault: true }),
        expect.objectContaining({ id: 'fabrikamcorp.onmicrosoft.com', isInitial: true }),
      ]),
    );
    const northwind = await h.graph.listDomains((await h.tokens.customerGraph(ada, CUSTOMERS.northwind)).token, call());
    expect(northwind.find((d) => d.id === 'northwind.example')?.authenticationType).toBe('Federated');
    expect(northwind.find((d) => d.id === 'northwindtraders.onmicrosoft.com')?.authenticationType).toBe('Managed');
  });

  it('finds a user by UPN, and answers null for a free one', async () => {
    const token = (await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam)).token;
    expect(await h.graph.findUserByUpn(token, 'alice.smith@fabrikam.example', call())).toEqual({ id: expect.any(String), userPrincipalName: 'alice.smith@fabrikam.example' });
    expect(await h.graph.findUserByUpn(token, `free.${Date.now()}@fabrikam.example`, call())).toBeNull();
  });

  it('maps Graph refusals: a token of the wrong tenant, and one for another resource', async () => {
    const customerToken = (await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam)).token;
    const wrongTenant = await failure(h.graph.listRelationships(customerToken, CUSTOMERS.fabrikam, call()));
    expect(wrongTenant.code).toBe('ACCESS_DENIED');
    expect(wrongTenant.httpStatus).toBe(403);
    expect(wrongTenant.upstreamCode).toBe('Authorization_RequestDenied');
    const partnerCenterToken = (await h.tokens.partnerCenter(ada)).token;
    const wrongResource = await failure(h.graph.listDomains(partnerCenterToken, call()));
    expect(wrongResource.code).toBe('UNAUTHENTICATED');
    expect(wrongResource.upstreamCode).toBe('InvalidAuthenticationToken');
  });
});
