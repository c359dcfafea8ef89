import fc from 'fast-check';
import {
  CARD_PATTERNS,
  COUNTRIES,
  GENERATED_ALPHABET,
  buildUpn,
  domainProblem,
  generatePassword,
  immutableIdProblem,
  isCountryCode,
  nameProblem,
  passwordProblem,
  upnLengthProblem,
  userNameProblem,
} from '../../../../src/core/new-user';

const USER_NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'-_!#^~";
const validUserName = fc
  .array(fc.stringMatching(new RegExp(`^[${USER_NAME_ALPHABET.replace(/[\]\\^-]/g, '\\$&')}]{1,10}$`)), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('.'))
  .filter((s) => s.length <= 64);

describe('user name (UPN local part)', () => {
  it.each(['a', 'grace.hopper', "o'brien", 'a-b_c!d#e^f~g', 'x'.repeat(64)])('accepts %s', (v) => expect(userNameProblem(v)).toBeUndefined());
  it.each(['', 'x'.repeat(65), '.lead', 'trail.', 'two..dots', 'has space', 'ümlaut', 'a@b', 'emoji😀', 'semi;colon'])('refuses %s', (v) => expect(userNameProblem(v)).toBeDefined());

  it('property: names built from allowed parts joined by single dots are valid, and the card regex agrees', () => {
    const card = new RegExp(CARD_PATTERNS.userName);
    fc.assert(fc.property(validUserName, (name) => userNameProblem(name) === undefined && card.test(name)));
  });

  it('property: any string with a forbidden character fails, on the server and on the card', () => {
    const card = new RegExp(CARD_PATTERNS.userName);
    const forbidden = fc.constantFrom(' ', '@', ';', ',', '"', '(', ')', '[', ']', 'é', 'ß', '\u0000', '😀', '/', '\\', '%', '&', '*', '+', '=');
    fc.assert(
      fc.property(validUserName, forbidden, fc.nat(), (name, bad, at) => {
        const i = at % (name.length + 1);
        const s = name.slice(0, i) + bad + name.slice(i);
        return userNameProblem(s) !== undefined && !card.test(s);
      }),
    );
  });

  it('property: the card regex and the server agree on arbitrary strings', () => {
    const card = new RegExp(CARD_PATTERNS.userName);
    fc.assert(fc.property(fc.string({ maxLength: 70 }), (s) => (userNameProblem(s) === undefined) === card.test(s)));
  });
});

describe('domain and whole UPN', () => {
  it('accepts customer domains', () => {
    expect(domainProblem('fabrikam.example')).toBeUndefined();
    expect(domainProblem('fabrikamcorp.onmicrosoft.com')).toBeUndefined();
  });
  it('refuses bad domains', () => {
    for (const d of ['', 'nodot', '-bad.example', 'bad-.example', 'sp ace.example', `${'a'.repeat(45)}.com`]) expect(domainProblem(d)).toBeDefined();
  });
  it('domain length boundary 48/49', () => {
    expect(domainProblem(`${'a'.repeat(44)}.com`)).toBeUndefined();
    expect(domainProblem(`${'a'.repeat(45)}.com`)).toBeDefined();
  });
  it('whole UPN boundary 113/114', () => {
    const local = 'a'.repeat(64);
    expect(upnLengthProblem(buildUpn(local, `${'b'.repeat(44)}.com`))).toBeUndefined(); // 64 + 1 + 48 = 113
    expect(upnLengthProblem(`${local}@${'b'.repeat(45)}.com`)).toBeDefined();
  });
  it('builds the UPN with the domain in lower case', () => {
    expect(buildUpn(' Grace.Hopper ', 'Fabrikam.Example')).toBe('Grace.Hopper@fabrikam.example');
  });
});

describe('names, immutable id, usage location', () => {
  it('name length boundary 64/65 and required', () => {
    expect(nameProblem('first name', 'x'.repeat(64), 64, true)).toBeUndefined();
    expect(nameProblem('first name', 'x'.repeat(65), 64, true)).toBeDefined();
    expect(nameProblem('first name', '', 64, true)).toBeDefined();
    expect(nameProblem('first name', 'Ab\u0007c', 64, true)).toBeDefined();
    expect(nameProblem('first name', 'Zoë Ñúñez', 64, true)).toBeUndefined();
  });
  it('immutable id refuses $ and _', () => {
    expect(immutableIdProblem('')).toBeUndefined();
    expect(immutableIdProblem('AbC123+/==')).toBeUndefined();
    expect(immutableIdProblem('a$b')).toBeDefined();
    expect(immutableIdProblem('a_b')).toBeDefined();
  });
  it('every ISO 3166-1 alpha-2 code, and nothing else', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(isCountryCode('GB')).toBe(true);
    expect(isCountryCode('gb')).toBe(true);
    expect(isCountryCode('UK')).toBe(false);
    expect(isCountryCode('XX')).toBe(false);
    const names = COUNTRIES.map((c) => c.name);
    expect([...names].sort((a, b) => a.localeCompare(b))).toEqual(names);
  });
});

describe('password policy', () => {
  it.each(['abcDEF12', 'abc def 1', 'ABC123!!', 'aB3' + 'x'.repeat(253)])('accepts %s', (p) => expect(passwordProblem(p)).toBeUndefined());
  it.each([
    ['too short', 'aB3!aB3'],
    ['too long', 'aB3!' + 'x'.repeat(253)],
    ['two kinds only', 'abcdefgh12'],
    ['a non-ASCII letter', 'abcDEF12é'],
    ['an emoji', 'abcDEF12😀'],
    ['a tab', 'abcDEF12\t'],
  ])('refuses %s', (_why, p) => expect(passwordProblem(p)).toBeDefined());
  it('every documented symbol counts as a symbol', () => {
    for (const s of "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ") expect(passwordProblem(`abcdefg1${s}`)).toBeUndefined();
  });
  it('never repeats the password in its message', () => {
    expect(passwordProblem('secretsecret') ?? '').not.toContain('secretsecret');
  });
});

describe('password generator', () => {
  it('property: always meets the policy, four kinds, only the safe alphabet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 64 }), (length) => {
        const p = generatePassword({ length });
        return p.length === length && passwordProblem(p) === undefined && [...p].every((c) => GENERATED_ALPHABET.includes(c)) && /[a-z]/.test(p) && /[A-Z]/.test(p) && /[0-9]/.test(p) && /[^A-Za-z0-9]/.test(p);
      }),
      { numRuns: 300 },
    );
  });
  it('never emits ambiguous characters', () => {
    for (let i = 0; i < 200; i++) expect(generatePassword()).not.toMatch(/[0O1lI]/);
  });
  it('uses the injected randomness (deterministic with a fixed source)', () => {
    let n = 0;
    const rnd = (max: number) => n++ % max;
    expect(generatePassword({ randomInt: rnd })).toBe((() => {
      n = 0;
      return generatePassword({ randomInt: rnd });
    })());
  });
  it('refuses lengths outside 12..256', () => {
    expect(() => generatePassword({ length: 8 })).toThrow(RangeError);
  });
});
