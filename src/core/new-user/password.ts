import { randomInt as cryptoRandomInt } from 'node:crypto';
import type { FieldIssue } from '../errors';
import { describeCharacter } from './chars';

/**
 * The Microsoft Entra password policy (partner-center-contract.md): 8–256 characters, at least three of
 * lowercase, uppercase, digits and symbols; symbols from a fixed set that, with the space, is every printable
 * ASCII punctuation mark; nothing else (no accented letters, no emoji, no controls).
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const PASSWORD_SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";

const CLASSES = [
  { name: 'a lowercase letter', test: (c: string) => c >= 'a' && c <= 'z' },
  { name: 'an uppercase letter', test: (c: string) => c >= 'A' && c <= 'Z' },
  { name: 'a digit', test: (c: string) => c >= '0' && c <= '9' },
  { name: 'a symbol', test: (c: string) => PASSWORD_SYMBOLS.includes(c) },
];

/**
 * The problem with a password, or undefined when Entra will accept it. Lengths count code points, so an emoji
 * is one character (and refused for what it is, not for the length). The message names at most the one
 * character that is not allowed, always a non-ASCII or invisible one: it never repeats the password.
 */
export function passwordProblem(password: string): string | undefined {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN) return `The password is too short: it needs at least ${PASSWORD_MIN} characters.`;
  if (chars.length > PASSWORD_MAX) return `The password is too long: it can have at most ${PASSWORD_MAX} characters.`;
  const bad = chars.find((c) => !CLASSES.some((k) => k.test(c)));
  if (bad !== undefined) {
    return `The password can't contain ${describeCharacter(bad)}. Use English letters, digits, spaces and the symbols of a US keyboard.`;
  }
  const missing = CLASSES.filter((k) => !chars.some((c) => k.test(c)));
  if (missing.length > 1) {
    return `The password needs at least three kinds of characters (lowercase, uppercase, digits, symbols): add ${missing.map((k) => k.name).join(' or ')}.`;
  }
  return undefined;
}

/** The password policy as a card-field issue on `password`. */
export function checkPassword(password: string): FieldIssue[] {
  const message = passwordProblem(password);
  return message ? [{ field: 'password', message }] : [];
}

// The generator's alphabet. Ambiguous characters (0 O o, 1 l I) are left out so a password read off a screen is
// typed right the first time. Symbols are kept to a few that exist on every common keyboard layout, mean nothing
// to shells, URLs or CSV, and are not Markdown: "*" "_" "`" "[" would restyle the password if a Teams client
// falls back from the code block to a text block.
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#%+=?@-';
export const GENERATED_ALPHABET = LOWER + UPPER + DIGITS + SYMBOLS;
/** Below 12, a generated password is weaker than the policy minimum suggests; 16 gives about 95 bits. */
export const GENERATED_MIN = 12;
export const GENERATED_DEFAULT = 16;

export interface GenerateOptions {
  /** Integer in 12..256; 16 by default. */
  length?: number;
  /** Uniform integer in [0, maxExclusive); `crypto.randomInt` (unbiased, CSPRNG) by default. Tests inject one. */
  randomInt?: (maxExclusive: number) => number;
}

/**
 * A random password with all four kinds of characters: one of each kind, the rest from the whole alphabet,
 * then a Fisher–Yates shuffle so the guaranteed characters sit anywhere. Every draw is one `randomInt(n)`
 * call, so there is no modulo bias.
 */
export function generatePassword(options: GenerateOptions = {}): string {
  const length = options.length ?? GENERATED_DEFAULT;
  if (!Number.isInteger(length) || length < GENERATED_MIN || length > PASSWORD_MAX) {
    throw new RangeError(`generated passwords are ${GENERATED_MIN} to ${PASSWORD_MAX} characters`);
  }
  const source = options.randomInt ?? ((max: number) => cryptoRandomInt(max));
  const rnd = (max: number) => {
    const n = source(max);
    if (!Number.isInteger(n) || n < 0 || n >= max) throw new RangeError(`randomInt(${max}) returned ${n}`);
    return n;
  };
  const pick = (set: string) => set[rnd(set.length)];
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(GENERATED_ALPHABET));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
