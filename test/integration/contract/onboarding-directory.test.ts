import type { NewCustomerUser, UserCredential } from '../../../src/core/ports';
import { call, CUSTOMERS, failure, startHarness, USERS, type Harness } from './harness';

/**
 * The CustomerDirectory port (production Graph client, customer tenant) against the sandbox over HTTP: groups,
 * membership, manager, profile, type-ahead and "copy from", the refusals and faults.
 */

jest.setTimeout(60_000);

let h: Harness;
let ada: UserCredential;
let graphToken: string;
let newUserId: string;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.reset();
  ada = await h.signIn(USERS.ada);
  graphToken = (await h.tokens.customerGraphForOnboarding(ada, CUSTOMERS.fabrikam)).token;
  const pc = (await h.tokens.partnerCenter(ada)).token;
  const u: NewCustomerUser = { usageLocation: 'US', userPrincipalName: 'onboarded.hire@fabrikam.example', firstName: 'Onboarded', lastName: 'Hire', displayName: 'Onboarded Hire', password: 'Str0ng!Passw0rd', forceChangePassword: true };
  newUserId = (await h.partnerCenter.createUser(pc, CUSTOMERS.fabrikam, u, call())).id;
});

type Group = { id: string; displayName: string; members: string[] };
type User = { id: string; userPrincipalName: string; managerId?: string; profile: Record<string, string>; usageLocation?: string };
const fabrikam = async () => (await h.state()).customers.find((c) => c.id === CUSTOMERS.fabrikam) as unknown as { groups: Group[] };
const groupNamed = async (name: string) => (await fabrikam()).groups.find((g) => g.displayName === name)!;
const userNamed = async (upn: string) => ((await h.state()).users[CUSTOMERS.fabrikam] as unknown as User[]).find((u) => u.userPrincipalName === upn)!;
const graphTokenOf = async (upn: string) => (await h.tokens.customerGraphForOnboarding(await h.signIn(upn), CUSTOMERS.fabrikam)).token;
const memberPosts = async () => (await h.state()).requests.filter((r) => r.method === 'POST' && r.path.endsWith('/members/$ref'));

