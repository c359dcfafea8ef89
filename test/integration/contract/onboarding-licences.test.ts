import { randomUUID } from 'node:crypto';
import type { NewCustomerUser, UserCredential } from '../../../src/core/ports';
import { call, CUSTOMERS, failure, startHarness, USERS, type Harness } from './harness';

/**
 * The Licences port (production Partner Center client) against the sandbox over HTTP: seats, assignment, the
 * documented refusals, the GDAP role of each call, and faults.
 */

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

const newUser = (local: string): NewCustomerUser => ({
  usageLocation: 'US',
  userPrincipalName: `${local}@fabrikam.example`,
  firstName: 'New',
  lastName: 'Hire',
  displayName: 'New Hire',
  password: 'Str0ng!Passw0rd',
  forceChangePassword: true,
});

const pcTokenOf = async (upn: string) => (await h.tokens.partnerCenter(await h.signIn(upn))).token;
const skuBy = async (part: string) => (await h.partnerCenter.listSkuAvailability(token, CUSTOMERS.fabrikam, call())).find((s) => s.skuPartNumber === part)!;
const consumed = async (skuId: string) => ((await h.state()).customers.find((c) => c.id === CUSTOMERS.fabrikam)!.skus as Array<{ id: string; consumed: number }>).find((s) => s.id === skuId)!.consumed;
const userId = async (upn: string) => (await h.state()).users[CUSTOMERS.fabrikam].find((u) => u.userPrincipalName === upn)!.id;

