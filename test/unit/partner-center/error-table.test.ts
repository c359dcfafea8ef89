import { partnerCenterError, type PartnerCenterResource } from '../../../src/partner-center/errors';

/** A Partner Center error answer as the mapper sees it. */
function map(status: number, code: string | number | undefined, description: string, resource: PartnerCenterResource = 'customer', headers: Record<string, string> = {}) {
  const body = code === undefined ? { description } : { code, description, data: [], source: 'PartnerFD' };
  return partnerCenterError({ status, headers: new Headers(headers), text: JSON.stringify(body) }, resource, 'corr-42');
}

describe('Partner Center error table', () => {
  // The sandbox's exact texts (docs/sandbox-api.md), then variants a real Partner Center might send.
  it.each([
    [401, '400', 'Access denied: the token is missing, expired or not meant for Partner Center.', 'UNAUTHENTICATED'],
    [401, '400', 'Access denied: App+User authentication is required for this operation.', 'UNAUTHENTICATED'],
    [401, '900419', 'Multi-factor authentication is required: the token\'s amr claim has no mfa.', 'MFA_REQUIRED'],
    [401, '600040', 'MFA is required for this request. Sign in with multi-factor authentication.', 'MFA_REQUIRED'],
    [403, '20002', 'The partner has no relationship with the customer.', 'NO_RELATIONSHIP'],
    [403, '900150', 'The supplied role does not have the rights to perform the requested operation.', 'GDAP_ROLE_MISSING'],
    [403, '2032', 'Access denied', 'ACCESS_DENIED'],
    [403, '600006', 'The requested action is not allowed.', 'ACTION_NOT_ALLOWED'],
    [403, '12345', 'Something else', 'ACCESS_DENIED'],
    [404, '60003', 'Tenant not found.', 'TENANT_NOT_FOUND'],
    [429, undefined, 'Rate limit is exceeded. Try again in 57 seconds.', 'THROTTLED'],
    [500, '500', 'Internal error', 'PARTNER_CENTER_UNAVAILABLE'],
    [502, undefined, '', 'PARTNER_CENTER_UNAVAILABLE'],
    [503, '503', 'Service unavailable', 'PARTNER_CENTER_UNAVAILABLE'],
    [400, '2000', 'Another object with the same value for property userPrincipalName already exists.', 'UPN_TAKEN'],
    [409, '2000', 'The userPrincipalName is already in use.', 'UPN_TAKEN'],
    [400, '2000', 'The domain northwind.example is federated: users in a federated domain cannot be created through Partner Center.', 'DOMAIN_FEDERATED'],
    [400, '2000', 'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.', 'DOMAIN_NOT_VERIFIED'],
    [400, '2000', 'The specified password does not comply with password complexity requirements. Please provide a different password.', 'INVALID_PASSWORD'],
    [400, '2000', 'Password is too short.', 'INVALID_PASSWORD'],
    [400, '2000', 'License 6fd2c87f-b296-42f0-b197-1e91e994b900 is not available for this customer.', 'LICENCE_UNKNOWN'],
    [400, '2000', 'No licenses of EXCHANGESTANDARD are available.', 'NO_FREE_SEAT'],
    // "Assign licenses to a user", the documented "license isn't available" answer (code is a JSON number there).
    [400, 60012, "We&#39;re sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.", 'NO_FREE_SEAT'],
    [400, '400', "We're sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.", 'NO_FREE_SEAT'],
    [400, '2000', 'License assignment cannot be done for user with invalid usage location.', 'USAGE_LOCATION_MISSING'],
    [400, '2000', 'A license assignment request must contain licenses from a single license group.', 'LICENCE_GROUPS_MIXED'],
    // A bad usage location on create stays a field problem, not the licence refusal.
    [400, '2000', "Invalid value specified for property 'usageLocation' of resource 'User'.", 'INVALID_FIELD'],
    [400, '400', 'The request is missing the required header MS-RequestId.', 'INTERNAL'],
    [400, '400', 'The request body is not valid JSON.', 'INTERNAL'],
  ])('%i %s %j → %s', (status, code, description, expected) => {
    const e = map(status, code, description);
    expect(e.code).toBe(expected);
    expect(e.httpStatus).toBe(status);
    expect(e.upstreamCode).toBe(code === undefined ? undefined : String(code));
    expect(e.correlationId).toBe('corr-42');
  });

  it('tells a missing user from a missing customer by what was asked for', () => {
    expect(map(404, '60002', 'User object id not found.', 'user').code).toBe('USER_NOT_FOUND');
    expect(map(404, '1000', 'Not found.', 'user').code).toBe('USER_NOT_FOUND');
    expect(map(404, '1000', 'Not found.', 'customer').code).toBe('CUSTOMER_NOT_FOUND');
    expect(map(404, '60003', 'Tenant not found.', 'user').code).toBe('TENANT_NOT_FOUND');
    expect(map(404, '1000', 'Not found.', 'customers').code).toBe('INTERNAL');
  });

  it('names the field of "Invalid value specified for property"', () => {
    const e = map(400, '2000', "Invalid value specified for property 'usageLocation' of resource 'User'.");
    expect(e.code).toBe('INVALID_FIELD');
    expect(e.fields).toEqual([expect.objectContaining({ field: 'usageLocation' })]);
    expect(map(400, '2000', "Invalid value specified for property 'userPrincipalName' of resource 'User'.").fields?.[0].field).toBe('userName');
    expect(map(400, '2000', "Invalid value for property 'displayName'").fields?.[0].field).toBe('displayName');
    expect(map(400, '2000', "Invalid value specified for property 'passwordProfile' of resource 'User'.").code).toBe('INVALID_PASSWORD');
  });

  it('marks only transient failures retryable', () => {
    expect(map(429, undefined, '').retryable).toBe(true);
    expect(map(503, '503', '').retryable).toBe(true);
    expect(map(403, '900150', '').retryable).toBe(false);
    expect(map(400, '2000', 'Another object with the same value for property userPrincipalName already exists.').retryable).toBe(false);
  });

  it('carries Retry-After on THROTTLED', () => {
    expect(map(429, undefined, 'Rate limit is exceeded.', 'customer', { 'Retry-After': '57' }).retryAfterSeconds).toBe(57);
    const given = partnerCenterError({ status: 429, headers: new Headers(), text: '', retryAfterSeconds: 120 }, 'customer', 'c');
    expect(given.code).toBe('THROTTLED');
    expect(given.retryAfterSeconds).toBe(120);
  });

  it('decides by status alone when the body is not JSON', () => {
    const e = partnerCenterError({ status: 502, headers: new Headers(), text: '<html>Bad gateway</html>' }, 'customer', 'c');
    expect(e.code).toBe('PARTNER_CENTER_UNAVAILABLE');
    expect(e.upstreamCode).toBeUndefined();
    expect(partnerCenterError({ status: 401, headers: new Headers(), text: '' }, 'customer', 'c').code).toBe('UNAUTHENTICATED');
  });

  it('accepts a numeric code', () => {
    const e = map(403, 20002, 'The partner has no relationship with the customer.');
    expect(e.code).toBe('NO_RELATIONSHIP');
    expect(e.upstreamCode).toBe('20002');
  });
});