describe('groups (CustomerDirectory ↔ sandbox)', () => {
  it('lists every kind of group, and searches by display name with ConsistencyLevel: eventual', async () => {
    const all = await h.customerDirectory.searchGroups(graphToken, '', call());
    expect(Object.fromEntries(all.map((g) => [g.displayName, [g.kind, g.isAssignableToRole]]))).toEqual({
      'All Staff': ['security', false],
      'Building Access': ['mail-enabled-security', false],
      Engineering: ['security', false],
      'Fabrikam Announcements': ['distribution', false],
      'Finance Approvers': ['security', true],
      'Project Phoenix': ['microsoft365', false],
      'Sales Team': ['microsoft365', false],
    });
    expect((await h.customerDirectory.searchGroups(graphToken, 'phoe', call())).map((g) => g.displayName)).toEqual(['Project Phoenix']);
    expect((await h.customerDirectory.searchGroups(graphToken, 'sales"team', call())).map((g) => g.displayName)).toEqual(['Sales Team']);
    const searches = (await h.state()).requests.filter((r) => r.path === '/v1.0/groups' && r.query.$search);
    expect(searches[0].query.$search).toBe('"displayName:phoe" OR "mail:phoe"');
    expect(searches.every((r) => r.headers.consistencylevel === 'eventual' && r.status === 200)).toBe(true);
    expect(await h.customerDirectory.getGroup(graphToken, '00000000-0000-4000-8000-000000000000', call())).toBeNull();
  });

  it('adds the new user to a security and a Microsoft 365 group (204); a second add is already-member, membership once', async () => {
    const allStaff = await groupNamed('All Staff');
    const sales = await groupNamed('Sales Team');
    expect(await h.customerDirectory.addMember(graphToken, allStaff.id, newUserId, call())).toBe('added');
    expect(await h.customerDirectory.addMember(graphToken, sales.id, newUserId, call())).toBe('added');
    expect(await h.customerDirectory.addMember(graphToken, allStaff.id, newUserId, call())).toBe('already-member');
    expect((await groupNamed('All Staff')).members.filter((m) => m === newUserId)).toHaveLength(1);
    expect((await groupNamed('Sales Team')).members).toContain(newUserId);
    const posts = await memberPosts();
    expect(posts.map((p) => p.status)).toEqual([204, 204, 400]);
    expect(posts[0].body).toEqual({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${newUserId}` });
  });

  it('refuses role-assignable, distribution and mail-enabled security groups before writing anything', async () => {
    const refusals = [];
    for (const name of ['Finance Approvers', 'Fabrikam Announcements', 'Building Access']) {
      refusals.push((await failure(h.customerDirectory.addMember(graphToken, (await groupNamed(name)).id, newUserId, call()))).code);
    }
    expect(refusals).toEqual(['GROUP_ROLE_ASSIGNABLE', 'GROUP_NEEDS_EXCHANGE', 'GROUP_NEEDS_EXCHANGE']);
    expect(await memberPosts()).toEqual([]);
    expect((await failure(h.customerDirectory.addMember(graphToken, '00000000-0000-4000-8000-000000000000', newUserId, call()))).code).toBe('GROUP_NOT_FOUND');
  });

  it('answers those groups as Graph does when written to directly (the sandbox refuses, not only the client)', async () => {
    const post = (groupId: string) =>
      fetch(`${h.url}/v1.0/groups/${groupId}/members/$ref`, {
        method: 'POST',
        headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${newUserId}` }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: { code: string; message: string } } }));
    const roleGroup = await post((await groupNamed('Finance Approvers')).id);
    expect([roleGroup.status, roleGroup.body.error.code, roleGroup.body.error.message]).toEqual([403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.']);
    const dl = await post((await groupNamed('Fabrikam Announcements')).id);
    expect([dl.status, dl.body.error.code, dl.body.error.message]).toEqual([400, 'Request_BadRequest', 'Cannot Update a mail-enabled security groups and or distribution list.']);
    const carol = await userNamed('carol.white@fabrikam.example');
    const again = await fetch(`${h.url}/v1.0/groups/${(await groupNamed('Sales Team')).id}/members/$ref`, {
      method: 'POST',
      headers: { authorization: `Bearer ${graphToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${carol.id}` }),
    });
    expect(again.status).toBe(400);
    expect(((await again.json()) as { error: { message: string } }).error.message).toBe("One or more added object references already exist for the following modified properties: 'members'.");
    const search = await fetch(`${h.url}/v1.0/groups?$search=${encodeURIComponent('"displayName:sales"')}`, { headers: { authorization: `Bearer ${graphToken}` } });
    expect([search.status, ((await search.json()) as { error: { code: string } }).error.code]).toEqual([400, 'Request_UnsupportedQuery']);
  });

  it('refuses a member change to an engineer without a group-writing role (Directory Readers), and to one with no role there', async () => {
    const ben = await graphTokenOf(USERS.ben);
    const allStaff = await groupNamed('All Staff');
    expect((await h.customerDirectory.searchGroups(ben, 'staff', call())).map((g) => g.displayName)).toEqual(['All Staff']);
    const e = await failure(h.customerDirectory.addMember(ben, allStaff.id, newUserId, call()));
    expect([e.code, e.httpStatus, e.upstreamCode]).toEqual(['GDAP_ROLE_MISSING', 403, 'Authorization_RequestDenied']);
    expect((await groupNamed('All Staff')).members).not.toContain(newUserId);
    const hana = await graphTokenOf(USERS.hana);
    expect((await failure(h.customerDirectory.addMember(hana, allStaff.id, newUserId, call()))).code).toBe('GDAP_ROLE_MISSING');
  });
});

