import { describeCharacter } from '../../../../src/core/new-user';
import { CONTROL, CONTROL_CLASS, TRIM_CLASS } from '../../../../src/core/new-user/chars';

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
