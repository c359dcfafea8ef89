import fc from 'fast-check';
import { cleanText, fencedBlock, fencedText, markdownText, TEXT_LIMITS } from '../../../../src/core/text/people-text';

describe('people-text', () => {
  it('escapes inline markup: emphasis, code, strike-through, links, images, autolinks', () => {
    expect(markdownText('**bold** _it_ `code` ~~gone~~')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~gone\\~\\~');
    expect(markdownText('[Approve here](https://evil.example)')).toBe('\\[Approve here\\](https://evil.example)');
    expect(markdownText('![x](https://evil.example/p.png)')).toBe('!\\[x\\](https://evil.example/p.png)');
    expect(markdownText('<https://evil.example>')).toBe('\\<https://evil.example\\>');
    expect(markdownText('back\\slash')).toBe('back\\\\slash');
  });

  it('escapes block markers where a value starts a block, and leaves ordinary names alone', () => {
    expect(markdownText('# Heading')).toBe('\\# Heading');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownText('1. item')).toBe('1\\. item');
    expect(markdownText('> quote')).toBe('\\> quote');
    expect(markdownText("Jean-Luc O'Neil (EU) kath.johnson@fabrikam.example")).toBe("Jean-Luc O'Neil (EU) kath.johnson@fabrikam.example");
  });

  it('folds line breaks to one space and strips control and direction-override characters', () => {
    expect(cleanText('a\r\n\r\n- b\u2028c')).toBe('a - b c');
    expect(cleanText('pay\u202Eexe.txt\u0000\u0007\u001B[31m\u200B')).toBe('payexe.txt[31m');
    expect(cleanText('family 👨‍👩‍👧')).toBe('family 👨‍👩‍👧');
    expect(cleanText('\uD800 lone')).toBe('\uFFFD lone');
  });

  it('strips tag characters (hidden ASCII) and keeps variation selectors', () => {
    expect(cleanText('Kath\u{e0061}\u{e0064}\u{e006d}\u{e0069}\u{e006e} Johnson')).toBe('Kath Johnson');
    expect(cleanText('\u{e0000}\u{e007f}')).toBe('');
    expect(cleanText('葛\u{e0100}城')).toBe('葛\u{e0100}城');
    expect(fencedBlock('a,b\u{e0041}\nc')).toBe('a,b\nc');
  });

  it('bounds the length with an ellipsis, never splitting a surrogate pair', () => {
    expect(cleanText('x'.repeat(1000), 10)).toBe(`${'x'.repeat(9)}…`);
    expect([...cleanText('😀'.repeat(50), 5)]).toHaveLength(5);
    // Counted in characters, not UTF-16 units: 5 emoji are 10 units and fit a bound of 8 whole.
    expect(cleanText('😀'.repeat(5), 8)).toBe('😀'.repeat(5));
    expect(cleanText('😀'.repeat(9), 8)).toBe(`${'😀'.repeat(7)}…`);
    expect(cleanText('a'.repeat(TEXT_LIMITS.reason + 50), TEXT_LIMITS.reason)).toHaveLength(TEXT_LIMITS.reason);
  });

  it('inside a code fence, no value can close the fence', () => {
    expect(fencedText('```\n[x](https://evil.example)')).toBe('ˋˋˋ [x](https://evil.example)');
    expect(fencedBlock('a,b\n```\n~~~\nc')).toBe('a,b\nˋˋˋ\n˜˜˜\nc');
  });

  it('property: the result has no control characters, no line breaks, no unescaped markup, and keeps its bound', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 2, max: 200 }), (s, max) => {
        const out = markdownText(s, max);
        expect(out).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E]/);
        // Every markup character is preceded by an escaping backslash (an odd run of backslashes).
        for (const m of out.matchAll(/(\\*)([`*_[\]<>~])/g)) expect(m[1].length % 2).toBe(1);
        expect([...cleanText(s, max)].length).toBeLessThanOrEqual(max);
      }),
    );
  });
});
