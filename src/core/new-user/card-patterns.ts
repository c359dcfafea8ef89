import { CONTROL_CLASS, HIDDEN_CLASS, TAG_ALTERNATIVE, TRIM_CLASS } from './chars';
import { COUNTRIES } from './countries';
import { DISPLAY_NAME_MAX, IMMUTABLE_ID_MAX, NAME_MAX, TICKET_MAX } from './names';
import { PASSWORD_MAX, PASSWORD_MIN, PASSWORD_SYMBOLS } from './password';
import { UPN_LOCAL_MAX, USER_NAME_CLASS } from './upn';

/*
 * The regexes the Adaptive Card inputs apply client-side (`regex`), built from the same constants as the server
 * checks. The server trims a typed value before checking it, so each pattern accepts surrounding whitespace and
 * applies the rule to what is inside: pattern.test(raw) is true exactly when the server accepts raw.trim()
 * (test/unit/core/new-user/card-patterns.test.ts proves it with generated input). The password is not trimmed.
 *
 * Server-only, because a regex cannot express them sensibly: the password's three-of-four rule, the whole-UPN
 * length (it needs the domain), the immutable id's weighted length (non-alphanumerics count three), and the
 * "ticket required" switch (the card sets isRequired for that). Patterns use no flags, no `\s`, no lookbehind
 * and no property escapes, so the desktop (JavaScript), Android (Java) and iOS (ICU) engines agree; lengths are
 * UTF-16 code units, as the server's `.length` counts them.
 */

const WS = `[${TRIM_CLASS}]*`;
const trimmed = (core: string) => `^${WS}${core}${WS}$`;

/**
 * 1..max characters without controls, hidden format or tag characters (the server's UNSHOWN) that neither start
 * nor end with whitespace (what trim leaves). A tag character is a surrogate pair, which a class without the `u`
 * flag sees as two code units, so each unit is first checked not to start one (a lookahead, which every engine
 * has). That holds where the engine matches code units, as JavaScript without `u` does (desktop and web); Java
 * and ICU match a pair as one code point, so there the lookahead never matches and the server alone refuses it.
 */
function text(max: number): string {
  const notTag = `(?!${TAG_ALTERNATIVE})`;
  const edge = `${notTag}[^${TRIM_CLASS}${CONTROL_CLASS}${HIDDEN_CLASS}]`;
  return `(?:${edge}|${edge}(?:${notTag}[^${CONTROL_CLASS}${HIDDEN_CLASS}]){0,${max - 2}}${edge})`;
}

/** User name: allowed characters in dot-separated runs (no leading, trailing or double dot), 1..64 in all. */
function userName(): string {
  const run = `[${USER_NAME_CLASS.replace('.', '')}]+`;
  return trimmed(`(?=[${USER_NAME_CLASS}]{1,${UPN_LOCAL_MAX}}${WS}$)${run}(?:\\.${run})*`);
}

/** The country codes of the picker, either case, grouped by first letter to stay short. */
function usageLocation(): string {
  const byFirst = new Map<string, string[]>();
  for (const code of COUNTRIES.map((c) => c.code).sort()) byFirst.set(code[0], [...(byFirst.get(code[0]) ?? []), code[1]]);
  const both = (c: string) => `${c}${c.toLowerCase()}`;
  const groups = [...byFirst].map(([first, seconds]) => `[${both(first)}][${seconds.map(both).join('')}]`);
  return trimmed(`(?:${groups.join('|')})`);
}

/** Letters, digits and the policy's symbols; only `\ ] [ ^ -` need escaping inside a character class. */
function password(): string {
  const symbols = PASSWORD_SYMBOLS.replace(/[\\\]\[^-]/g, '\\$&');
  return `^[A-Za-z0-9${symbols}]{${PASSWORD_MIN},${PASSWORD_MAX}}$`;
}

export const CARD_PATTERNS = {
  /** First and last name: 1–64 characters, no control characters. */
  name: trimmed(text(NAME_MAX)),
  /** Display name: empty (defaults to "First Last") or 1–256 characters, no control characters. */
  displayName: trimmed(`${text(DISPLAY_NAME_MAX)}?`),
  userName: userName(),
  usageLocation: usageLocation(),
  /** Empty or 1–59 characters without "$", "_", whitespace or controls (the weighted length is server-only). */
  immutableId: trimmed(`[^$_${TRIM_CLASS}${CONTROL_CLASS}]{0,${IMMUTABLE_ID_MAX}}`),
  /** 8–256 allowed characters (the three-of-four rule is server-only). */
  password: password(),
  /** Empty or 1–64 characters without control characters (isRequired makes it mandatory when configured). */
  ticket: trimmed(`${text(TICKET_MAX)}?`),
} as const;

export type CardPatternName = keyof typeof CARD_PATTERNS;
