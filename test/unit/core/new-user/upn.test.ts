import fc from 'fast-check';
import { buildUpn, CARD_PATTERNS, checkUpn, domainProblem, upnLengthProblem, userNameProblem } from '../../../../src/core/new-user';
import { USER_NAME_NON_DOT, validDomain, validUserName } from './arbitraries';

const fields = (issues: { field: string }[]) => issues.map((i) => i.field);

describe('user name (UPN local part)', () => {
  it.each([
    ['one letter', 'a'],
    ['first.last', 'grace.hopper'],
    ['an apostrophe', "o'brien"],
    ['exactly 64 characters', 'x'.repeat(64)],
    ['digits only', '12345'],
  ])('accepts %s', (_why, v) => expect(userNameProblem(v)).toBeUndefined());

  it('accepts every allowed symbol', () => {
    for (const s of "'.-_!#^~") expect(userNameProblem(`a${s}b`)).toBeUndefined();
    expect(userNameProblem(USER_NAME_NON_DOT.slice(0, 64))).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['a leading dot', '.lead'],
    ['a dot right before @', 'trail.'],
    ['two dots in a row', 'two..dots'],
    ['a space', 'has space'],
    ['a Unicode letter', 'ümlaut'],
    ['an @', 'a@b'],
    ['an emoji', 'emoji😀'],
    ['a semicolon', 'semi;colon'],
    ['a Kelvin sign', 'kelvin\u212a'],
  ])('refuses %s', (_why, v) => expect(userNameProblem(v)).toBeDefined());

  it('says plainly why a dot before the @ is refused', () => {
    expect(checkUpn('grace.', 'fabrikam.example')).toEqual([{ field: 'userName', message: "The user name can't end with a dot." }]);
  });

  it("accepts every special character Entra allows at once (o'brien#x^y~z!), in the server rule and the card's regex", () => {
    expect(checkUpn("o'brien#x^y~z!", 'fabrikam.example')).toEqual([]);
    expect(new RegExp(CARD_PATTERNS.userName).test("o'brien#x^y~z!")).toBe(true);
  });

  it.each(['$', '%', '/', '?', '+', '&', '*'])('refuses %s, naming it and the characters that are allowed (not in Entra\'s list)', (ch) => {
    const name = ch === '$' ? '$adele' : `a${ch}b`;
    expect(userNameProblem(name)).toBe(`The user name can't contain “${ch}”. Use letters A–Z, digits and ' . - _ ! # ^ ~ only.`);
    expect(new RegExp(CARD_PATTERNS.userName).test(name)).toBe(false);
  });

  it('names the character that is not allowed', () => {
    expect(userNameProblem('semi;colon')).toContain('“;”');
    expect(userNameProblem('has space')).toContain('a space');
  });

  it('property: names built from allowed runs joined by single dots are valid', () => {
    fc.assert(fc.property(validUserName, (name) => userNameProblem(name) === undefined));
  });

  it('property: any string with a forbidden character fails', () => {
    const forbidden = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/^[A-Za-z0-9'.\-_!#^~]$/.test(c));
    fc.assert(
      fc.property(validUserName, forbidden, fc.nat(), (name, bad, at) => {
        const i = at % (name.length + 1);
        return userNameProblem(name.slice(0, i) + bad + name.slice(i)) !== undefined;
      }),
    );
  });
});

describe('domain', () => {
  it.each(['fabrikam.example', 'fabrikamcorp.onmicrosoft.com', 'a.io', 'x-1.co.uk', 'Fabrikam.Example', 'xn--bcher-kva.example'])('accepts %s', (d) =>
    expect(domainProblem(d)).toBeUndefined(),
  );

  it.each([
    ['empty', ''],
    ['a single label', 'nodot'],
    ['a leading hyphen', '-bad.example'],
    ['a trailing hyphen', 'bad-.example'],
    ['a space', 'sp ace.example'],
    ['a trailing dot', 'fabrikam.example.'],
    ['an empty label', 'fabrikam..example'],
    ['an IP address', '10.0.0.1'],
    ['an underscore', 'under_score.example'],
    ['a Unicode letter', 'bücher.example'],
    ['a Kelvin sign that lower-cases to k', '\u212aontoso.com'],
    ['an @', 'a@b.example'],
  ])('refuses %s', (_why, d) => expect(domainProblem(d)).toBeDefined());

  it('length boundary 48/49', () => {
    expect(domainProblem(`${'a'.repeat(44)}.com`)).toBeUndefined();
    expect(domainProblem(`${'a'.repeat(45)}.com`)).toBeDefined();
  });

  it('property: generated DNS names of at most 48 characters are valid', () => {
    fc.assert(fc.property(validDomain, (d) => domainProblem(d) === undefined));
  });

  it('property: a forbidden character anywhere inside fails', () => {
    const forbidden = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/^[A-Za-z0-9.-]$/.test(c));
    fc.assert(
      fc.property(validDomain, forbidden, fc.nat(), (d, bad, at) => {
        const i = at % (d.length + 1);
        return domainProblem(d.slice(0, i) + bad + d.slice(i)) !== undefined;
      }),
    );
  });
});

describe('whole UPN', () => {
  it('boundary 113/114', () => {
    const local = 'a'.repeat(64);
    const upn113 = buildUpn(local, `${'b'.repeat(44)}.com`);
    expect(upn113).toHaveLength(113);
    expect(upnLengthProblem(upn113)).toBeUndefined();
    expect(checkUpn(local, `${'b'.repeat(44)}.com`)).toEqual([]);
    expect(upnLengthProblem(`${upn113}x`)).toBeDefined();
  });

  it('builds the UPN trimmed, with the domain in lower case and the user name as typed', () => {
    expect(buildUpn(' Grace.Hopper ', ' Fabrikam.Example ')).toBe('Grace.Hopper@fabrikam.example');
  });

  it('reports each part on its own card field', () => {
    expect(fields(checkUpn('bad..name', 'fabrikam.example'))).toEqual(['userName']);
    expect(fields(checkUpn('grace', 'nodot'))).toEqual(['domain']);
    expect(fields(checkUpn('', ''))).toEqual(['userName', 'domain']);
  });

  it('trims both parts first, as buildUpn does', () => {
    expect(checkUpn('  grace.hopper\t', ' fabrikam.example ')).toEqual([]);
  });

  it('property: a UPN built from valid parts always passes and stays within 113 characters', () => {
    fc.assert(
      fc.property(validUserName, validDomain, (u, d) => {
        const upn = buildUpn(u, d);
        return checkUpn(u, d).length === 0 && upn.length <= 113 && upn === `${u}@${d.toLowerCase()}`;
      }),
    );
  });
});
