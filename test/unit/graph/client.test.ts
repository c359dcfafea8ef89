import { AppError } from '../../../src/core/errors';
import { createGraphClient } from '../../../src/graph/client';
import { createUpstreamHttp } from '../../../src/http/upstream-http';
import { RecordingLogger } from '../../support/recording-logger';
import { FakeUpstream, type RecordedRequest } from '../http/fake-upstream';

const CUSTOMER = '22222222-0000-4000-8000-000000000001';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const opts = { correlationId: 'corr-g' };

let upstream: FakeUpstream;

beforeAll(async () => {
  upstream = await FakeUpstream.start();
});
afterAll(() => upstream.close());
beforeEach(() => upstream.reset());

function graph() {
  const http = createUpstreamHttp({ timeoutMs: 2_000, deadlineMs: 10_000, maxRetries: 2, baseBackoffMs: 1, logger: new RecordingLogger(), service: 'graph' });
  return createGraphClient({ baseUrl: upstream.url, http });
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

const relationship = (n: number, status = 'active') => ({
  id: `rel-${n}`,
  displayName: `Relationship ${n}`,
  status,
  endDateTime: null,
  customer: { tenantId: CUSTOMER, displayName: 'Fabrikam' },
  accessDetails: { unifiedRoles: [{ roleDefinitionId: USER_ADMIN }] },
});

const query = (r: RecordedRequest) => new URL(r.url, 'http://x').searchParams;

describe('Graph client', () => {
  it('lists relationships with the tenant filter and $top, following @odata.nextLink to the end', async () => {
    upstream.reply(
      { status: 200, json: { value: [relationship(1)], '@odata.nextLink': `${upstream.url}/v1.0/tenantRelationships/delegatedAdminRelationships?$skiptoken=p2` } },
      { status: 200, json: { value: [relationship(2, 'expired')], '@odata.nextLink': `${upstream.url}/v1.0/tenantRelationships/delegatedAdminRelationships?$skiptoken=p3` } },
      { status: 200, json: { '@odata.context': 'x', value: [relationship(3)] } },
    );
    const rels = await graph().listRelationships('tok-g', CUSTOMER, opts);
    expect(rels.map((r) => [r.id, r.status])).toEqual([
      ['rel-1', 'active'],
      ['rel-2', 'expired'],
      ['rel-3', 'active'],
    ]);
    expect(rels[0]).toEqual({ id: 'rel-1', displayName: 'Relationship 1', status: 'active', endDateTime: undefined, customerTenantId: CUSTOMER, customerDisplayName: 'Fabrikam', roleDefinitionIds: [USER_ADMIN] });
    const first = upstream.requests[0];
    expect(new URL(first.url, 'http://x').pathname).toBe('/v1.0/tenantRelationships/delegatedAdminRelationships');
    expect(query(first).get('$filter')).toBe(`customer/tenantId eq '${CUSTOMER}'`);
    expect(Number(query(first).get('$top'))).toBeLessThanOrEqual(300);
    expect(query(upstream.requests[2]).get('$skiptoken')).toBe('p3');
    expect(upstream.requests.every((r) => r.headers.authorization === 'Bearer tok-g')).toBe(true);
    const ids = upstream.requests.map((_, i) => upstream.header(i, 'client-request-id'));
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses a nextLink to another origin (the token stays home)', async () => {
    upstream.reply({ status: 200, json: { value: [], '@odata.nextLink': 'https://evil.example/v1.0/steal' } });
    expect((await caught(graph().listRelationships('t', CUSTOMER, opts))).code).toBe('UPSTREAM_INVALID_RESPONSE');
  });

  it('refuses a tenant id that is not a GUID (no OData injection)', async () => {
    expect((await caught(graph().listRelationships('t', "x' or 1 eq 1 or 'a", opts))).code).toBe('VALIDATION_FAILED');
    expect(upstream.requests).toHaveLength(0);
  });

  it('maps access assignments to groups and roles', async () => {
    upstream.reply({
      status: 200,
      json: {
        value: [
          { id: 'as-1', status: 'active', accessContainer: { accessContainerId: 'grp-1', accessContainerType: 'securityGroup' }, accessDetails: { unifiedRoles: [{ roleDefinitionId: USER_ADMIN }] } },
          { id: 'as-2', status: 'pending', accessContainer: { accessContainerId: 'grp-2' }, accessDetails: null },
        ],
      },
    });
    expect(await graph().listAccessAssignments('t', 'rel-1', opts)).toEqual([
      { id: 'as-1', status: 'active', groupId: 'grp-1', roleDefinitionIds: [USER_ADMIN] },
      { id: 'as-2', status: 'pending', groupId: 'grp-2', roleDefinitionIds: [] },
    ]);
    expect(upstream.requests[0].url).toBe('/v1.0/tenantRelationships/delegatedAdminRelationships/rel-1/accessAssignments');
  });

  it('checks membership in batches of 20 and merges the answers', async () => {
    const ids = Array.from({ length: 45 }, (_, i) => `grp-${i}`);
    const member = new Set(['grp-3', 'grp-21', 'grp-44']);
    upstream.route = (req) => ({ status: 200, json: { value: (JSON.parse(req.body) as { groupIds: string[] }).groupIds.filter((g) => member.has(g)) } });
    const result = await graph().checkMemberGroups('t', [...ids, 'grp-3'], opts);
    expect(result).toEqual(['grp-3', 'grp-21', 'grp-44']);
    expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toEqual(Array(3).fill('POST /v1.0/me/checkMemberGroups'));
    const sent = upstream.requests.map((r) => (JSON.parse(r.body) as { groupIds: string[] }).groupIds);
    expect(sent.map((s) => s.length).sort()).toEqual([20, 20, 5]);
    expect(sent.flat().sort()).toEqual([...ids].sort());
  });

  it('sends no request for no groups', async () => {
    expect(await graph().checkMemberGroups('t', [], opts)).toEqual([]);
    expect(upstream.requests).toHaveLength(0);
  });

  it('lists domains', async () => {
    upstream.reply({ status: 200, json: { value: [{ id: 'fabrikam.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false, supportedServices: [] }] } });
    expect(await graph().listDomains('t', opts)).toEqual([{ id: 'fabrikam.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false }]);
    expect(upstream.requests[0].url).toBe('/v1.0/domains');
  });

  it('finds a user by UPN, and answers null on 404', async () => {
    upstream.reply(
      { status: 200, json: { id: 'u-1', userPrincipalName: 'alice.smith@fabrikam.example' } },
      { status: 404, json: { error: { code: 'Request_ResourceNotFound', message: "Resource 'x' does not exist" } } },
    );
    const g = graph();
    expect(await g.findUserByUpn('t', 'alice.smith@fabrikam.example', opts)).toEqual({ id: 'u-1', userPrincipalName: 'alice.smith@fabrikam.example' });
    expect(await g.findUserByUpn('t', "o'brien#1@fabrikam.example", opts)).toBeNull();
    expect(new URL(upstream.requests[0].url, 'http://x').pathname).toBe('/v1.0/users/alice.smith%40fabrikam.example');
    expect(new URL(upstream.requests[1].url, 'http://x').pathname).toBe("/v1.0/users/o'brien%231%40fabrikam.example");
  });

  it("sends a UPN beginning with $ as /users('…') (Graph refuses /users/$x with 400), and '#' never raw", async () => {
    upstream.reply({ status: 404, json: { error: { code: 'Request_ResourceNotFound', message: "Resource 'x' does not exist" } } });
    expect(await graph().findUserByUpn('t', "$o'brien#x^y~z!@fabrikam.example", opts)).toBeNull();
    const sent = upstream.requests[0].url;
    expect(sent).toBe("/v1.0/users('$o''brien%23x%5Ey~z!%40fabrikam.example')?$select=id,userPrincipalName");
    expect(sent).not.toContain('#');
  });

  it.each([
    ['partner tenant 403', () => graph().listRelationships('t', CUSTOMER, opts), 403, 'Authorization_RequestDenied', 'ACCESS_DENIED'],
    ['customer tenant 403', () => graph().listDomains('t', opts), 403, 'Authorization_RequestDenied', 'GDAP_ROLE_MISSING'],
    ['401', () => graph().listDomains('t', opts), 401, 'InvalidAuthenticationToken', 'UNAUTHENTICATED'],
    ['unknown relationship', () => graph().listAccessAssignments('t', 'nope', opts), 404, 'Request_ResourceNotFound', 'NO_RELATIONSHIP'],
    ['bad request', () => graph().checkMemberGroups('t', ['g'], opts), 400, 'Request_BadRequest', 'INTERNAL'],
  ])('maps %s', async (_what, run, status, code, expected) => {
    upstream.route = () => ({ status, json: { error: { code, message: 'Insufficient privileges to complete the operation.', innerError: { 'request-id': 'r' } } } });
    const e = await caught(run());
    expect(e.code).toBe(expected);
    expect(e.httpStatus).toBe(status);
    expect(e.upstreamCode).toBe(code);
    expect(e.correlationId).toBe('corr-g');
  });

  it('maps MFA demanded by Conditional Access', async () => {
    upstream.reply({ status: 401, json: { error: { code: 'InvalidAuthenticationToken', message: 'AADSTS50076: you must use multi-factor authentication' } } });
    expect((await caught(graph().listDomains('t', opts))).code).toBe('MFA_REQUIRED');
  });

  it('fails GRAPH_UNAVAILABLE after retrying 5xx, and THROTTLED with Retry-After', async () => {
    upstream.route = () => ({ status: 503, json: { error: { code: 'serviceNotAvailable', message: 'busy' } } });
    const e = await caught(graph().listDomains('t', opts));
    expect(e.code).toBe('GRAPH_UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(upstream.requests).toHaveLength(3);
    upstream.reset();
    upstream.route = () => ({ status: 429, headers: { 'Retry-After': '3600' }, json: { error: { code: 'TooManyRequests', message: 'slow down' } } });
    const t = await caught(graph().listDomains('t', opts));
    expect(t.code).toBe('THROTTLED');
    expect(t.retryAfterSeconds).toBe(3600);
  });

  it('fails UPSTREAM_INVALID_RESPONSE on a 2xx it cannot read', async () => {
    upstream.reply({ status: 200, json: { value: [{ id: 'x' }] } });
    expect((await caught(graph().listDomains('t', opts))).code).toBe('UPSTREAM_INVALID_RESPONSE');
  });
});
