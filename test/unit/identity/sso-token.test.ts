import { AppError } from '../../../src/core/errors';
import { readSsoClaims } from '../../../src/identity/sso-token';
import { fakeJwt } from './jwt';

const base = {
  aud: 'api://botid-00000000-0000-4000-8000-00000000b07d',
  iss: 'https://login.sandbox.test/11111111-1111-4111-8111-111111111111/v2.0',
  oid: 'oid-ada',
  tid: '11111111-1111-4111-8111-111111111111',
  upn: 'ada@contoso-partner.example',
  preferred_username: 'ada@contoso-partner.example',
  name: 'Ada Lovelace',
  exp: 1_900_000_000,
  scp: 'access_as_user',
};

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'none';
}

describe('readSsoClaims', () => {
  it('reads the person, expiry and audience (no MFA: the v2 SSO token carries no amr)', () => {
    expect(readSsoClaims(fakeJwt(base))).toEqual({
      oid: 'oid-ada',
      tenantId: '11111111-1111-4111-8111-111111111111',
      upn: 'ada@contoso-partner.example',
      displayName: 'Ada Lovelace',
      exp: new Date(1_900_000_000_000),
      aud: base.aud,
    });
  });

  it('falls back to preferred_username and accepts an audience array', () => {
    const c = readSsoClaims(fakeJwt({ ...base, upn: undefined, aud: ['api://x', 'api://y'] }));
    expect(c.upn).toBe('ada@contoso-partner.example');
    expect(c.aud).toBe('api://x');
  });

  it.each([
    ['empty', ''],
    ['not a JWT', 'hello'],
    ['two parts', 'a.b'],
    ['garbage payload', 'a.!!!.c'],
    ['payload not an object', `a.${Buffer.from('42').toString('base64url')}.c`],
    ['no oid', fakeJwt({ ...base, oid: undefined })],
    ['no tid', fakeJwt({ ...base, tid: undefined })],
    ['no name for the user', fakeJwt({ ...base, upn: undefined, preferred_username: undefined })],
    ['no exp', fakeJwt({ ...base, exp: undefined })],
    ['exp not a number', fakeJwt({ ...base, exp: 'tomorrow' })],
  ])('refuses %s with TOKEN_EXCHANGE_FAILED', (_what, token) => {
    expect(code(() => readSsoClaims(token))).toBe('TOKEN_EXCHANGE_FAILED');
  });

  it('never puts the token in the error', () => {
    const token = fakeJwt({ ...base, oid: undefined });
    try {
      readSsoClaims(token);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain(token.split('.')[1]);
    }
  });
});
