import { userNameProblem } from '../../../../src/core/new-user';
import { applyUserNameFormat, foldName, parseUserNameFormat, userNameFormatProblem } from '../../../../src/core/templates/user-name-format';

const make = (format: string, firstName: string, lastName: string) => {
  const r = applyUserNameFormat(format, { firstName, lastName });
  return r.ok ? r.userName : `!${r.problem}`;
};

describe('foldName: names as a user name can hold them', () => {
  it.each([
    ['José', 'jose'],
    ['Éloïse', 'eloise'],
    ['Müller', 'muller'],
    ['Straße', 'strasse'],
    ['Søren', 'soren'],
    ['Ærøskøbing', 'aeroskobing'],
    ['Œuvre', 'oeuvre'],
    ['Łukasz', 'lukasz'],
    ['Þór', 'thor'],
    ['Đorđe', 'dorde'],
    ['Ångström', 'angstrom'],
    ['Çağla', 'cagla'],
    ['Nguyễn', 'nguyen'],
  ])('%s → %s', (name, folded) => {
    expect(foldName(name)).toBe(folded);
  });

  it('drops spaces and apostrophes (straight and curly), keeps one hyphen, trims hyphens at the ends', () => {
    expect(foldName('Mary Ann')).toBe('maryann');
    expect(foldName("O'Brien")).toBe('obrien');
    expect(foldName('O’Brien')).toBe('obrien');
    expect(foldName('Smith-Jones')).toBe('smith-jones');
    expect(foldName('Smith – Jones')).toBe('smith-jones');
    expect(foldName(' -van der Berg- ')).toBe('vanderberg');
    expect(foldName('Anne\u00a0Marie')).toBe('annemarie');
  });

  it('drops what has no Latin spelling (the caller then asks for a typed user name)', () => {
    expect(foldName('山田')).toBe('');
    expect(foldName('Zoë 😀')).toBe('zoe');
  });
});

describe('applyUserNameFormat', () => {
  it.each([
    ['{first}.{last}', 'José', 'Müller', 'jose.muller'],
    ['{f}{last}', 'José', 'Müller', 'jmuller'],
    ['{first}{l}', 'José', 'Müller', 'josem'],
    ['{first}', 'Søren', 'Kierkegaard', 'soren'],
    ['{last}.{first}', 'Anne Marie', "O'Neill", 'oneill.annemarie'],
    ['{first}_{last}', 'Ada', 'Lovelace-Byron', 'ada_lovelace-byron'],
    ['{ First }.{LAST}', 'Grace', 'Hopper', 'grace.hopper'],
    ['ext.{f}{l}', 'Grace', 'Hopper', 'ext.gh'],
  ])('%s for %s %s → %s', (format, first, last, userName) => {
    expect(make(format, first, last)).toBe(userName);
  });

  it('every result passes the UPN rules of the form', () => {
    for (const [first, last] of [['Zoë', 'Saldaña'], ['Björk', 'Guðmundsdóttir'], ['Jean-Luc', 'Picard']]) {
      const r = applyUserNameFormat('{first}.{last}', { firstName: first, lastName: last });
      expect(r.ok).toBe(true);
      if (r.ok) expect(userNameProblem(r.userName)).toBeUndefined();
    }
  });

  it('refuses a result the UPN rules refuse (too long), and a name that folds to nothing', () => {
    expect(make('{first}.{last}', 'a'.repeat(40), 'b'.repeat(40))).toMatch(/^!The user name can have at most 64/);
    expect(make('{first}.{last}', '山田', 'Taro')).toMatch(/^!The first name has no letters/);
    expect(make('{first}.{l}', 'Taro', '山田')).toMatch(/^!The last name has no letters/);
  });
});

describe('parseUserNameFormat', () => {
  it('refuses unknown placeholders, unpaired braces, characters a user name cannot hold, and formats without a placeholder', () => {
    expect(userNameFormatProblem('{first}.{middle}')).toMatch(/\{middle\} is not a placeholder/);
    expect(userNameFormatProblem('{first.{last}')).toBeDefined();
    expect(userNameFormatProblem('{first}}')).toMatch(/no partner/);
    expect(userNameFormatProblem('{first} {last}')).toMatch(/can't be part of a user name/);
    expect(userNameFormatProblem('{first}@{last}')).toMatch(/can't be part of a user name/);
    expect(userNameFormatProblem('Admin')).toBeDefined();
    expect(userNameFormatProblem('admin')).toMatch(/at least one placeholder/);
    expect(userNameFormatProblem('')).toMatch(/Enter a user-name format/);
    expect(userNameFormatProblem('.{first}')).toMatch(/start with a dot/);
    expect(userNameFormatProblem(`{first}${'x'.repeat(70)}`)).toMatch(/at most 64/);
  });

  it('splits a valid format into its parts', () => {
    expect(parseUserNameFormat('{f}.{last}2')).toEqual({
      ok: true,
      parts: [
        { kind: 'token', token: 'f' },
        { kind: 'text', text: '.' },
        { kind: 'token', token: 'last' },
        { kind: 'text', text: '2' },
      ],
    });
  });
});