describe('manager, profile and users (CustomerDirectory ↔ sandbox)', () => {
  it('sets the manager (204, idempotent) and the profile attributes (204)', async () => {
    const alice = await userNamed('alice.smith@fabrikam.example');
    await h.customerDirectory.setManager(graphToken, newUserId, alice.id, call());
    await h.customerDirectory.setManager(graphToken, newUserId, alice.id, call());
    const profile = { jobTitle: 'Account Executive', department: 'Sales', officeLocation: 'London', companyName: 'Fabrikam, Inc.', employeeId: 'F-2001', mobilePhone: '+44 20 7946 0000', usageLocation: 'GB' };
    await h.customerDirectory.updateUser(graphToken, newUserId, profile, call());
    const after = await userNamed('onboarded.hire@fabrikam.example');
    expect(after.managerId).toBe(alice.id);
    const { usageLocation, ...rest } = profile;
    expect(after.profile).toEqual(rest);
    expect(after.usageLocation).toBe(usageLocation);
    const writes = (await h.state()).requests.filter((r) => r.path.startsWith(`/v1.0/users/${newUserId}`) && r.method !== 'GET');
    expect(writes.map((w) => [w.method, w.status])).toEqual([
      ['PUT', 204],
      ['PUT', 204],
      ['PATCH', 204],
    ]);
    expect(writes[0].body).toEqual({ '@odata.id': `https://graph.microsoft.com/v1.0/users/${alice.id}` });
  });

  it('refuses a bad usage location (400) and a manager that does not exist (USER_NOT_FOUND) without changing the user', async () => {
    const bad = await failure(h.customerDirectory.updateUser(graphToken, newUserId, { usageLocation: 'XX', jobTitle: 'Never written' }, call()));
    expect([bad.code, bad.httpStatus, bad.upstreamCode]).toEqual(['INVALID_FIELD', 400, 'Request_BadRequest']);
    expect((await failure(h.customerDirectory.setManager(graphToken, newUserId, '00000000-0000-4000-8000-000000000000', call()))).code).toBe('USER_NOT_FOUND');
    const after = await userNamed('onboarded.hire@fabrikam.example');
    expect([after.profile, after.managerId, after.usageLocation]).toEqual([{}, undefined, 'US']);
  });

  it('refuses manager and profile to a License Administrator (GDAP_ROLE_MISSING)', async () => {
    const hana = await graphTokenOf(USERS.hana);
    const alice = await userNamed('alice.smith@fabrikam.example');
    expect((await failure(h.customerDirectory.setManager(hana, newUserId, alice.id, call()))).code).toBe('GDAP_ROLE_MISSING');
    expect((await failure(h.customerDirectory.updateUser(hana, newUserId, { jobTitle: 'x' }, call()))).code).toBe('GDAP_ROLE_MISSING');
    expect((await userNamed('onboarded.hire@fabrikam.example')).managerId).toBeUndefined();
  });

  it('type-ahead over users, then everything "copy from an existing user" needs', async () => {
    expect((await h.customerDirectory.searchUsers(graphToken, 'car', call())).map((u) => [u.displayName, u.jobTitle])).toEqual([['Carol White', 'Account Executive']]);
    expect((await h.customerDirectory.searchUsers(graphToken, '', call())).some((u) => u.userPrincipalName === 'bob.jones@fabrikam.example')).toBe(false);
    const carol = await userNamed('carol.white@fabrikam.example');
    const copy = await h.customerDirectory.getUserToCopy(graphToken, carol.id, call());
    const standard = ((await h.state()).customers.find((c) => c.id === CUSTOMERS.fabrikam)!.skus as Array<{ id: string; skuPartNumber: string }>).find((s) => s.skuPartNumber === 'O365_BUSINESS_PREMIUM')!.id;
    expect(copy).toEqual(
      expect.objectContaining({ jobTitle: 'Account Executive', department: 'Sales', officeLocation: 'London', companyName: 'Fabrikam, Inc.', usageLocation: 'GB', licenceSkuIds: [standard] }),
    );
    expect(copy.manager).toEqual(expect.objectContaining({ displayName: 'Alice Smith', userPrincipalName: 'alice.smith@fabrikam.example' }));
    expect(copy.groups.map((g) => [g.displayName, g.kind]).sort()).toEqual([
      ['All Staff', 'security'],
      ['Fabrikam Announcements', 'distribution'],
      ['Sales Team', 'microsoft365'],
    ]);
    const priya = await h.customerDirectory.getUserToCopy(graphToken, (await userNamed('priya.raman@fabrikam.example')).id, call());
    expect(priya.manager).toBeUndefined();
    expect((await failure(h.customerDirectory.getUserToCopy(graphToken, '00000000-0000-4000-8000-000000000000', call()))).code).toBe('USER_NOT_FOUND');
  });

  it('is unavailable for a customer that is not connected (no token, so no Graph call at all), and asks to reconnect one consented without the write permissions', async () => {
    const e = await failure(h.tokens.customerGraphForOnboarding(ada, CUSTOMERS.adatum));
    expect(e.code).toBe('CUSTOMER_NOT_CONNECTED');
    const readOnly = await failure(h.tokens.customerGraphForOnboarding(ada, CUSTOMERS.woodgrove));
    expect([readOnly.code, readOnly.upstreamCode]).toEqual(['CUSTOMER_CONSENT_MISSING', 'SCP_MISSING']);
    // Its reads still work: the same `.default` token carries what Woodgrove consented (Domain.Read.All, User.Read.All).
    await expect(h.tokens.customerGraph(ada, CUSTOMERS.woodgrove)).resolves.toMatchObject({ token: expect.any(String) });
    const scp = JSON.parse(Buffer.from(graphToken.split('.')[1], 'base64url').toString('utf8')).scp.split(' ');
    expect(scp).toEqual(expect.arrayContaining(['User.ReadWrite.All', 'GroupMember.ReadWrite.All']));
    expect((await h.state()).requests.filter((r) => r.auth?.tid === CUSTOMERS.adatum)).toEqual([]);
  });
});

