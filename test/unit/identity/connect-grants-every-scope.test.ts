import { CUSTOMER_GRAPH_SCOPES as GRANTED_BY_CONNECT } from '../../../src/core/use-cases/connect-customer';
import { CUSTOMER_CREDENTIAL_SCOPES, CUSTOMER_GRAPH_SCOPES, CUSTOMER_ONBOARDING_SCOPES } from '../../../src/identity/msal-token-provider';

/**
 * Every permission a use checks in the customer tenant's token must be one Connect asks Partner Center to grant:
 * a use whose permission Connect never grants answers CUSTOMER_CONSENT_MISSING for ever, however often the
 * customer is connected again (the Temporary Access Pass's two permissions were missing until this test).
 */
describe('Connect grants every permission the customer-tenant uses check', () => {
  const name = (scope: string) => scope.replace('https://graph.microsoft.com/', '');
  it.each([
    ['reads', CUSTOMER_GRAPH_SCOPES],
    ['onboarding', CUSTOMER_ONBOARDING_SCOPES],
    ['Temporary Access Pass', CUSTOMER_CREDENTIAL_SCOPES],
  ])('%s', (_use, scopes) => {
    for (const scope of scopes) expect(GRANTED_BY_CONNECT).toContain(name(scope));
  });
});
