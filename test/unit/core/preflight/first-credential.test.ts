import { AppError } from '../../../../src/core/errors';
import { ROLE_IDS } from '../../../../src/core/onboarding/step-roles';
import { judgeTemporaryAccessPass, lifetimeText } from '../../../../src/core/preflight/first-credential';

const policy = { enabled: true, defaultLifetimeInMinutes: 60, minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, isUsableOnce: true };
const authAdmin = [ROLE_IDS.authenticationAdministrator];

describe('judgeTemporaryAccessPass', () => {
  it('an Authentication Administrator who may not read the policy gets a warning naming the roles that could, not a block', () => {
    const r = judgeTemporaryAccessPass({ heldRoleIds: authAdmin, request: { kind: 'tap', isUsableOnce: true, lifetimeInMinutes: 120 }, policyError: new AppError('GDAP_ROLE_MISSING', '403') });
    expect(r).toMatchObject({ id: 'first-credential', status: 'warning', evidence: 'reading the policy needs Global Reader or Authentication Policy Administrator' });
  });

  it('a tenant that allows one-time passes only refuses a multi-use one (TAP_ONE_TIME_ONLY); the role check comes first', () => {
    expect(judgeTemporaryAccessPass({ heldRoleIds: authAdmin, request: { kind: 'tap', isUsableOnce: false }, policy })).toMatchObject({ status: 'blocked', code: 'TAP_ONE_TIME_ONLY' });
    expect(judgeTemporaryAccessPass({ heldRoleIds: [ROLE_IDS.privilegedAuthenticationAdministrator], request: { kind: 'tap', isUsableOnce: true }, policy })).toMatchObject({ status: 'ok' });
    expect(judgeTemporaryAccessPass({ heldRoleIds: [ROLE_IDS.userAdministrator], request: { kind: 'tap', isUsableOnce: true }, policy })).toMatchObject({ status: 'blocked', code: 'TAP_ROLE_MISSING' });
  });

  it('a token failure other than the connection is blocked without the Connect action', () => {
    const r = judgeTemporaryAccessPass({ heldRoleIds: authAdmin, request: { kind: 'tap', isUsableOnce: true }, tokenError: new AppError('IDENTITY_UNAVAILABLE', 'down') });
    expect(r).toMatchObject({ status: 'blocked', code: 'IDENTITY_UNAVAILABLE' });
    expect(r.connectable).toBeUndefined();
  });

  it('reads lifetimes as days, hours or minutes', () => {
    expect([lifetimeText(10080), lifetimeText(480), lifetimeText(90)]).toEqual(['7 day(s)', '8 hour(s)', '90 minutes']);
  });
});
