/**
 * People's text (display names, tickets, company names, rejection reasons: anything typed by someone or read from
 * upstream) on its way into markdown, in Adaptive Card TextBlocks and facts and in chat messages. It must show
 * as the text it is: no bold, no list, no link it did not ask the bot for, no line breaks that fake a new line of
 * the card, no control or direction-override characters that hide or reorder what is shown, and not longer
 * than the place it goes to.
 */
import { HIDDEN_CLASS, TAG_ALTERNATIVE } from '../new-user/chars';

/**
 * Usual bounds, in characters. `upn`: a user name is never cut. Entra allows 113 characters in all (64 before the
 * @, 48 after), but user names read from a directory are not ours to bound: 113 before the @ and a 256-character
 * domain still show whole.
 */
export const TEXT_LIMITS = { name: 120, short: 256, reason: 500, upn: 370 } as const;

// C0 and C1 controls except the breaks below, DEL, and the invisible format characters that reorder or hide text
// (HIDDEN_CLASS: the same list names and tickets are refused for at input, so cards strip exactly what input
// refuses), and the invisible tag characters that smuggle hidden text (TAG_ALTERNATIVE). The zero-width joiner
// stays: emoji need it.
const CONTROL = new RegExp(`[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${HIDDEN_CLASS}]|${TAG_ALTERNATIVE}`, 'g');
// Line and paragraph breaks become one space: in markdown a break starts a new block (a list item, a quote).
const BREAKS = /[\t\n\r\u000B\u000C\u0085\u2028\u2029]+/g;
// The characters that make inline markup in Teams' markdown (emphasis, code, strike-through, links and images
// need a bracket, autolinks and tags an angle bracket). Escaped with a backslash (CommonMark), each shows as
// itself; dots, hyphens and parentheses stay bare, so names and user names read normally.
const MARKUP = /[\\`*_[\]<>~]/g;
// Block markup only counts at the start of a block, which is where a value can land (breaks are gone already):
// a heading, a quote, a list item.
const LEADING_MARK = /^(#{1,6}|[-+])(?=\s|$)/;
const LEADING_NUMBER = /^(\d{1,9})([.)])(?=\s|$)/;

/** Removes controls, folds breaks and space runs into one space, trims, and bounds the length (with an ellipsis). */
export function cleanText(value: unknown, max: number = TEXT_LIMITS.short): string {
  if (value === undefined || value === null) return '';
  // Lone surrogates (half an emoji, cut by someone else's truncation) become U+FFFD, as String#toWellFormed does.
  let s = String(value).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  s = s.replace(BREAKS, ' ').replace(CONTROL, '').replace(/ {2,}/g, ' ').trim();
  // UTF-16 length bounds the count of code points from above: only a string longer than `max` units can be over
  // (spreading every value into code points was most of this function's time under load, issue 16).
  if (s.length > max) {
    const points = [...s];
    if (points.length > max) s = `${points.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
  }
  return s;
}

/** `cleanText`, then markdown-escaped: safe to put anywhere in a TextBlock, a fact or a markdown message. */
export function markdownText(value: unknown, max: number = TEXT_LIMITS.short): string {
  return cleanText(value, max)
    .replace(MARKUP, (c) => `\\${c}`)
    .replace(LEADING_MARK, '\\$1')
    .replace(LEADING_NUMBER, '$1\\$2');
}

/** A user name on its way into markdown: as `markdownText`, and never cut (`TEXT_LIMITS.upn`). */
export function upnText(upn: unknown): string {
  return markdownText(upn, TEXT_LIMITS.upn);
}

/**
 * For text inside a fenced code block (the CSV of `history csv`): nothing there is markdown, but a run of
 * backticks or tildes could close the fence and turn the rest of the message into markdown again. Those become
 * the look-alike U+02CB (ˋ) and U+02DC (˜); controls and breaks go as in `cleanText`.
 */
export function fencedText(value: unknown, max: number = TEXT_LIMITS.reason): string {
  return cleanText(value, max).replace(/`/g, '\u02CB').replace(/~/g, '\u02DC');
}

/**
 * A whole block of lines for a fenced code block (the CSV of `history csv`): each line as `fencedText` leaves a
 * value (controls gone, no backtick or tilde that could close the fence), the line breaks kept.
 */
export function fencedBlock(block: string): string {
  return block
    .split(/\r?\n/)
    .map((line) => line.replace(CONTROL, '').replace(/[\t\r\u000B\u000C\u0085\u2028\u2029]/g, ' ').replace(/`/g, '\u02CB').replace(/~/g, '\u02DC'))
    .join('\n');
}
