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

  it('UNSHOWN refuses every tag character (U+E0000–U+E007F, "ASCII smuggling") and keeps the variation selectors Japanese names use', () => {
    const refused: number[] = [];
    for (let p = 0xe0000; p <= 0xe01ef; p++) if (UNSHOWN.test(String.fromCodePoint(p))) refused.push(p);
    expect(refused).toEqual(Array.from({ length: 0x80 }, (_, i) => 0xe0000 + i));
    // Hidden ASCII after a visible name is refused wherever it sits in a value; an ideographic variation sequence
    // (葛 + VS17, the Katsushika form of the kanji) is a name.
    const hiddenAscii = (text: string) => [...text].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
    expect(UNSHOWN.test(`Kath${hiddenAscii('admin')} Johnson`)).toBe(true);
    expect(UNSHOWN.test('\u845b\u{e0100}城')).toBe(false);
    // Half a tag (a lone surrogate) is not a tag character.
    expect(UNSHOWN.test('\udb40') || UNSHOWN.test('\udc41')).toBe(false);
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
    ['\u{e0041}', 'an invisible tag character (U+E0041)'],
    ['\u{e007f}', 'an invisible tag character (U+E007F)'],
    ['é', '“é”'],
    ['😀', '“😀”'],
  ])('%j → %s', (ch, text) => expect(describeCharacter(ch)).toBe(text));
});
