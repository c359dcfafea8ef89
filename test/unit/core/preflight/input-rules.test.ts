import type { RequestedUser } from '../../../../src/core/approval/user-request';
import { checkInputRules } from '../../../../src/core/preflight/input-rules';

const user = (userName: string, domain = 'fabrikam.example'): RequestedUser => ({
  firstName: 'Aoife',
  lastName: "O'Brien",
  displayName: "Aoife O'Brien",
  userName,
  domain,
  userPrincipalName: `${userName}@${domain}`,
  usageLocation: 'IE',
  forceChangePassword: true,
  passwordGenerated: true,
});

describe('pre-flight input rules on the stored request', () => {
  it("passes a user name with every special character Entra allows (o'brien#x^y~z!)", () => {
    expect(checkInputRules(user("o'brien#x^y~z!"))).toMatchObject({ id: 'input-rules', status: 'ok' });
  });

  it('blocks a user name beginning with $ (not in Entra\'s list), and one with %, / or ?', () => {
    for (const name of ['$adele', 'a%b', 'a/b', 'a?b']) {
      expect(checkInputRules(user(name))).toMatchObject({ id: 'input-rules', status: 'blocked', code: 'VALIDATION_FAILED' });
    }
  });
});
