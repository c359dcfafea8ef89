import { randomUUID } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../../../src/sandbox/server';
import { BOT_ID, CLIENT_SECRET, CUSTOMERS, ENGINEERS, GRAPH_SCOPE, PARTNER_TENANT, sandboxClient, type SandboxClient } from '../../support/sandbox-network';

let sandbox: RunningSandbox;
let client: SandboxClient;
let adaPartner: string;
let appGraph: string;

const USER_ADMINISTRATOR = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const DIRECTORY_WRITERS = '9360feb5-f418-4baa-8175-e2a00bac4301';
const DIRECTORY_READERS = '88d8e3e3-8f55-4a1e-953a-9b9898b8876b';
const GROUPS = { userAdmins: '44444444-0000-4000-8000-000000000001', directoryWriters: '44444444-0000-4000-8000-000000000002', tier1: '44444444-0000-4000-8000-000000000003', nightShift: '44444444-0000-4000-8000-000000000004' };
const RELATIONSHIPS = '/v1.0/tenantRelationships/delegatedAdminRelationships';
const filterFor = (customer: string) => `${RELATIONSHIPS}?$filter=${encodeURIComponent(`customer/tenantId eq '${customer}'`)}`;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, quiet: true });
  client = sandboxClient(sandbox.url);
  adaPartner = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE);
  const app = await client.tokenEndpoint(PARTNER_TENANT, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: GRAPH_SCOPE });
  appGraph = app.body.access_token as string;
});
afterAll(() => sandbox.close());