describe('faults on the customer-tenant Graph routes', () => {
  it('waits out a 429 Retry-After on members $ref, then adds once', async () => {
    const allStaff = await groupNamed('All Staff');
    await h.fault({ method: 'POST', path: '/v1.0/groups/*/members/$ref', kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    expect(await h.customerDirectory.addMember(graphToken, allStaff.id, newUserId, call())).toBe('added');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((await memberPosts()).map((p) => p.status)).toEqual([429, 204]);
    expect((await groupNamed('All Staff')).members.filter((m) => m === newUserId)).toHaveLength(1);
  });

  it('treats a retry after a lost answer (added, then dropped) as done: already-member, one membership', async () => {
    const sales = await groupNamed('Sales Team');
    await h.fault({ method: 'POST', path: '/v1.0/groups/*/members/$ref', kind: 'drop', when: 'after' });
    expect(await h.customerDirectory.addMember(graphToken, sales.id, newUserId, call())).toBe('already-member');
    expect((await memberPosts()).map((p) => p.status)).toEqual([0, 400]);
    expect((await groupNamed('Sales Team')).members.filter((m) => m === newUserId)).toHaveLength(1);
  });

  it('retries 5xx on PATCH users and PUT manager, and on the group search', async () => {
    await h.fault([
      { method: 'PATCH', path: '/v1.0/users/*', kind: 'status', status: 503 },
      { method: 'PUT', path: '/v1.0/users/*/manager/$ref', kind: 'status', status: 502 },
      { method: 'GET', path: '/v1.0/groups', kind: 'status', status: 500 },
    ] as never);
    const alice = await userNamed('alice.smith@fabrikam.example');
    await h.customerDirectory.updateUser(graphToken, newUserId, { department: 'Sales' }, call());
    await h.customerDirectory.setManager(graphToken, newUserId, alice.id, call());
    expect((await h.customerDirectory.searchGroups(graphToken, 'all', call())).map((g) => g.displayName)).toEqual(['All Staff']);
    const after = await userNamed('onboarded.hire@fabrikam.example');
    expect([after.profile.department, after.managerId]).toEqual(['Sales', alice.id]);
    const statuses = (await h.state()).requests.filter((r) => r.method !== 'GET' || r.path === '/v1.0/groups').filter((r) => r.path.startsWith('/v1.0/')).map((r) => [r.method, r.status]);
    expect(statuses).toEqual([
      ['PATCH', 503],
      ['PATCH', 204],
      ['PUT', 502],
      ['PUT', 204],
      ['GET', 500],
      ['GET', 200],
    ]);
  });

  it('gives up on a 429 whose Retry-After does not fit the deadline: THROTTLED with the wait', async () => {
    const { customerDirectory } = h.clients({ deadlineMs: 2_000, maxRetries: 3 });
    await h.fault({ method: 'GET', path: '/v1.0/users', kind: 'status', status: 429, retryAfterSeconds: 30 });
    const e = await failure(customerDirectory.searchUsers(graphToken, 'ali', call()));
    expect([e.code, e.retryable, e.retryAfterSeconds]).toEqual(['THROTTLED', true, 30]);
  });
});
