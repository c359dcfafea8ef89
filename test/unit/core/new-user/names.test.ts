import fc from 'fast-check';
import {
  checkNames,
  defaultDisplayName,
  immutableIdProblem,
  immutableIdWeight,
  nameProblem,
  ticketProblem,
  usageLocationProblem,
} from '../../../../src/core/new-user';

const fields = (issues: { field: string }[]) => issues.map((i) => i.field);
const CONTROLS = ['\u0000', '\u0007', '\t', '\n', '\r', '\u001b', '\u007f', '\u0085', '\u009f'];

describe('first and last name', () => {
  it('length boundary 64/65, counted in UTF-16 units as the card counts them', () => {
    expect(nameProblem('first name', 'x'.repeat(64), 64, true)).toBeUndefined();
    expect(nameProblem('first name', 'x'.repeat(65), 64, true)).toBeDefined();
    expect(nameProblem('first name', `${'x'.repeat(62)}😀`, 64, true)).toBeUndefined();
    expect(nameProblem('first name', `${'x'.repeat(63)}😀`, 64, true)).toBeDefined();
  });

  it('is required', () => {
    expect(nameProblem('first name', '', 64, true)).toBeDefined();
    expect(fields(checkNames({ firstName: ' \t ', lastName: 'Hopper', displayName: '' }))).toEqual(['firstName']);
  });

  it('accepts letters of any script, apostrophes, hyphens, inner spaces and emoji', () => {
    for (const n of ['Zoë', 'Ñúñez', "O'Brien", 'Jean-Luc', 'Mary Ann', '李', 'Алёна', 'محمد', 'Ana 🌻']) expect(nameProblem('first name', n, 64, true)).toBeUndefined();
  });

  it.each(CONTROLS.map((c) => [JSON.stringify(c), c]))('refuses the control character %s', (_label, c) => {
    expect(nameProblem('last name', `Ab${c}c`, 64, true)).toBeDefined();
  });

  it('refuses a tag character (hidden ASCII) and names it; accepts an ideographic variation sequence', () => {
    expect(nameProblem('last name', 'Johnson\u{e0061}\u{e0064}', 64, true)).toBe("The last name can't contain an invisible tag character (U+E0061).");
    expect(ticketProblem('INC-1\u{e0031}', false)).toBe("The ticket can't contain an invisible tag character (U+E0031).");
    expect(nameProblem('last name', '葛\u{e0100}城', 64, true)).toBeUndefined();
  });

  it('trims before measuring', () => {
    expect(checkNames({ firstName: ` ${'x'.repeat(64)} `, lastName: 'y', displayName: '' })).toEqual([]);
  });

  it('property: a control character anywhere inside fails', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.constantFrom(...CONTROLS), fc.nat(), (s, c, at) => {
        const i = at % (s.length + 1);
        return nameProblem('first name', s.slice(0, i) + c + s.slice(i), 64, true) !== undefined;
      }),
    );
  });
});

describe('display name', () => {
  it('length boundary 256/257, optional', () => {
    expect(fields(checkNames({ firstName: 'a', lastName: 'b', displayName: 'x'.repeat(256) }))).toEqual([]);
    expect(fields(checkNames({ firstName: 'a', lastName: 'b', displayName: 'x'.repeat(257) }))).toEqual(['displayName']);
    expect(fields(checkNames({ firstName: 'a', lastName: 'b', displayName: '   ' }))).toEqual([]);
  });

  it('defaults to "First Last"', () => {
    expect(defaultDisplayName(' Grace ', 'Hopper ')).toBe('Grace Hopper');
  });

  it('a bad first name is reported once, not again on the defaulted display name', () => {
    expect(fields(checkNames({ firstName: 'Gr\u0007ace', lastName: 'Hopper', displayName: '' }))).toEqual(['firstName']);
  });
});

describe('immutable id', () => {
  it('is optional', () => expect(immutableIdProblem('')).toBeUndefined());

  it('accepts a base64 objectGUID and other plain anchors', () => {
    for (const v of ['AbC123+/AbC123+/AbC12==', 'f8a0b6b1c5d24e6f', 'EMP-000123']) expect(immutableIdProblem(v)).toBeUndefined();
  });

  it.each([
    ['a dollar', 'a$b'],
    ['an underscore', 'a_b'],
    ['a space', 'a b'],
    ['a tab', 'a\tb'],
  ])('refuses %s', (_why, v) => expect(immutableIdProblem(v)).toBeDefined());

  it('weighted length boundary 59/60: non-alphanumerics count three', () => {
    expect(immutableIdProblem('a'.repeat(59))).toBeUndefined();
    expect(immutableIdProblem('a'.repeat(60))).toBeDefined();
    expect(immutableIdWeight(`${'a'.repeat(56)}+`)).toBe(59);
    expect(immutableIdProblem(`${'a'.repeat(56)}+`)).toBeUndefined();
    expect(immutableIdProblem(`${'a'.repeat(57)}+`)).toBeDefined();
  });

  it('property: any id containing "$" or "_" fails', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom('$', '_'), fc.string({ maxLength: 20 }), (a, bad, b) => immutableIdProblem(a + bad + b) !== undefined),
    );
  });
});

describe('ticket', () => {
  it('is mandatory only when required', () => {
    expect(ticketProblem('', false)).toBeUndefined();
    expect(ticketProblem('', true)).toBeDefined();
  });
  it('length boundary 64/65 and printable only', () => {
    expect(ticketProblem('T'.repeat(64), true)).toBeUndefined();
    expect(ticketProblem('T'.repeat(65), true)).toBeDefined();
    expect(ticketProblem('INC-1\n2', false)).toBeDefined();
    expect(ticketProblem('CHG 0042 / Ü', false)).toBeUndefined();
  });
});

describe('usage location', () => {
  it.each(['US', 'us', 'Gb', 'AX'])('accepts %s', (c) => expect(usageLocationProblem(c)).toBeUndefined());
  it.each([
    ['empty', ''],
    ['UK (reserved, not ISO)', 'UK'],
    ['XK (user-assigned)', 'XK'],
    ['three letters', 'USA'],
    ['ß, which upper-cases to SS', 'ß'],
    ['a dotless ı, which upper-cases to I', 'ın'],
    ['a long s, which upper-cases to S', 'ſe'],
  ])('refuses %s', (_why, c) => expect(usageLocationProblem(c)).toBeDefined());
});