describe('GDAP relationships (partner tenant)', () => {
  // Read with the app's own token (client credentials, application permission DelegatedAdminRelationship.Read.All),
  // as the bot does: a delegated read shows them only to Admin agents (next describe).
  it('filters by customer tenant id, with status, end date, customer and roles', async () => {
    const r = await client.graph(appGraph, 'GET', filterFor(CUSTOMERS.fabrikam));
    expect(r.status).toBe(200);
    expect(r.body.value).toHaveLength(1);
    const rel = r.body.value[0];
    expect(rel).toEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^[0-9a-f-]{36}-[0-9a-f-]{36}$/),
        displayName: expect.any(String),
        status: 'active',
        customer: { tenantId: CUSTOMERS.fabrikam, displayName: 'Fabrikam, Inc.' },
      }),
    );
    expect(new Date(rel.endDateTime).getTime()).toBeGreaterThan(Date.now());
    expect(rel.accessDetails.unifiedRoles.map((r: { roleDefinitionId: string }) => r.roleDefinitionId)).toEqual(expect.arrayContaining([USER_ADMINISTRATOR, DIRECTORY_WRITERS]));
  });

  it('shows the expired, the missing and the ending relationship as the seed describes them', async () => {
    const tailspin = (await client.graph(appGraph, 'GET', filterFor(CUSTOMERS.tailspin))).body.value;
    expect(tailspin.map((r: { status: string }) => r.status)).toEqual(['expired']);
    expect(new Date(tailspin[0].endDateTime).getTime()).toBeLessThan(Date.now());
    expect((await client.graph(appGraph, 'GET', filterFor(CUSTOMERS.wideWorld))).body.value).toEqual([]);
    const adatum = (await client.graph(appGraph, 'GET', filterFor(CUSTOMERS.adatum))).body.value[0];
    const daysLeft = (new Date(adatum.endDateTime).getTime() - Date.now()) / 86_400_000;
    expect(daysLeft).toBeGreaterThan(6.9);
    expect(daysLeft).toBeLessThan(7.1);
  });

  it('pages with $top through absolute @odata.nextLink on the origin the caller used, to the end', async () => {
    const ids: string[] = [];
    let next: string | undefined = `${RELATIONSHIPS}?$top=10`;
    let pages = 0;
    while (next && pages < 10) {
      const r = await client.graph(appGraph, 'GET', next);
      expect(r.status).toBe(200);
      expect(r.body.value.length).toBeLessThanOrEqual(10);
      ids.push(...r.body.value.map((x: { id: string }) => x.id));
      next = r.body['@odata.nextLink'];
      if (next) expect(next.startsWith(`${sandbox.url}${RELATIONSHIPS}?`)).toBe(true);
      pages += 1;
    }
    // Every seeded customer but Wide World has one relationship: 6 named + 25 fillers.
    expect(ids).toHaveLength(31);
    expect(new Set(ids).size).toBe(31);
    expect(pages).toBe(4);
  });

  it('refuses a filter it does not support and a $top over 300', async () => {
    const badFilter = await client.graph(appGraph, 'GET', `${RELATIONSHIPS}?$filter=${encodeURIComponent("displayName eq 'x'")}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.error).toEqual(expect.objectContaining({ code: 'BadRequest', message: expect.any(String), innerError: expect.objectContaining({ 'request-id': expect.any(String), date: expect.any(String) }) }));
    expect((await client.graph(appGraph, 'GET', `${RELATIONSHIPS}?$top=301`)).status).toBe(400);
    expect((await client.graph(appGraph, 'GET', `${RELATIONSHIPS}?$top=300`)).status).toBe(200);
  });

  it('lists access assignments: a security group and its roles', async () => {
    const relId = (await client.graph(appGraph, 'GET', filterFor(CUSTOMERS.fabrikam))).body.value[0].id;
    const r = await client.graph(appGraph, 'GET', `${RELATIONSHIPS}/${relId}/accessAssignments`);
    expect(r.status).toBe(200);
    const byGroup = Object.fromEntries(r.body.value.map((a: { accessContainer: { accessContainerId: string }; accessDetails: { unifiedRoles: Array<{ roleDefinitionId: string }> } }) => [a.accessContainer.accessContainerId, a.accessDetails.unifiedRoles.map((x) => x.roleDefinitionId)]));
    expect(byGroup[GROUPS.userAdmins]).toEqual([USER_ADMINISTRATOR]);
    expect(byGroup[GROUPS.directoryWriters]).toEqual([DIRECTORY_WRITERS]);
    for (const a of r.body.value) expect(a).toEqual(expect.objectContaining({ status: 'active', accessContainer: expect.objectContaining({ accessContainerType: 'securityGroup' }) }));

    const litwareRel = (await client.graph(appGraph, 'GET', filterFor(CUSTOMERS.litware))).body.value[0].id;
    const litware = (await client.graph(appGraph, 'GET', `${RELATIONSHIPS}/${litwareRel}/accessAssignments`)).body.value;
    expect(litware.flatMap((a: { accessDetails: { unifiedRoles: Array<{ roleDefinitionId: string }> } }) => a.accessDetails.unifiedRoles.map((x) => x.roleDefinitionId))).toEqual([DIRECTORY_READERS, DIRECTORY_READERS]);

    const missing = await client.graph(appGraph, 'GET', `${RELATIONSHIPS}/${randomUUID()}-${randomUUID()}/accessAssignments`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
  });
});

describe('GDAP reads as Graph answers them per caller (microsoft-graph-docs-contrib#8921)', () => {
  it('a delegated read by an engineer outside the AdminAgents group is 200 with an empty list, never a 403', async () => {
    const r = await client.graph(adaPartner, 'GET', filterFor(CUSTOMERS.fabrikam));
    expect(r.status).toBe(200);
    expect(r.body.value).toEqual([]);
    const relId = (await client.graph(appGraph, 'GET', filterFor(CUSTOMERS.fabrikam))).body.value[0].id;
    const assignments = await client.graph(adaPartner, 'GET', `${RELATIONSHIPS}/${relId}/accessAssignments`);
    expect(assignments.status).toBe(200);
    expect(assignments.body.value).toEqual([]);
  });

  it('an app-only token carries the application permissions in roles, and only the GDAP and group-member reads take it', async () => {
    const claims = JSON.parse(Buffer.from(appGraph.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toEqual(expect.objectContaining({ idtyp: 'app', roles: ['DelegatedAdminRelationship.Read.All', 'GroupMember.Read.All'], tid: PARTNER_TENANT }));
    expect(claims.scp).toBeUndefined();
    const me = await client.graph(appGraph, 'POST', '/v1.0/me/checkMemberGroups', { groupIds: [GROUPS.userAdmins] });
    expect(me.status).toBe(403);
    expect(me.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('an app-only token from a customer tenant holds no application permission there', async () => {
    const r = await client.tokenEndpoint(CUSTOMERS.fabrikam, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: GRAPH_SCOPE });
    expect(r.status).toBe(200);
    const denied = await client.graph(r.body.access_token, 'GET', filterFor(CUSTOMERS.fabrikam));
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('Authorization_RequestDenied');
  });
});

describe('POST /v1.0/me/checkMemberGroups', () => {
  const check = async (upn: string, groupIds: unknown) => client.graph(await client.accessToken(upn, GRAPH_SCOPE), 'POST', '/v1.0/me/checkMemberGroups', { groupIds });
  const all = Object.values(GROUPS);

  it('answers transitively: direct (ada), nested (cleo), another group (erin), none of the role groups (ben)', async () => {
    expect((await check(ENGINEERS.ada, all)).body.value).toEqual([GROUPS.userAdmins]);
    expect((await check(ENGINEERS.cleo, all)).body.value.sort()).toEqual([GROUPS.userAdmins, GROUPS.nightShift].sort());
    expect((await check(ENGINEERS.erin, all)).body.value).toEqual([GROUPS.directoryWriters]);
    expect((await check(ENGINEERS.ben, all)).body.value).toEqual([GROUPS.tier1]);
  });

  it('takes at most 20 ids, all GUIDs, in a JSON body', async () => {
    const twenty = [GROUPS.userAdmins, ...Array.from({ length: 19 }, () => randomUUID())];
    expect((await check(ENGINEERS.ada, twenty)).body.value).toEqual([GROUPS.userAdmins]);
    const r = await check(ENGINEERS.ada, [...twenty, randomUUID()]);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('Request_BadRequest');
    expect((await check(ENGINEERS.ada, ['not-a-guid'])).status).toBe(400);
    expect((await check(ENGINEERS.ada, [])).status).toBe(400);
    const badJson = await fetch(`${sandbox.url}/v1.0/me/checkMemberGroups`, { method: 'POST', headers: { authorization: `Bearer ${adaPartner}`, 'content-type': 'application/json' }, body: '{"groupIds": [' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe('BadRequest');
  });
});

describe('customer tenant (token issued for the customer through GDAP)', () => {
  it('lists the domains with authentication type and verification', async () => {
    const fabrikam = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE, { tenant: CUSTOMERS.fabrikam });
    const r = await client.graph(fabrikam, 'GET', '/v1.0/domains');
    expect(r.status).toBe(200);
    expect(r.body.value).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'fabrikam.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false }),
        expect.objectContaining({ id: 'fabrikamcorp.onmicrosoft.com', authenticationType: 'Managed', isVerified: true, isInitial: true }),
        expect.objectContaining({ id: 'fabrikam-pending.example', isVerified: false }),
      ]),
    );
    const northwind = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE, { tenant: CUSTOMERS.northwind });
    expect((await client.graph(northwind, 'GET', '/v1.0/domains')).body.value).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'northwind.example', authenticationType: 'Federated', isDefault: true })]));
  });

  it('finds an active user by UPN and answers 404 when the UPN is free or only soft-deleted', async () => {
    const token = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE, { tenant: CUSTOMERS.fabrikam });
    const alice = await client.graph(token, 'GET', `/v1.0/users/${encodeURIComponent('alice.smith@fabrikam.example')}`);
    expect(alice.status).toBe(200);
    expect(alice.body).toEqual(expect.objectContaining({ id: expect.any(String), userPrincipalName: 'alice.smith@fabrikam.example' }));
    for (const upn of ['nobody@fabrikam.example', 'bob.jones@fabrikam.example']) {
      const r = await client.graph(token, 'GET', `/v1.0/users/${encodeURIComponent(upn)}`);
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('Request_ResourceNotFound');
    }
  });

  it('keeps each face to its tenant: customer routes refuse a partner token and the other way round', async () => {
    const fabrikam = await client.accessToken(ENGINEERS.ada, GRAPH_SCOPE, { tenant: CUSTOMERS.fabrikam });
    expect((await client.graph(adaPartner, 'GET', '/v1.0/domains')).status).toBe(403);
    expect((await client.graph(fabrikam, 'GET', filterFor(CUSTOMERS.fabrikam))).status).toBe(403);
    expect((await client.graph(fabrikam, 'POST', '/v1.0/me/checkMemberGroups', { groupIds: [GROUPS.userAdmins] })).status).toBe(403);
  });
});

describe('Graph token checks', () => {
  it('refuses no token, a Partner Center token and a foreign token with 401 InvalidAuthenticationToken', async () => {
    const pcToken = await client.accessToken(ENGINEERS.ada);
    for (const token of [undefined, pcToken, 'garbage']) {
      const r = await client.graph(token, 'GET', filterFor(CUSTOMERS.fabrikam));
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('InvalidAuthenticationToken');
    }
  });

  it('refuses a Graph-audience token without the needed permission (403)', async () => {
    const noScope = await client.ssoToken(ENGINEERS.ada, { audience: 'https://graph.microsoft.com' });
    const r = await client.graph(noScope, 'GET', filterFor(CUSTOMERS.fabrikam));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('Authorization_RequestDenied');
  });

  it('answers unknown Graph routes and methods in Graph’s shape', async () => {
    const unknown = await client.graph(adaPartner, 'GET', '/v1.0/devices');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('Request_ResourceNotFound');
    const method = await client.graph(adaPartner, 'DELETE', '/v1.0/domains');
    expect(method.status).toBe(405);
    expect(method.body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  });

  it('names the partner tenant in every partner token it accepts', async () => {
    const payload = JSON.parse(Buffer.from(adaPartner.split('.')[1], 'base64url').toString());
    expect(payload.tid).toBe(PARTNER_TENANT);
  });
});

describe("a group's users, nested groups expanded (transitiveMembers/microsoft.graph.user)", () => {
  const members = (group: string, query = '') => `/v1.0/groups/${group}/transitiveMembers/microsoft.graph.user${query}`;

  it('lists direct and nested members with $select, app-only (GroupMember.Read.All)', async () => {
    const r = await client.graph(appGraph, 'GET', members(GROUPS.userAdmins, '?$select=id,displayName'));
    expect(r.status).toBe(200);
    const names = r.body.value.map((u: { displayName: string }) => u.displayName).sort();
    // Ada, Dan and Grace directly; Cleo through Night Shift, a member group of it.
    expect(names).toEqual(['Ada Lovelace', 'Cleo Park', 'Dan Brooks', 'Grace Hopper']);
    expect(Object.keys(r.body.value[0]).sort()).toEqual(['@odata.type', 'displayName', 'id']);
    expect(r.body.value.every((u: { '@odata.type': string }) => u['@odata.type'] === '#microsoft.graph.user')).toBe(true);
    expect(r.body['@odata.nextLink']).toBeUndefined();
  });

  it('pages with $top through absolute @odata.nextLink that keeps $select, to the end', async () => {
    const seen: string[] = [];
    let next: string | undefined = members(GROUPS.userAdmins, '?$select=id,displayName&$top=1');
    let pages = 0;
    while (next) {
      const r = await client.graph(appGraph, 'GET', next.replace(sandbox.url, ''));
      expect(r.status).toBe(200);
      expect(r.body.value.length).toBeLessThanOrEqual(1);
      seen.push(...r.body.value.map((u: { id: string }) => u.id));
      next = r.body['@odata.nextLink'];
      if (next) expect(next.startsWith(`${sandbox.url}/v1.0/groups/`)).toBe(true);
      pages++;
    }
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(4);
    expect((await client.graph(appGraph, 'GET', members(GROUPS.userAdmins, '?$top=1000'))).status).toBe(400);
  });

  it('404 Request_ResourceNotFound for a group that does not exist; 400 for an id that is no GUID', async () => {
    const missing = await client.graph(appGraph, 'GET', members(randomUUID()));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
    const bad = await client.graph(appGraph, 'GET', members('not-a-group'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('Request_BadRequest');
  });

  it("refuses an app-only token of a customer tenant (the permission is the partner tenant's)", async () => {
    const customerApp = await client.tokenEndpoint(CUSTOMERS.fabrikam, { grant_type: 'client_credentials', client_id: BOT_ID, client_secret: CLIENT_SECRET, scope: GRAPH_SCOPE });
    const r = await client.graph(customerApp.body.access_token as string, 'GET', members(GROUPS.userAdmins));
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('Authorization_RequestDenied');
  });
});
