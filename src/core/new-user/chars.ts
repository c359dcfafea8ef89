/**
 * Character classes shared by the server checks and the card regexes. They are spelled out as `\uXXXX` ranges
 * (not `\s`) because Teams renders cards on desktop (JavaScript), Android (java.util.regex) and iOS (ICU), and
 * `\s` means a different set on each; an explicit class means the same everywhere.
 */

/** Exactly what `String.prototype.trim` strips (ECMAScript WhiteSpace + LineTerminator); a unit test proves it. */
export const TRIM_CLASS = '\\u0009-\\u000d\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';

/** C0 controls, DEL and C1 controls: never meaningful in a name or a ticket, and they break logs and cards. */
export const CONTROL_CLASS = '\\u0000-\\u001f\\u007f-\\u009f';

export const CONTROL = new RegExp(`[${CONTROL_CLASS}]`);

/**
 * Invisible format characters that hide or reorder text: the Arabic letter mark, zero-width space, LRM/RLM, bidi
 * embeddings, overrides and isolates, word joiner and invisible operators, and a BOM inside a value. The cards
 * strip them (src/core/text/people-text.ts), so a name holding one would show on the confirmation and on the
 * approver's card as other than what Partner Center creates in the customer's directory ("Johnson\u202Enimda" is
 * "Johnsonnimda" on the card, "Johnsonadmin" in Outlook). The zero-width joiner and non-joiner stay allowed:
 * emoji sequences and several scripts (Persian, Indic) need them.
 */
export const HIDDEN_CLASS = '\\u061c\\u200b\\u200e\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff';

/**
 * Unicode tag characters (U+E0000–U+E007F): invisible copies of ASCII, used to smuggle text that a person does not
 * see but a program (a directory, a search, a language model) reads ("ASCII smuggling"). Astral, so they cannot go
 * into a character class without the `u` flag, which the card patterns do without (card-patterns.ts): this is the
 * surrogate-pair alternative, to add beside a class with `|`. It stops at U+E007F: the variation selectors
 * supplement right after (U+E0100–U+E01EF, \udb40[\udd00-\uddef]) is what Japanese names use for ideographic
 * variation sequences, and stays allowed. The only other use of tags, the flags of England, Scotland and Wales
 * (a black flag followed by tags), is refused with them: a flag is no part of a name, and a tag run can hide text.
 */
export const TAG_ALTERNATIVE = '\\udb40[\\udc00-\\udc7f]';

/** A control, hidden format or tag character: refused in names and tickets (what a person types that a card shows). */
export const UNSHOWN = new RegExp(`[${CONTROL_CLASS}${HIDDEN_CLASS}]|${TAG_ALTERNATIVE}`);

const NAMED: Readonly<Record<string, string>> = {
  ' ': 'a space',
  '\t': 'a tab',
  '\n': 'a line break',
  '\r': 'a line break',
  '\u00a0': 'a non-breaking space',
  '"': 'a double quote (")',
};

/**
 * A character as a person can recognise it in an error message. Invisible ones get a name or a code point,
 * because quoting an invisible character tells nobody anything.
 */
export function describeCharacter(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const point = ch.codePointAt(0) ?? 0;
  if (point >= 0xe0000 && point <= 0xe007f) return `an invisible tag character (U+${point.toString(16).toUpperCase()})`;
  if (/[\p{C}\p{Z}]/u.test(ch)) {
    const hex = (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    return `an invisible character (U+${hex})`;
  }
  return `“${ch}”`;
}
