import { randomInt as cryptoRandomInt } from 'node:crypto';

/**
 * The Microsoft Entra password policy (see partner-center-contract.md): 8–256 characters, at least three of
 * lowercase, uppercase, digits and symbols, symbols from a fixed set (space included), nothing else.
 */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
export const PASSWORD_SYMBOLS = "@#$%^&*-_!+=[]{}|\\:',.?/`~\"();<> ";

const CLASSES = [
  { name: 'lowercase letters', test: (c: string) => c >= 'a' && c <= 'z' },
  { name: 'uppercase letters', test: (c: string) => c >= 'A' && c <= 'Z' },
  { name: 'digits', test: (c: string) => c >= '0' && c <= '9' },
  { name: 'symbols', test: (c: string) => PASSWORD_SYMBOLS.includes(c) },
];

/** The problem with a password, or undefined when Entra will accept it. Never echoes the password. */
export function passwordProblem(password: string): string | undefined {
  const chars = [...password];
  if (chars.length < PASSWORD_MIN) return `The password needs at least ${PASSWORD_MIN} characters.`;
  if (chars.length > PASSWORD_MAX) return `The password can have at most ${PASSWORD_MAX} characters.`;
  const bad = chars.find((c) => !CLASSES.some((k) => k.test(c)));
  if (bad !== undefined) return 'The password contains a character Microsoft Entra does not allow: use letters A–Z, digits and the symbols @ # $ % ^ & * - _ ! + = [ ] { } | \\ : \' , . ? / ` ~ " ( ) ; < > or a space.';
  const kinds = CLASSES.filter((k) => chars.some((c) => k.test(c)));
  if (kinds.length < 3) {
    const missing = CLASSES.filter((k) => !kinds.includes(k)).map((k) => k.name);
    return `The password needs at least three kinds of characters; add ${missing.join(' or ')}.`;
  }
  return undefined;
}

// Ambiguous characters (0 O o, 1 l I) are left out so a password read off a screen is typed right the first time;
// symbols are limited to ones that survive copy-paste, URLs and shells.
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';
const SYMBOLS = '!#%+=?@*-';
export const GENERATED_ALPHABET = LOWER + UPPER + DIGITS + SYMBOLS;

export interface GenerateOptions {
  length?: number;
  /** Uniform integer in [0, maxExclusive); crypto.randomInt by default. */
  randomInt?: (maxExclusive: number) => number;
}

/** A cryptographically random password with all four kinds of characters, shuffled without bias. */
export function generatePassword(options: GenerateOptions = {}): string {
  const length = options.length ?? 16;
  if (length < 12 || length > PASSWORD_MAX) throw new RangeError('generated passwords are 12 to 256 characters');
  const rnd = options.randomInt ?? ((max: number) => cryptoRandomInt(max));
  const pick = (set: string) => set[rnd(set.length)];
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(GENERATED_ALPHABET));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = rnd(i + 1);
    [chars[i], chars[j]] = [chars[j], chars[i]];
  }
  return chars.join('');
}
