import fc from 'fast-check';
import {
  CARD_PATTERNS,
  COUNTRIES,
  IMMUTABLE_ID_WEIGHTED_MAX,
  PASSWORD_SYMBOLS,
  immutableIdProblem,
  immutableIdWeight,
  nameProblem,
  passwordProblem,
  ticketProblem,
  usageLocationProblem,
  userNameProblem,
} from '../../../../src/core/new-user';
import { TRIM_CHARS, USER_NAME_NON_DOT, edgyString, padding, validUserName } from './arbitraries';

/**
 * Each card regex must accept a raw value exactly when the server accepts that value trimmed (the password: as
 * is), so the card never lets through what the server refuses, nor blocks what it would take.
 */
const card = (name: keyof typeof CARD_PATTERNS) => new RegExp(CARD_PATTERNS[name]);
const padded = (core: fc.Arbitrary<string>) => fc.tuple(padding, core, padding).map(([a, s, b]) => a + s + b);
// U+E0100 (a variation selector of the supplement, as in Japanese names) is good; U+E0041 and U+E007F (tag
// characters, which hide ASCII text) are bad. Both are surrogate pairs starting \udb40.
const NAME_GOOD = ['a', 'Z', 'é', ' ', '\u00a0', '😀', '-', "'", '\u3000', '\u200c', '\u200d', '\u{e0100}'];
const NAME_BAD = ['\t', '\n', '\u0007', '\u0085', '\u202e', '\u200b', '\u2068', '\u061c', '\ufeff', '\u{e0041}', '\u{e007f}'];

describe('card regexes agree with the server', () => {
  it('compile in JavaScript with and without the u flag, and are anchored', () => {
    for (const p of Object.values(CARD_PATTERNS)) {
      expect(() => new RegExp(p)).not.toThrow();
      expect(() => new RegExp(p, 'u')).not.toThrow();
      expect(p.startsWith('^') && p.endsWith('$')).toBe(true);
    }
  });

  it('first and last name: 1–64, no controls', () => {
    const re = card('name');
    fc.assert(fc.property(padded(edgyString(NAME_GOOD, NAME_BAD, 64)), (s) => re.test(s) === (nameProblem('first name', s.trim(), 64, true) === undefined)), { numRuns: 2000 });
    expect(re.test('x'.repeat(64))).toBe(true);
    expect(re.test('x'.repeat(65))).toBe(false);
    expect(re.test('  Grace  ')).toBe(true);
    expect(re.test('   ')).toBe(false);
  });

  it('name and ticket: a tag character anywhere is refused (JavaScript without the u flag, as the desktop card runs it); a variation selector is not', () => {
    for (const name of ['name', 'displayName', 'ticket'] as const) {
      const re = card(name);
      for (const s of ['\u{e0041}', 'Kath\u{e0061}', '\u{e0041}Kath', 'Ka\u{e0061}\u{e0064}th', 'Kath 🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}']) expect(re.test(s)).toBe(false);
      expect(re.test('葛\u{e0100}城')).toBe(true);
      expect(re.test(`${'x'.repeat(62)}葛\u{e0100}`.slice(-64))).toBe(true);
    }
  });

  it('display name: optional, up to 256, no controls', () => {
    const re = card('displayName');
    fc.assert(fc.property(padded(edgyString(NAME_GOOD, NAME_BAD, 256)), (s) => re.test(s) === (nameProblem('display name', s.trim(), 256, false) === undefined)), { numRuns: 1000 });
    expect(re.test('x'.repeat(256))).toBe(true);
    expect(re.test('x'.repeat(257))).toBe(false);
  });

  it('ticket: optional, up to 64, printable', () => {
    const re = card('ticket');
    fc.assert(fc.property(padded(edgyString(NAME_GOOD, NAME_BAD, 64)), (s) => re.test(s) === (ticketProblem(s.trim(), false) === undefined)), { numRuns: 2000 });
  });

  it('user name: the UPN local-part rules', () => {
    const re = card('userName');
    const good = [...USER_NAME_NON_DOT.slice(0, 6), "'", '!', '~', '.'];
    const server = (s: string) => userNameProblem(s.trim()) === undefined;
    fc.assert(fc.property(padded(edgyString(good, ['@', ' ', 'é', '\t', ';'], 64)), (s) => re.test(s) === server(s)), { numRuns: 3000 });
    fc.assert(fc.property(padded(validUserName), (s) => re.test(s) && server(s)));
    for (const s of ['.lead', 'trail.', 'two..dots', 'x'.repeat(65)]) expect(re.test(s)).toBe(false);
    expect(re.test('x'.repeat(64))).toBe(true);
  });

  it('usage location: exactly the country codes, either case', () => {
    const re = card('usageLocation');
    const letters = ['A', 'a', 'G', 'b', 'U', 's', 'K', 'X', 'e', 'n'];
    fc.assert(fc.property(padded(edgyString(letters, ['ß', 'ı', 'ſ', '1'], 2)), (s) => re.test(s) === (usageLocationProblem(s.trim()) === undefined)), { numRuns: 2000 });
    for (const { code } of COUNTRIES) expect(re.test(code) && re.test(code.toLowerCase())).toBe(true);
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        expect(re.test(code)).toBe(usageLocationProblem(code) === undefined);
      }
    }
  });

  it('password: length and characters (the three-of-four rule is server-only)', () => {
    const re = card('password');
    const good = ['a', 'B', '3', ' ', '\\', ']', '^', '-', '"', ...PASSWORD_SYMBOLS.slice(0, 5)];
    const kinds = (s: string) => [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((k) => k.test(s)).length;
    fc.assert(
      fc.property(edgyString(good, ['é', '\t', '😀', '\u00a0'], 256), (s) => {
        const serverOk = passwordProblem(s) === undefined;
        if (serverOk) return re.test(s);
        // Refused by the server: the card refuses it too, unless only the three-of-four rule failed.
        return !re.test(s) || kinds(s) < 3;
      }),
      { numRuns: 2000 },
    );
    expect(re.test('aB3!aB3')).toBe(false);
    expect(re.test('aB3!aB3!')).toBe(true);
    expect(re.test(PASSWORD_SYMBOLS)).toBe(true);
  });

  it('immutable id: characters and plain length (the weighted length is server-only)', () => {
    const re = card('immutableId');
    const good = ['a', 'Z', '9', 'a', 'Z', '9', '+', '/', '=', 'é'];
    fc.assert(
      fc.property(padded(edgyString(good, ['$', '_', ' ', '\t'], 59)), (s) => {
        const serverOk = immutableIdProblem(s.trim()) === undefined;
        return re.test(s) === serverOk || (re.test(s) && immutableIdWeight(s.trim()) > IMMUTABLE_ID_WEIGHTED_MAX);
      }),
      { numRuns: 2000 },
    );
  });

  it('every whitespace that trim removes is tolerated around a value', () => {
    for (const w of TRIM_CHARS) expect(card('name').test(`${w}Grace${w}`)).toBe(true);
  });
});
