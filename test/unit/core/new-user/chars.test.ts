import { describeCharacter } from '../../../../src/core/new-user';
import { CONTROL, CONTROL_CLASS, TRIM_CLASS, UNSHOWN } from '../../../../src/core/new-user/chars';

describe('character classes shared with the card', () => {
  it('TRIM_CLASS is exactly what String.prototype.trim strips, for every UTF-16 code unit', () => {
    const trimClass = new RegExp(`^[${TRIM_CLASS}]$`);
    const mismatches: string[] = [];
    for (let u = 0; u <= 0xffff; u++) {
      const ch = String.fromCharCode(u);
      if (trimClass.test(ch) !== (ch.trim() === '')) mismatches.push(u.toString(16));
    }
    expect(mismatches).toEqual([]);
  });

  it('CONTROL is C0, DEL and C1', () => {
    const controls: number[] = [];
    for (let u = 0; u <= 0xffff; u++) if (CONTROL.test(String.fromCharCode(u))) controls.push(u);
    expect(controls).toEqual([...Array(0x20).keys(), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i)]);
    expect(new RegExp(`[${CONTROL_CLASS}]`, 'u').test('\u0085')).toBe(true);
  });

  it('UNSHOWN is CONTROL plus every hidden format character the cards strip, and keeps the joiners emoji and scripts need', () => {
    const hidden: string[] = [];
    for (let u = 0; u <= 0xffff; u++) if (UNSHOWN.test(String.fromCharCode(u)) && !CONTROL.test(String.fromCharCode(u))) hidden.push(u.toString(16));
    expect(hidden).toEqual(['61c', '200b', '200e', '200f', '202a', '202b', '202c', '202d', '202e', '2060', '2061', '2062', '2063', '2064', '2066', '2067', '2068', '2069', 'feff']);
    expect(UNSHOWN.test('\u200c') || UNSHOWN.test('\u200d')).toBe(false);
  });
});

describe('describeCharacter', () => {
  it.each([
    [' ', 'a space'],
    ['\t', 'a tab'],
    ['\n', 'a line break'],
    ['\u00a0', 'a non-breaking space'],
    ['\u200b', 'an invisible character (U+200B)'],
    ['\u0007', 'an invisible character (U+0007)'],
    ['é', '“é”'],
    ['😀', '“😀”'],
  ])('%j → %s', (ch, text) => expect(describeCharacter(ch)).toBe(text));
});
