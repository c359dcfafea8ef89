import fc from 'fast-check';
import { GENERATED_ALPHABET, PASSWORD_SYMBOLS, checkPassword, generatePassword, passwordProblem } from '../../../../src/core/new-user';

const AMBIGUOUS = /[0Oo1lI]/;

describe('password policy', () => {
  it.each([
    ['exactly 8', 'abcDEF12'],
    ['a space as the symbol', 'abc def1'],
    ['upper, digit, symbol', 'ABC123!!'],
    ['lower, upper, symbol', 'abcDEF!!'],
    ['lower, digit, symbol', 'abc123!!'],
    ['all four', 'aB3!aB3!'],
    ['exactly 256', `aB3${'x'.repeat(253)}`],
  ])('accepts %s', (_why, p) => expect(checkPassword(p)).toEqual([]));

  it.each([
    ['7 characters', 'aB3!aB3'],
    ['257 characters', `aB3!${'x'.repeat(253)}`],
    ['two kinds only', 'abcdefgh12'],
    ['one kind only', 'aaaaaaaaaa'],
    ['a Unicode letter', 'abcDEF12é'],
    ['an emoji', 'abcDEF12😀'],
    ['a tab', 'abcDEF12\t'],
    ['a non-breaking space', 'abcDEF12\u00a0'],
    ['a line break', 'abcDEF12\n'],
  ])('refuses %s', (_why, p) => expect(checkPassword(p).map((i) => i.field)).toEqual(['password']));

  it('every documented symbol counts as a symbol', () => {
    expect([...PASSWORD_SYMBOLS]).toHaveLength(33);
    for (const s of PASSWORD_SYMBOLS) expect(passwordProblem(`abcdefg1${s}`)).toBeUndefined();
  });

  it('says which character is not allowed (pinned deliberately)', () => {
    expect(checkPassword('abcDEF12é')).toEqual([{ field: 'password', message: expect.stringContaining('“é”') }]);
    expect(passwordProblem('abcDEF12\t')).toContain('a tab');
  });

  it('counts an emoji as one character: refused for what it is, not for the length', () => {
    const p = 'aB3!aB3😀'; // 8 code points, 9 UTF-16 units
    expect(passwordProblem(p)).toBe(passwordProblem('aB3!aB3!😀'));
    expect(passwordProblem(p)).not.toBe(passwordProblem('aB3!aB3'));
  });

  it('different problems get different messages', () => {
    const messages = ['aB3!', `aB3!${'x'.repeat(300)}`, 'abcdefgh', 'abcDEF12é'].map(passwordProblem);
    expect(new Set(messages).size).toBe(4);
  });

  it('never repeats the password in its message', () => {
    for (const p of ['secretsecret', 'Sécret123', 'Shrt!1']) expect(passwordProblem(p) ?? '').not.toContain(p);
  });

  it('property: any password with a character outside the allowed set fails', () => {
    const allowed = new RegExp(`^[A-Za-z0-9${PASSWORD_SYMBOLS.replace(/[\\\]\[^-]/g, '\\$&')}]$`);
    const forbidden = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => ![...c].every((x) => allowed.test(x)));
    fc.assert(
      fc.property(fc.constantFrom('aB3!aB3!', 'Passw0rd with spaces'), forbidden, fc.nat(), (base, bad, at) => {
        const i = at % (base.length + 1);
        return checkPassword(base.slice(0, i) + bad + base.slice(i)).length === 1;
      }),
    );
  });
});

describe('password generator', () => {
  it('property: always meets the policy with all four kinds, at the asked length, from the safe alphabet', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 64 }), (length) => {
        const p = generatePassword({ length });
        return (
          p.length === length &&
          checkPassword(p).length === 0 &&
          [...p].every((c) => GENERATED_ALPHABET.includes(c)) &&
          /[a-z]/.test(p) &&
          /[A-Z]/.test(p) &&
          /[0-9]/.test(p) &&
          /[^A-Za-z0-9]/.test(p)
        );
      }),
      { numRuns: 300 },
    );
  });

  it('property: never emits an ambiguous character, whatever the random source', () => {
    fc.assert(
      fc.property(fc.integer({ min: 12, max: 64 }), fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })), (length, stream) => {
        const it = stream[Symbol.iterator]();
        const p = generatePassword({ length, randomInt: (max) => Math.floor(it.next().value * max) });
        return !AMBIGUOUS.test(p) && checkPassword(p).length === 0;
      }),
    );
  });

  it('the alphabet leaves out ambiguous characters and Markdown-active symbols', () => {
    expect(GENERATED_ALPHABET).not.toMatch(AMBIGUOUS);
    expect(GENERATED_ALPHABET).not.toMatch(/[*_`[\]\\ "'<>]/);
    for (const c of GENERATED_ALPHABET.replace(/[A-Za-z0-9]/g, '')) expect(PASSWORD_SYMBOLS).toContain(c);
  });

  it('is 16 characters by default', () => {
    expect(generatePassword()).toHaveLength(16);
  });

  it('draws one of each kind, fills from the whole alphabet, then shuffles with Fisher–Yates', () => {
    const calls: number[] = [];
    generatePassword({ length: 12, randomInt: (max) => (calls.push(max), 0) });
    expect(calls).toEqual([24, 24, 8, 8, ...Array(8).fill(64), 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  });

  it('is deterministic for a fixed random source', () => {
    const seq = () => {
      let n = 7;
      return (max: number) => (n = (n * 31 + 11) % 1009) % max;
    };
    expect(generatePassword({ randomInt: seq() })).toBe(generatePassword({ randomInt: seq() }));
  });

  it('puts the guaranteed characters anywhere, not always first', () => {
    const firstKinds = new Set(Array.from({ length: 200 }, () => generatePassword()[0]).map((c) => (/[a-z]/.test(c) ? 'l' : /[A-Z]/.test(c) ? 'u' : /[0-9]/.test(c) ? 'd' : 's')));
    expect(firstKinds.size).toBeGreaterThan(1);
  });

  it.each([11, 257, 12.5, Number.NaN])('refuses length %s', (length) => {
    expect(() => generatePassword({ length })).toThrow(RangeError);
  });

  it('refuses a random source that answers out of range', () => {
    expect(() => generatePassword({ randomInt: (max) => max })).toThrow(RangeError);
    expect(() => generatePassword({ randomInt: () => -1 })).toThrow(RangeError);
    expect(() => generatePassword({ randomInt: () => 0.5 })).toThrow(RangeError);
  });
});
