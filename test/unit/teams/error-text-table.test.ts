import { ERROR_CODES } from '../../../src/core/errors';
import { ERROR_TEXT } from '../../../src/teams/error-text';

/**
 * The one table from code to words (src/teams/error-text.ts): every code has an entry that says what went wrong and
 * what to do, in words a helpdesk engineer can act on. The type (Record<ErrorCode, …>) already demands an entry per
 * code at compile time; this also holds when a code is added to ERROR_CODES in a file the type checker skips, and
 * keeps the words from sliding back into "something went wrong".
 */
const VAGUE = /something went wrong|an error (?:has )?occurred|unknown error|unexpected problem|please try again later|contact support\b/i;

describe('the error text table', () => {
  it('has exactly one entry per error code', () => {
    expect(Object.keys(ERROR_TEXT).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES.map((c) => [c]))('%s: a title, what went wrong and what to do, none of them vague', (code) => {
    const t = ERROR_TEXT[code];
    expect(t.title.trim().length).toBeGreaterThan(3);
    expect(t.text.trim().length).toBeGreaterThan(20);
    expect(t.todo.trim().length).toBeGreaterThan(10);
    for (const words of [t.title, t.text, t.todo]) expect(words).not.toMatch(VAGUE);
    // The words never leak the code's own spelling: the code is shown beside them, once.
    expect(`${t.title} ${t.text} ${t.todo}`).not.toContain(code);
  });

  it('no two codes read the same, so a person can tell them apart', () => {
    const titles = ERROR_CODES.map((c) => ERROR_TEXT[c].title);
    expect(new Set(titles).size).toBe(titles.length);
    const texts = ERROR_CODES.map((c) => ERROR_TEXT[c].text);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('the failures Partner Center and Microsoft Graph share do not blame one of them', () => {
    for (const code of ['THROTTLED', 'UPSTREAM_TIMEOUT', 'UPSTREAM_INVALID_RESPONSE'] as const) {
      const t = ERROR_TEXT[code];
      expect(t.title).not.toMatch(/Partner Center|Graph/);
      expect(t.text).toContain('Partner Center');
      expect(t.text).toContain('Microsoft Graph');
    }
  });

  it('429, a server error and a timeout each read differently, and each says to wait and do the same again', () => {
    const transient = ['THROTTLED', 'PARTNER_CENTER_UNAVAILABLE', 'GRAPH_UNAVAILABLE', 'UPSTREAM_TIMEOUT'] as const;
    expect(new Set(transient.map((c) => ERROR_TEXT[c].title)).size).toBe(transient.length);
    for (const code of transient) expect(ERROR_TEXT[code].todo).toMatch(/^Wait a/);
    expect(ERROR_TEXT.THROTTLED.text).toContain('429');
  });
});
