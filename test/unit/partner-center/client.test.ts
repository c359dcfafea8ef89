import { AppError } from '../../../src/core/errors';
import type { NewCustomerUser } from '../../../src/core/ports';
import { createUpstreamHttp } from '../../../src/http/upstream-http';
import { createPartnerCenterClient } from '../../../src/partner-center/client';
import { RecordingLogger } from '../../support/recording-logger';
import { FakeUpstream } from '../http/fake-upstream';

const CUSTOMER = '22222222-0000-4000-8000-000000000001';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const opts = { correlationId: 'corr-1' };

let upstream: FakeUpstream;
let logger: RecordingLogger;

beforeAll(async () => {
  upstream = await FakeUpstream.start();
});
afterAll(() => upstream.close());
beforeEach(() => {
  upstream.reset();
  logger = new RecordingLogger();
});

function client() {
  const http = createUpstreamHttp({ timeoutMs: 2_000, deadlineMs: 10_000, maxRetries: 2, baseBackoffMs: 1, logger, service: 'partner-center' });
  return createPartnerCenterClient({ baseUrl: `${upstream.url}/`, http, appName: 'partner-user-bot' });
}

async function caught(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a rejection');
}

const customerJson = (id: string, name: string) => ({
  id,
  companyProfile: { tenantId: id, domain: `${name.toLowerCase()}.example`, companyName: name, attributes: { objectType: 'CustomerCompanyProfile' } },
  relationshipToPartner: 'reseller',
  allowDelegatedAccess: true,
  attributes: { objectType: 'Customer' },
});
const userJson = (id: string, upn: string, extra: Record<string, unknown> = {}) => ({
  id,
  userPrincipalName: upn,
  firstName: 'Alice',
  lastName: 'Smith',
  displayName: 'Alice Smith',
  usageLocation: 'US',
  userDomainType: 'managed',
  state: 'active',
  softDeletionTime: null,
  attributes: { objectType: 'CustomerUser' },
  ...extra,
});

const newUser: NewCustomerUser = {
  usageLocation: 'US',
  userPrincipalName: 'new.person@fabrikam.example',
  firstName: 'New',
  lastName: 'Person',
  displayName: 'New Person',
  password: 'Str0ng!Passw0rd',
  forceChangePassword: true,
};

