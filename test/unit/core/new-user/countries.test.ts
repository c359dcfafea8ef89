import { COUNTRIES, countryName, isCountryCode } from '../../../../src/core/new-user';

describe('ISO 3166-1 alpha-2 countries', () => {
  const codes = COUNTRIES.map((c) => c.code);

  it('has all 249 codes, each once, two upper-case letters, each with a name', () => {
    expect(COUNTRIES).toHaveLength(249);
    expect(new Set(codes).size).toBe(249);
    for (const c of COUNTRIES) {
      expect(c.code).toMatch(/^[A-Z]{2}$/);
      expect(c.name.trim().length).toBeGreaterThan(1);
    }
  });

  it('holds no reserved, withdrawn or user-assigned codes', () => {
    for (const c of ['UK', 'EU', 'XK', 'AN', 'YU', 'CS', 'TP', 'ZR', 'SU', 'QO', 'AA', 'ZZ']) expect(codes).not.toContain(c);
  });

  it('includes the codes people most often get wrong', () => {
    for (const c of ['GB', 'AX', 'BQ', 'CW', 'SS', 'SX', 'PS', 'EH', 'TW', 'MK']) expect(codes).toContain(c);
  });

  it('is sorted by English name', () => {
    const names = COUNTRIES.map((c) => c.name);
    expect([...names].sort((a, b) => a.localeCompare(b, 'en'))).toEqual(names);
  });

  it('looks codes up case-insensitively, ASCII only', () => {
    expect(isCountryCode('GB')).toBe(true);
    expect(isCountryCode('gb')).toBe(true);
    expect(isCountryCode('UK')).toBe(false);
    expect(isCountryCode('ß')).toBe(false);
    expect(isCountryCode(' GB')).toBe(false);
    expect(countryName('de')).toBe('Germany');
    expect(countryName('ſe')).toBeUndefined();
  });
});
