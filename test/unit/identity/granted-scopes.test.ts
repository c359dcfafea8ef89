import { AppError } from '../../../src/core/errors';
import type { AccessToken } from '../../../src/core/ports';
import { grantedScopes, missingScopes, requireScopes, SCP_MISSING } from '../../../src/identity/granted-scopes';
import { CUSTOMER_CREDENTIAL_SCOPES, CUSTOMER_GRAPH_SCOPES, CUSTOMER_ONBOARDING_SCOPES } from '../../../src/identity/msal-token-provider';
import { fakeJwt } from './jwt';

const tokenWith = (claims: Record<string, unknown>): AccessToken => ({ token: fakeJwt({ aud: 'https://graph.microsoft.com', tid: 't', ...claims }), expiresOn: new Date(Date.now() + 3600_000), mfa: false });

describe('granted scopes (the scp claim of a customer tenant .default token)', () => {
  it('reads scp as Entra writes it: names without the resource, space-separated, compared without case', () => {
    const token = tokenWith({ scp: 'Domain.Read.All user.read.all  User.ReadWrite.All' });
    expect([...grantedScopes(token)]).toEqual(['domain.read.all', 'user.read.all', 'user.readwrite.all']);
    expect(missingScopes(token, CUSTOMER_GRAPH_SCOPES)).toEqual([]);
    expect(missingScopes(token, CUSTOMER_ONBOARDING_SCOPES)).toEqual(['GroupMember.ReadWrite.All']);
    expect(missingScopes(token, CUSTOMER_CREDENTIAL_SCOPES)).toEqual(['UserAuthenticationMethod.ReadWrite.All', 'Policy.Read.AuthenticationMethod']);
  });

  it('passes the token through when every needed permission is there', () => {
    const token = tokenWith({ scp: 'UserAuthenticationMethod.ReadWrite.All Policy.Read.AuthenticationMethod' });
    expect(requireScopes(token, CUSTOMER_CREDENTIAL_SCOPES, 'credentials')).toBe(token);
  });

  it.each([
    ['a permission is missing', { scp: 'Domain.Read.All' }],
    ['there is no scp at all (an app-only token carries roles instead)', { roles: ['Domain.Read.All', 'User.Read.All'], idtyp: 'app' }],
    ['scp is not a string', { scp: ['Domain.Read.All', 'User.Read.All'] }],
    ['a permission only prefixes a granted one', { scp: 'Domain.Read.AllX User.Read.All.Extra' }],
  ])('refuses with CUSTOMER_CONSENT_MISSING (SCP_MISSING) when %s, naming the permissions, never the token', (_what, claims) => {
    const token = tokenWith(claims);
    let error: unknown;
    try {
      requireScopes(token, CUSTOMER_GRAPH_SCOPES, 'read');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect([(error as AppError).code, (error as AppError).upstreamCode]).toEqual(['CUSTOMER_CONSENT_MISSING', SCP_MISSING]);
    expect((error as AppError).message).toContain('User.Read.All');
    expect((error as AppError).message).not.toContain(token.token.split('.')[1]);
  });

  it('refuses a token that is no JWT', () => {
    expect(() => requireScopes({ token: 'opaque', expiresOn: new Date(), mfa: false }, CUSTOMER_GRAPH_SCOPES, 'read')).toThrow(expect.objectContaining({ code: 'CUSTOMER_CONSENT_MISSING' }));
  });
});
