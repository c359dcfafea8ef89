import fc from 'fast-check';

/** Shared generators for the new-user rule tests (not a test file itself: no `.test.ts`). */

export const USER_NAME_NON_DOT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'-_!#^~";

/** Everything String.prototype.trim strips, so tests can pad values the way a person's paste does. */
export const TRIM_CHARS = ['\t', '\n', '\u000b', '\f', '\r', ' ', '\u00a0', '\u1680', '\u2000', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff'];

const chars = (s: string) => fc.constantFrom(...s.split(''));

/** A user name made of runs of allowed characters joined by single dots, 1..64 long. */
export const validUserName = fc
  .array(fc.string({ unit: chars(USER_NAME_NON_DOT), minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 6 })
  .map((runs) => runs.join('.'))
  .filter((s) => s.length <= 64);

const label = fc
  .tuple(chars('abcdefghijklmnopqrstuvwxyz0123456789'), fc.string({ unit: chars('abcdefghijklmnopqrstuvwxyz0123456789-'), maxLength: 10 }), chars('abcdefghijklmnopqrstuvwxyz0123456789'))
  .map(([a, mid, z]) => `${a}${mid}${z}`);
const tld = fc.string({ unit: chars('abcdefghijklmnopqrstuvwxyz'), minLength: 2, maxLength: 6 });

/** A DNS name of 2..4 labels whose last label is alphabetic, at most 48 characters, in mixed case. */
export const validDomain = fc
  .tuple(fc.array(fc.oneof(label, chars('abcdefghijklmnopqrstuvwxyz0123456789')), { minLength: 1, maxLength: 3 }), tld, fc.boolean())
  .map(([labels, top, upper]) => {
    const d = [...labels, top].join('.');
    return upper ? d.toUpperCase() : d;
  })
  .filter((d) => d.length <= 48);

/** Whitespace that trim removes, 0..3 characters. */
export const padding = fc.string({ unit: fc.constantFrom(...TRIM_CHARS), maxLength: 3 });

/**
 * Strings that probe a rule's edges: a mix of `good` and `bad` characters, clean strings of `good` characters
 * with lengths around `max`, the same with one `bad` character inserted, and short arbitrary Unicode.
 */
export function edgyString(good: string[], bad: string[], max: number): fc.Arbitrary<string> {
  const clean = fc.string({ unit: fc.constantFrom(...good), minLength: Math.max(0, max - 3), maxLength: max + 3 });
  return fc.oneof(
    fc.string({ unit: fc.constantFrom(...good, ...bad), maxLength: max + 3 }),
    clean,
    fc.tuple(clean, fc.constantFrom(...bad), fc.nat()).map(([s, b, at]) => {
      const i = at % (s.length + 1);
      return s.slice(0, i) + b + s.slice(i);
    }),
    fc.string({ unit: 'binary', maxLength: Math.min(max + 3, 80) }),
  );
}