describe('licences (Licences port ↔ sandbox)', () => {
  it('lists the default licence group with seats: one sku with free seats, one with none', async () => {
    const skus = await h.partnerCenter.listSkuAvailability(token, CUSTOMERS.fabrikam, call());
    expect(skus.map((s) => [s.skuPartNumber, s.activeUnits, s.consumedUnits, s.availableUnits, s.licenceGroupId])).toEqual([
      ['O365_BUSINESS_PREMIUM', 50, 3, 47, 'group1'],
      ['EXCHANGESTANDARD', 10, 10, 0, 'group1'],
    ]);
    expect(skus[0].productName).toBe('Microsoft 365 Business Standard');
    const req = (await h.state()).requests.find((r) => r.path === `/v1/customers/${CUSTOMERS.fabrikam}/subscribedskus`)!;
    expect(req.headers['ms-contract-version']).toBe('v1');
    expect(req.status).toBe(200);
  });

  it('assigns a licence to a new user (201), uses one seat, lists it, and a repeat uses none', async () => {
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('licensed.hire'), call());
    const standard = await skuBy('O365_BUSINESS_PREMIUM');
    await h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, created.id, [standard.skuId], call());
    expect(await consumed(standard.skuId)).toBe(4);
    expect((await h.partnerCenter.listUserLicences(token, CUSTOMERS.fabrikam, created.id, call())).map((l) => l.skuPartNumber)).toEqual(['O365_BUSINESS_PREMIUM']);
    const post = (await h.state()).requests.find((r) => r.method === 'POST' && r.path.endsWith(`/users/${created.id}/licenseupdates`))!;
    expect(post.status).toBe(201);
    expect(post.body).toEqual({ LicensesToAssign: [{ SkuId: standard.skuId, ExcludedPlans: [] }], Attributes: { ObjectType: 'LicenseUpdate' } });
    // A second logical call (new MS-RequestId) for a sku the user has: success, no second seat.
    await h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, created.id, [standard.skuId], call());
    expect(await consumed(standard.skuId)).toBe(4);
    expect((await h.state()).users[CUSTOMERS.fabrikam].find((u) => u.id === created.id)!.licenses).toEqual([standard.skuId]);
  });

  it('refuses a sku with no free seat as NO_FREE_SEAT (400, code 60012) and changes nothing', async () => {
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('no.seat'), call());
    const exchange = await skuBy('EXCHANGESTANDARD');
    const e = await failure(h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, created.id, [exchange.skuId], call()));
    expect([e.code, e.httpStatus, e.upstreamCode]).toEqual(['NO_FREE_SEAT', 400, '60012']);
    expect(e.retryable).toBe(false);
    expect(await consumed(exchange.skuId)).toBe(10);
    expect((await h.state()).users[CUSTOMERS.fabrikam].find((u) => u.id === created.id)!.licenses).toEqual([]);
  });

  it('refuses a user without usage location (USAGE_LOCATION_MISSING); after PATCH usageLocation through Graph it works', async () => {
    const kiosk = await userId('kiosk.lobby@fabrikam.example');
    const standard = await skuBy('O365_BUSINESS_PREMIUM');
    const e = await failure(h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, kiosk, [standard.skuId], call()));
    expect([e.code, e.httpStatus]).toEqual(['USAGE_LOCATION_MISSING', 400]);
    expect(await consumed(standard.skuId)).toBe(3);
    const graphToken = (await h.tokens.customerGraph(ada, CUSTOMERS.fabrikam)).token;
    await h.customerDirectory.updateUser(graphToken, kiosk, { usageLocation: 'US' }, call());
    await h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, kiosk, [standard.skuId], call());
    expect(await consumed(standard.skuId)).toBe(4);
  });

  it('refuses skus of two licence groups in one update (LICENCE_GROUPS_MIXED) and an unknown sku (LICENCE_UNKNOWN)', async () => {
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('mixed.groups'), call());
    const standard = await skuBy('O365_BUSINESS_PREMIUM');
    const minecraft = (await h.state()).customers.find((c) => c.id === CUSTOMERS.fabrikam)!.skus as Array<{ id: string; skuPartNumber: string }>;
    const mee = minecraft.find((s) => s.skuPartNumber === 'MEE_FACULTY')!.id;
    expect((await failure(h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, created.id, [standard.skuId, mee], call()))).code).toBe('LICENCE_GROUPS_MIXED');
    expect((await failure(h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, created.id, [randomUUID()], call()))).code).toBe('LICENCE_UNKNOWN');
    expect(await consumed(standard.skuId)).toBe(3);
  });

  it('checks the GDAP role of each call: Directory Readers list but do not assign, Directory Writers assign but do not list, License Administrator does both', async () => {
    const standard = await skuBy('O365_BUSINESS_PREMIUM');
    const alice = await userId('alice.smith@fabrikam.example');
    const carol = await userId('carol.white@fabrikam.example');
    const ben = await pcTokenOf(USERS.ben);
    expect((await h.partnerCenter.listSkuAvailability(ben, CUSTOMERS.fabrikam, call())).length).toBe(2);
    const refused = await failure(h.partnerCenter.assignLicences(ben, CUSTOMERS.fabrikam, alice, [standard.skuId], call()));
    expect([refused.code, refused.httpStatus, refused.upstreamCode]).toEqual(['GDAP_ROLE_MISSING', 403, '900150']);
    const erin = await pcTokenOf(USERS.erin);
    expect((await failure(h.partnerCenter.listSkuAvailability(erin, CUSTOMERS.fabrikam, call()))).code).toBe('GDAP_ROLE_MISSING');
    await h.partnerCenter.assignLicences(erin, CUSTOMERS.fabrikam, alice, [standard.skuId], call());
    const hana = await pcTokenOf(USERS.hana);
    expect((await h.partnerCenter.listSkuAvailability(hana, CUSTOMERS.fabrikam, call())).length).toBe(2);
    await h.partnerCenter.listUserLicences(hana, CUSTOMERS.fabrikam, carol, call());
    await h.partnerCenter.assignLicences(hana, CUSTOMERS.fabrikam, carol, [standard.skuId], call());
    // alice and carol had it already: no seat used by either assignment.
    expect(await consumed(standard.skuId)).toBe(3);
    expect((await failure(h.partnerCenter.listSkuAvailability(token, CUSTOMERS.tailspin, call()))).code).toBe('GDAP_ROLE_MISSING');
    expect((await failure(h.partnerCenter.listSkuAvailability(token, CUSTOMERS.wideWorld, call()))).code).toBe('NO_RELATIONSHIP');
  });

  it('works for a customer whose tenant is not connected (Partner Center needs no consent there)', async () => {
    expect(await h.partnerCenter.listSkuAvailability(token, CUSTOMERS.adatum, call())).toEqual([]);
    expect((await failure(h.tokens.customerGraph(ada, CUSTOMERS.adatum))).code).toBe('CUSTOMER_NOT_CONNECTED');
  });

  it('waits out a 429 Retry-After on licenseupdates and retries with the same MS-RequestId: one seat used', async () => {
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('throttled.licence'), call());
    const standard = await skuBy('O365_BUSINESS_PREMIUM');
    await h.fault({ method: 'POST', path: '/v1/customers/*/users/*/licenseupdates', kind: 'status', status: 429, retryAfterSeconds: 1 });
    const started = Date.now();
    await h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, created.id, [standard.skuId], call());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const posts = (await h.state()).requests.filter((r) => r.method === 'POST' && r.path.endsWith('/licenseupdates'));
    expect(posts.map((p) => p.status)).toEqual([429, 201]);
    expect(posts[1].headers['ms-requestid']).toBe(posts[0].headers['ms-requestid']);
    expect(await consumed(standard.skuId)).toBe(4);
  });

  it('retries a 503 on subscribedskus and a dropped licenseupdates answer without using a second seat', async () => {
    await h.fault({ method: 'GET', path: '/v1/customers/*/subscribedskus', kind: 'status', status: 503 });
    expect((await h.partnerCenter.listSkuAvailability(token, CUSTOMERS.fabrikam, call())).length).toBe(2);
    const created = await h.partnerCenter.createUser(token, CUSTOMERS.fabrikam, newUser('dropped.licence'), call());
    const standard = await skuBy('O365_BUSINESS_PREMIUM');
    await h.fault({ method: 'POST', path: '/v1/customers/*/users/*/licenseupdates', kind: 'drop', when: 'after' });
    await h.partnerCenter.assignLicences(token, CUSTOMERS.fabrikam, created.id, [standard.skuId], call());
    expect(await consumed(standard.skuId)).toBe(4);
    const statuses = (await h.state()).requests.filter((r) => r.path.endsWith('/subscribedskus')).map((r) => r.status);
    expect(statuses.slice(0, 2)).toEqual([503, 200]);
  });
});
