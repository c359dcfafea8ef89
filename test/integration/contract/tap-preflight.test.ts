import { randomUUID } from 'node:crypto';
import type { RequestedUser } from '../../../src/core/approval/user-request';
import { Preflight } from '../../../src/core/preflight/run-preflight';
import type { FirstCredential } from '../../../src/core/preflight/first-credential';
import { CUSTOMERS, startHarness, USERS, type Harness } from './harness';

/**
 * The pre-flight's Temporary Access Pass check (`first-credential`), the real Preflight with the production
 * clients against the sandbox over HTTP: roles, connection, the tenant's policy and the form's choice.
 */

jest.setTimeout(60_000);

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => h.reset());

const user = (domain: string): RequestedUser => ({ firstName: 'First', lastName: 'Day', displayName: 'First Day', userName: 'first.day', domain, userPrincipalName: `first.day@${domain}`, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true });

async function tapCheck(upn: string, customerId: string, domain: string, firstCredential: FirstCredential, startAt?: Date) {
  const preflight = new Preflight(
    { partnerCenter: h.partnerCenter, directory: h.graph, tokens: h.tokens, clock: { now: () => new Date() }, logger: h.logger, tap: { credentialTokens: h.tokens, temporaryAccessPasses: h.temporaryAccessPasses } },
    60_000,
  );
  const { checklist } = await preflight.run({ cred: await h.signIn(upn), customerId, user: user(domain), useCache: false, correlationId: randomUUID(), firstCredential, startAt });
  return { check: checklist.checks.find((c) => c.id === 'first-credential'), checklist };
}

const oneTime: FirstCredential = { kind: 'tap', isUsableOnce: true };

describe('pre-flight: Temporary Access Pass as the first credential', () => {
  it('Fabrikam, Ada (Authentication Administrator + Global Reader): ok, with the policy default lifetime and the start date', async () => {
    const start = new Date('2030-01-06T08:00:00Z');
    const { check, checklist } = await tapCheck(USERS.ada, CUSTOMERS.fabrikam, 'fabrikam.example', oneTime, start);
    expect(check).toMatchObject({ status: 'ok', text: 'A one-time Temporary Access Pass for 8 hour(s), valid from 2030-01-06 08:00 UTC.' });
    expect(check?.evidence).toContain('policy: enabled');
    expect(checklist.checks.filter((c) => c.status === 'blocked')).toEqual([]);
  });

  it('no check at all when the first credential is a password', async () => {
    const { check } = await tapCheck(USERS.ada, CUSTOMERS.fabrikam, 'fabrikam.example', { kind: 'password' });
    expect(check).toBeUndefined();
  });

  it('Northwind (connected, policy disabled): blocked TAP_POLICY_DISABLED, and the checklist is blocked', async () => {
    const { check, checklist } = await tapCheck(USERS.ada, CUSTOMERS.northwind, 'northwindtraders.onmicrosoft.com', oneTime);
    expect(check).toMatchObject({ status: 'blocked', code: 'TAP_POLICY_DISABLED' });
    expect(checklist.blocked).toBe(true);
  });

  it('a lifetime outside the policy, and multi-use where allowed: TAP_LIFETIME_OUT_OF_POLICY / ok', async () => {
    expect((await tapCheck(USERS.ada, CUSTOMERS.fabrikam, 'fabrikam.example', { kind: 'tap', isUsableOnce: true, lifetimeInMinutes: 30 })).check).toMatchObject({ status: 'blocked', code: 'TAP_LIFETIME_OUT_OF_POLICY' });
    expect((await tapCheck(USERS.ada, CUSTOMERS.fabrikam, 'fabrikam.example', { kind: 'tap', isUsableOnce: false, lifetimeInMinutes: 1440 })).check).toMatchObject({ status: 'ok', text: 'A multi-use Temporary Access Pass for 1 day(s), valid at once.' });
  });

  it('Adatum (not connected): blocked with the Connect action; Woodgrove (consented without the permissions): the same', async () => {
    expect((await tapCheck(USERS.ada, CUSTOMERS.adatum, 'adatum.example', oneTime)).check).toMatchObject({ status: 'blocked', code: 'CUSTOMER_NOT_CONNECTED', connectable: true });
    expect((await tapCheck(USERS.ada, CUSTOMERS.woodgrove, 'woodgrove.example', oneTime)).check).toMatchObject({ status: 'blocked', code: 'CUSTOMER_CONSENT_MISSING', connectable: true });
  });

  it('Erin (Directory Writers) and Grace (User Administrator): blocked TAP_ROLE_MISSING, whatever else they may do', async () => {
    for (const upn of [USERS.erin, USERS.grace]) {
      const { check, checklist } = await tapCheck(upn, CUSTOMERS.fabrikam, 'fabrikam.example', oneTime);
      expect(check).toMatchObject({ status: 'blocked', code: 'TAP_ROLE_MISSING' });
      expect(checklist.checks.find((c) => c.id === 'gdap-role')?.status).toBe('ok');
    }
  });
});
