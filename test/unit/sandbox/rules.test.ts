import { checkNewUser, isCountryCode, isStrongPassword, isValidUpn, newUserBody, type NewUserBody } from '../../../src/sandbox/rules';
import { DEFAULT_TAP_POLICY, type SandboxCustomer } from '../../../src/sandbox/world';

const customer: SandboxCustomer = {
  id: 'c1',
  companyName: 'Test',
  situation: '',
  relationshipToPartner: 'reseller',
  domains: [
    { name: 'managed.example', authenticationType: 'Managed', isVerified: true, isDefault: true, isInitial: false },
    { name: 'federated.example', authenticationType: 'Federated', isVerified: true, isDefault: false, isInitial: false },
    { name: 'pending.example', authenticationType: 'Managed', isVerified: false, isDefault: false, isInitial: false },
  ],
  relationships: [],
  appConsents: new Map(),
  tapPolicy: DEFAULT_TAP_POLICY,
  temporaryAccessPasses: new Map(),
  users: [
    { id: 'u1', userPrincipalName: 'taken@managed.example', firstName: 'T', lastName: 'T', displayName: 'T T', usageLocation: 'US', state: 'active', createdAt: '', licenses: [], profile: {} },
    { id: 'u2', userPrincipalName: 'deleted@managed.example', firstName: 'D', lastName: 'D', displayName: 'D D', usageLocation: 'US', state: 'inactive', softDeletionTime: '2026-01-01T00:00:00Z', createdAt: '', licenses: [], profile: {} },
  ],
  skus: [],
  groups: [],
};

const body = (o: Partial<NewUserBody> = {}): NewUserBody => ({
  userPrincipalName: 'new@managed.example',
  firstName: 'New',
  lastName: 'Person',
  displayName: 'New Person',
  usageLocation: 'US',
  passwordProfile: { password: 'Str0ng!Pass', forceChangePassword: true },
  ...o,
});
const description = (o: Partial<NewUserBody>) => (checkNewUser(body(o), customer)?.body as { description?: string } | undefined)?.description;

describe('Entra UPN syntax', () => {
  it.each(['a@managed.example', "o'neil@managed.example", 'a.b-c_d!e#f^g~h@managed.example', `${'x'.repeat(64)}@managed.example`])('accepts %p', (upn) => expect(isValidUpn(upn)).toBe(true));
  it.each([
    'no-at.example',
    '@managed.example',
    'a.@managed.example',
    'a@b@managed.example',
    'a b@managed.example',
    'a,b@managed.example',
    'é@managed.example',
    `${'x'.repeat(65)}@managed.example`,
    `a@${'d'.repeat(49)}`,
    `${'x'.repeat(64)}@${'d'.repeat(48)}x`,
    'a@',
  ])('refuses %p', (upn) => expect(isValidUpn(upn)).toBe(false));

  it('caps the whole UPN at 113 characters', () => {
    expect(isValidUpn(`${'x'.repeat(64)}@${'d'.repeat(44)}.com`)).toBe(true);
    expect(isValidUpn(`${'x'.repeat(64)}@${'d'.repeat(45)}.com`)).toBe(false);
  });
});

describe('Entra password policy', () => {
  it.each(['Abcdefg1', 'abcdefg!1', 'ABCDEFG!1', 'Abc def!', "Ab1 @#$%^&*-_!+=[]{}|\\:',.?/`~\"();<>", `Aa1${'x'.repeat(253)}`])('accepts %p', (p) => expect(isStrongPassword(p)).toBe(true));
  it.each(['Abcde1!', 'abcdefgh', 'abcdefg1', 'ABCDEFGH!', 'Abcdefg€1', 'Abcdefg\t1', `Aa1${'x'.repeat(254)}`, ''])('refuses %p', (p) => expect(isStrongPassword(p)).toBe(false));
  it('counts characters, not UTF-16 units', () => expect(isStrongPassword('Aa1😀😀😀😀😀')).toBe(false));
});

describe('usage location', () => {
  it.each(['US', 'GB', 'DE', 'JP', 'IN', 'AX', 'SS', 'CW'])('accepts %p', (c) => expect(isCountryCode(c)).toBe(true));
  it.each(['us', 'UK', 'EU', 'XK', 'ZZ', 'AN', 'USA', '', 'U1'])('refuses %p', (c) => expect(isCountryCode(c)).toBe(false));
});

describe('checkNewUser, in Partner Center’s order', () => {
  it('lets a valid user through', () => expect(checkNewUser(body(), customer)).toBeUndefined());

  it('answers each problem with the documented text', () => {
    expect(description({ userPrincipalName: 'bad.@managed.example' })).toBe("Invalid value specified for property 'userPrincipalName' of resource 'User'.");
    expect(description({ userPrincipalName: 'x@pending.example' })).toMatch(/^The domain portion of the userPrincipalName property is invalid/);
    expect(description({ userPrincipalName: 'x@unknown.example' })).toMatch(/^The domain portion of the userPrincipalName property is invalid/);
    expect(description({ userPrincipalName: 'x@federated.example' })).toBe('The domain federated.example is federated: users in a federated domain cannot be created through Partner Center.');
    expect(description({ displayName: '' })).toBe("Invalid value specified for property 'displayName' of resource 'User'.");
    expect(description({ lastName: 'x'.repeat(65) })).toBe("Invalid value specified for property 'lastName' of resource 'User'.");
    expect(description({ usageLocation: 'XX' })).toBe("Invalid value specified for property 'usageLocation' of resource 'User'.");
    expect(description({ immutableId: 'a$b' })).toBe("Invalid value specified for property 'immutableId' of resource 'User'.");
    expect(description({ passwordProfile: { password: 'weak' } })).toBe('The specified password does not comply with password complexity requirements. Please provide a different password.');
    expect(description({ userPrincipalName: 'TAKEN@managed.example' })).toBe('Another object with the same value for property userPrincipalName already exists.');
    expect(description({ userPrincipalName: 'deleted@managed.example' })).toBe('Another object with the same value for property userPrincipalName already exists.');
  });

  it('answers with status 400 and code 2000 in the Partner Center body', () => {
    expect(checkNewUser(body({ usageLocation: 'XX' }), customer)).toEqual({ status: 400, body: { code: '2000', description: expect.any(String), data: [], source: 'PartnerFD' } });
  });

  it('parses the body shape first: a missing or mistyped field names that field', () => {
    const parsed = newUserBody.safeParse({ ...body(), displayName: 7 });
    expect(parsed.success).toBe(false);
    expect(!parsed.success && parsed.error.issues[0].path[0]).toBe('displayName');
  });
});
