import { AuthError, ClientAuthError, InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { AppError } from '../../../src/core/errors';
import { msalToAppError } from '../../../src/identity/msal-errors';

describe('msalToAppError', () => {
  it('maps consent, including the suberror form MSAL uses for AADSTS65001', () => {
    const consent = new InteractionRequiredAuthError('invalid_grant', 'AADSTS65001: The user or administrator has not consented to use the application.', 'consent_required', '', '', '', '', '65001');
    const e = msalToAppError(consent, 'partner-center');
    expect(e.code).toBe('CONSENT_REQUIRED');
    expect(e.upstreamCode).toBe('AADSTS65001');
    expect(e.retryable).toBe(false);
    expect(msalToAppError(new ServerError('invalid_grant', 'Error(s): 65001 - Description: AADSTS65001: consent', undefined, '65001', 400), 'partner-graph').code).toBe('CONSENT_REQUIRED');
  });

  it.each([
    ['expired assertion', 'AADSTS500133: Assertion is not within its valid time range.', '500133'],
    ['bad signature', 'AADSTS50013: Assertion failed signature validation.', '50013'],
  ])('maps %s to TOKEN_EXCHANGE_FAILED', (_what, msg, no) => {
    const e = msalToAppError(new ServerError('invalid_grant', msg, undefined, no, 400), 'partner-center');
    expect(e.code).toBe('TOKEN_EXCHANGE_FAILED');
    expect(e.upstreamCode).toBe(`AADSTS${no}`);
    expect(e.httpStatus).toBe(400);
  });

  it('maps a bad client secret to TOKEN_EXCHANGE_FAILED', () => {
    expect(msalToAppError(new ServerError('invalid_client', 'AADSTS7000215: Invalid client secret provided.', undefined, '7000215', 401), 'partner-center').code).toBe('TOKEN_EXCHANGE_FAILED');
  });

  it('maps MFA demanded by Conditional Access', () => {
    expect(msalToAppError(new InteractionRequiredAuthError('interaction_required', 'AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.'), 'partner-center').code).toBe('MFA_REQUIRED');
  });

  it('maps "not in this tenant" to GDAP_ROLE_MISSING for a customer tenant only', () => {
    const notInTenant = () => new ServerError('invalid_grant', 'AADSTS50020: User account from identity provider does not exist in tenant.', undefined, '50020', 400);
    expect(msalToAppError(notInTenant(), 'customer-graph').code).toBe('GDAP_ROLE_MISSING');
    expect(msalToAppError(notInTenant(), 'partner-graph').code).toBe('TOKEN_EXCHANGE_FAILED');
  });

  it('maps network failures and identity provider outages to IDENTITY_UNAVAILABLE (retryable)', () => {
    const network = msalToAppError(new ClientAuthError('network_error'), 'partner-center');
    expect(network.code).toBe('IDENTITY_UNAVAILABLE');
    expect(network.retryable).toBe(true);
    expect(msalToAppError(new ClientAuthError('endpoints_resolution_error'), 'partner-center').code).toBe('IDENTITY_UNAVAILABLE');
    expect(msalToAppError(new ServerError('server_error', 'AADSTS90033: A transient error has occurred.', undefined, '90033', 503), 'partner-center').code).toBe('IDENTITY_UNAVAILABLE');
    expect(msalToAppError(new ServerError('temporarily_unavailable', 'busy'), 'partner-center').code).toBe('IDENTITY_UNAVAILABLE');
  });

  it('maps anything else to TOKEN_EXCHANGE_FAILED and keeps AppErrors as they are', () => {
    expect(msalToAppError(new AuthError('something_new', 'what'), 'partner-center').code).toBe('TOKEN_EXCHANGE_FAILED');
    expect(msalToAppError('a string', 'partner-center').code).toBe('TOKEN_EXCHANGE_FAILED');
    const own = new AppError('VALIDATION_FAILED', 'x');
    expect(msalToAppError(own, 'customer-graph')).toBe(own);
  });
});