describe('Partner Center client', () => {
  it('sends the headers Partner Center requires', async () => {
    upstream.reply({ status: 200, json: customerJson(CUSTOMER, 'Fabrikam') });
    const c = await client().getCustomer('tok-abc', CUSTOMER, opts);
    expect(c).toEqual({ id: CUSTOMER, tenantId: CUSTOMER, companyName: 'Fabrikam', defaultDomain: 'fabrikam.example', relationshipToPartner: 'reseller', allowDelegatedAccess: true });
    const req = upstream.requests[0];
    expect(req.method).toBe('GET');
    expect(req.url).toBe(`/v1/customers/${CUSTOMER}`);
    expect(req.headers).toMatchObject({
      authorization: 'Bearer tok-abc',
      accept: 'application/json',
      'ms-contract-version': 'v1',
      'ms-correlationid': 'corr-1',
      'x-locale': 'en-US',
      'ms-partnercenter-application': 'partner-user-bot',
    });
    expect(upstream.header(0, 'ms-requestid')).toMatch(GUID);
  });

  it('pages customers with the continuation token from links.next', async () => {
    upstream.reply(
      {
        status: 200,
        json: {
          totalCount: 2,
          items: [customerJson(CUSTOMER, 'Fabrikam')],
          links: { next: { uri: '/customers?size=1&seekOperation=Next', method: 'GET', headers: [{ key: 'MS-ContinuationToken', value: 'tok-page-2' }] } },
          attributes: { objectType: 'Collection' },
        },
      },
      { status: 200, json: { totalCount: 1, items: [customerJson('22222222-0000-4000-8000-000000000002', 'Northwind')], links: {} } },
    );
    const pc = client();
    const first = await pc.listCustomers('t', { size: 1 }, opts);
    expect(first.items.map((c) => c.companyName)).toEqual(['Fabrikam']);
    expect(first.continuationToken).toBe('tok-page-2');
    const second = await pc.listCustomers('t', { size: 1, continuationToken: first.continuationToken }, opts);
    expect(second.items.map((c) => c.companyName)).toEqual(['Northwind']);
    expect(second.continuationToken).toBeUndefined();
    expect(upstream.requests[0].url).toBe('/v1/customers?size=1');
    expect(upstream.requests[1].url).toBe('/v1/customers?size=1&seekOperation=Next');
    expect(upstream.header(1, 'ms-continuationtoken')).toBe('tok-page-2');
    expect(upstream.header(0, 'ms-continuationtoken')).toBeUndefined();
    expect(upstream.header(0, 'ms-requestid')).not.toBe(upstream.header(1, 'ms-requestid'));
  });

  it('reads a continuationToken property too, and lists deleted users with the documented filter', async () => {
    upstream.reply({ status: 200, json: { items: [userJson('u-bob', 'bob.jones@fabrikam.example', { state: 'Inactive', softDeletionTime: '2026-01-01T00:00:00Z' })], continuationToken: 'ct-1' } });
    const page = await client().listUsers('t', CUSTOMER, { deleted: true, size: 50 }, opts);
    expect(page.items).toEqual([expect.objectContaining({ id: 'u-bob', state: 'inactive', softDeletionTime: '2026-01-01T00:00:00Z' })]);
    expect(page.continuationToken).toBe('ct-1');
    const url = new URL(upstream.requests[0].url, 'http://x');
    expect(url.pathname).toBe(`/v1/customers/${CUSTOMER}/users`);
    expect(JSON.parse(url.searchParams.get('filter')!)).toEqual({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' });
    expect(url.searchParams.get('size')).toBe('50');
  });

  it('creates a user with the documented body, the given MS-RequestId, and drops the echoed password', async () => {
    upstream.reply({ status: 201, json: userJson('u-new', newUser.userPrincipalName, { passwordProfile: { password: newUser.password, forceChangePassword: true } }) });
    const created = await client().createUser('t', CUSTOMER, newUser, { correlationId: 'corr-1', requestId: 'stored-request-id' });
    expect(created).toEqual(expect.objectContaining({ id: 'u-new', userPrincipalName: newUser.userPrincipalName, state: 'active' }));
    expect(JSON.stringify(created)).not.toContain(newUser.password);
    expect(created).not.toHaveProperty('passwordProfile');
    const req = upstream.requests[0];
    expect(req.method).toBe('POST');
    expect(req.url).toBe(`/v1/customers/${CUSTOMER}/users`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(upstream.header(0, 'ms-requestid')).toBe('stored-request-id');
    expect(JSON.parse(req.body)).toEqual({
      usageLocation: 'US',
      userPrincipalName: newUser.userPrincipalName,
      firstName: 'New',
      lastName: 'Person',
      displayName: 'New Person',
      passwordProfile: { password: newUser.password, forceChangePassword: true },
      attributes: { objectType: 'CustomerUser' },
    });
    expect(logger.text()).not.toContain(newUser.password);
  });

  it('retries a create whose connection dropped with the same MS-RequestId', async () => {
    upstream.reply({ drop: true }, { status: 201, json: userJson('u-new', newUser.userPrincipalName) });
    await client().createUser('t', CUSTOMER, { ...newUser, immutableId: 'imm-1' }, opts);
    expect(upstream.requests).toHaveLength(2);
    const id = upstream.header(0, 'ms-requestid');
    expect(id).toMatch(GUID);
    expect(upstream.header(1, 'ms-requestid')).toBe(id);
    expect(JSON.parse(upstream.requests[1].body).immutableId).toBe('imm-1');
  });

  it('deletes, restores and assigns licences with the documented requests', async () => {
    upstream.reply(
      { status: 204 },
      { status: 200, json: userJson('u-bob', 'bob.jones@fabrikam.example') },
      { status: 201, json: { licensesToAssign: [], licenseWarnings: [], attributes: { objectType: 'LicenseUpdate' } } },
    );
    const pc = client();
    await pc.deleteUser('t', CUSTOMER, 'u-bob', opts);
    const restored = await pc.restoreUser('t', CUSTOMER, 'u-bob', opts);
    await pc.assignLicenses('t', CUSTOMER, 'u-bob', ['sku-1', 'sku-2'], opts);
    expect(restored.state).toBe('active');
    expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `DELETE /v1/customers/${CUSTOMER}/users/u-bob`,
      `PATCH /v1/customers/${CUSTOMER}/users/u-bob`,
      `POST /v1/customers/${CUSTOMER}/users/u-bob/licenseupdates`,
    ]);
    expect(JSON.parse(upstream.requests[1].body)).toEqual({ State: 'active', Attributes: { ObjectType: 'CustomerUser' } });
    expect(JSON.parse(upstream.requests[2].body)).toEqual({
      LicensesToAssign: [
        { SkuId: 'sku-1', ExcludedPlans: [] },
        { SkuId: 'sku-2', ExcludedPlans: [] },
      ],
      Attributes: { ObjectType: 'LicenseUpdate' },
    });
  });

  it('maps subscribed skus', async () => {
    upstream.reply({
      status: 200,
      json: { totalCount: 1, items: [{ availableUnits: 5, activeUnits: 25, consumedUnits: 20, productSku: { id: 'sku-e3', name: 'Microsoft 365 E3', skuPartNumber: 'SPE_E3' }, capabilityStatus: 'Enabled' }] },
    });
    expect(await client().listSubscribedSkus('t', CUSTOMER, opts)).toEqual([
      { skuId: 'sku-e3', skuPartNumber: 'SPE_E3', productName: 'Microsoft 365 E3', availableUnits: 5, activeUnits: 25, consumedUnits: 20 },
    ]);
  });

  it('encodes ids into the path and refuses traversal', async () => {
    upstream.reply({ status: 200, json: userJson('a/b', 'x@y.example') });
    await client().getUser('t', CUSTOMER, 'a/b?c', opts);
    expect(upstream.requests[0].url).toBe(`/v1/customers/${CUSTOMER}/users/a%2Fb%3Fc`);
    expect((await caught(client().getUser('t', CUSTOMER, '..', opts))).code).toBe('VALIDATION_FAILED');
  });

  it('maps a failure with its status, Partner Center code and correlation id', async () => {
    upstream.reply({ status: 404, json: { code: '60002', description: 'User object id not found.', data: [], source: 'PartnerFD' } });
    const e = await caught(client().getUser('t', CUSTOMER, 'missing', opts));
    expect(e.code).toBe('USER_NOT_FOUND');
    expect(e.httpStatus).toBe(404);
    expect(e.upstreamCode).toBe('60002');
    expect(e.correlationId).toBe('corr-1');
    expect(e.retryable).toBe(false);
  });

  it('fails THROTTLED with retryAfterSeconds when the Retry-After does not fit the deadline', async () => {
    upstream.route = () => ({ status: 429, headers: { 'Retry-After': '600' }, json: { statusCode: 429, message: 'Rate limit is exceeded. Try again in 600 seconds.' } });
    const e = await caught(client().listCustomers('t', {}, opts));
    expect(e.code).toBe('THROTTLED');
    expect(e.retryAfterSeconds).toBe(600);
    expect(e.retryable).toBe(true);
    expect(upstream.requests).toHaveLength(1);
  });

  it('fails PARTNER_CENTER_UNAVAILABLE after retrying 5xx', async () => {
    upstream.route = () => ({ status: 503, json: { code: '503', description: 'Service unavailable' } });
    const e = await caught(client().getCustomer('t', CUSTOMER, opts));
    expect(e.code).toBe('PARTNER_CENTER_UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.upstreamCode).toBe('503');
    expect(upstream.requests).toHaveLength(3);
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['the wrong shape', JSON.stringify({ id: 'x' })],
    ['a user in an unknown state', JSON.stringify(userJson('u', 'u@x.example', { state: 'frozen' }))],
  ])('fails UPSTREAM_INVALID_RESPONSE on a 2xx with %s, without the body', async (_what, text) => {
    upstream.reply({ status: 200, text });
    const e = await caught(client().getUser('t', CUSTOMER, 'u', opts));
    expect(e.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(e.httpStatus).toBe(200);
    expect(e.correlationId).toBe('corr-1');
  });

  it('never puts the password of a malformed create answer into the error', async () => {
    upstream.reply({ status: 201, json: { passwordProfile: { password: newUser.password }, userPrincipalName: 42 } });
    const e = await caught(client().createUser('t', CUSTOMER, newUser, opts));
    expect(e.code).toBe('UPSTREAM_INVALID_RESPONSE');
    expect(`${e.message} ${JSON.stringify(e)} ${String(e.cause)}`).not.toContain(newUser.password);
  });
});
