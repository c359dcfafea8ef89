import { userNameProblem } from '../new-user/upn';

/**
 * The user-name format of a template: literal text with placeholders, e.g. `{first}.{last}`, `{f}{last}`,
 * `{first}{l}`, `{first}`, `{last}.{first}`. Names are folded to what a UPN can hold (accents dropped, ß → ss,
 * ø → o, æ → ae …), spaces and apostrophes removed, hyphens kept, lower-cased; the result must pass the same UPN
 * rules as a typed user name (new-user/upn.ts), so a template can never produce a name the form would refuse.
 */
export const FORMAT_TOKENS = {
  first: 'the first name',
  last: 'the last name',
  f: 'the first letter of the first name',
  l: 'the first letter of the last name',
} as const;
export type FormatToken = keyof typeof FORMAT_TOKENS;

export type FormatPart = { kind: 'token'; token: FormatToken } | { kind: 'text'; text: string };

export const FORMAT_MAX = 64;
/** Literal text between placeholders: characters a user name may hold, lower case (the result is lower case). */
const LITERAL = /^[a-z0-9'.\-_!#^~]+$/;

/** Letters that Unicode decomposition does not turn into ASCII, spelled the way address books usually spell them. */
const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  ø: 'o',
  Ø: 'o',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  þ: 'th',
  Þ: 'th',
  ł: 'l',
  Ł: 'l',
  ı: 'i',
  ħ: 'h',
  Ħ: 'h',
  ŋ: 'n',
  Ŋ: 'n',
  ĸ: 'k',
  ŀ: 'l',
  Ŀ: 'l',
};

/** Apostrophes and spaces of every kind: dropped, so "O'Brien" → obrien and "Mary Ann" → maryann. */
const DROPPED = /[\s'’ʼ‘`´\u00a0\u200b-\u200d\u2060\ufeff]/gu;
const HYPHENS = /[\u2010-\u2015\u2212\u00ad-]/gu;

/**
 * A name as it can appear in a user name: folded to ASCII letters, digits and single hyphens, lower case. Anything
 * else (a letter of a script with no Latin spelling, punctuation) is dropped; the caller sees an empty result
 * and asks the person to type the user name.
 */
export function foldName(name: string): string {
  const special = [...name].map((ch) => SPECIAL[ch] ?? ch).join('');
  const ascii = special
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(DROPPED, '')
    .replace(HYPHENS, '-')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '');
  return ascii.replace(/-{2,}/g, '-').replace(/^-+|-+$/g, '');
}

/** Splits a format into placeholders and literal text, or says what is wrong with it. */
export function parseUserNameFormat(format: string): { ok: true; parts: FormatPart[] } | { ok: false; problem: string } {
  const text = format.trim();
  if (text === '') return { ok: false, problem: 'Enter a user-name format, for example {first}.{last}.' };
  if (text.length > FORMAT_MAX) return { ok: false, problem: `The user-name format can have at most ${FORMAT_MAX} characters.` };
  const parts: FormatPart[] = [];
  const re = /\{([^{}]*)\}|([^{}]+)|([{}])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[3]) return { ok: false, problem: 'A "{" or "}" in the user-name format has no partner.' };
    if (m[1] !== undefined) {
      const token = m[1].trim().toLowerCase();
      if (!(token in FORMAT_TOKENS)) return { ok: false, problem: `{${m[1]}} is not a placeholder: use ${Object.keys(FORMAT_TOKENS).map((t) => `{${t}}`).join(', ')}.` };
      parts.push({ kind: 'token', token: token as FormatToken });
    } else {
      if (!LITERAL.test(m[2])) return { ok: false, problem: `"${m[2]}" can't be part of a user name: between placeholders use lower-case letters, digits and ' . - _ ! # ^ ~ only.` };
      parts.push({ kind: 'text', text: m[2] });
    }
  }
  if (!parts.some((p) => p.kind === 'token')) return { ok: false, problem: 'The user-name format needs at least one placeholder, for example {first}.{last}.' };
  return { ok: true, parts };
}

/**
 * The user name a format gives for a person, validated against the UPN rules; `problem` when the format is bad,
 * a name folds to nothing (a script with no Latin spelling) or the result breaks a UPN rule.
 */
export function applyUserNameFormat(format: string, names: { firstName: string; lastName: string }): { ok: true; userName: string } | { ok: false; problem: string } {
  const parsed = parseUserNameFormat(format);
  if (!parsed.ok) return parsed;
  const first = foldName(names.firstName);
  const last = foldName(names.lastName);
  const value: Record<FormatToken, string> = { first, last, f: first.slice(0, 1), l: last.slice(0, 1) };
  for (const p of parsed.parts) {
    if (p.kind === 'token' && value[p.token] === '') {
      const which = p.token === 'first' || p.token === 'f' ? 'first' : 'last';
      return { ok: false, problem: `The ${which} name has no letters a user name can hold; type the user name.` };
    }
  }
  const userName = parsed.parts.map((p) => (p.kind === 'token' ? value[p.token] : p.text)).join('');
  const problem = userNameProblem(userName);
  return problem ? { ok: false, problem } : { ok: true, userName };
}

/** Whether a format can give a valid user name at all: tried with a plain sample name. */
export function userNameFormatProblem(format: string): string | undefined {
  const sample = applyUserNameFormat(format, { firstName: 'Ada', lastName: 'Lovelace' });
  return sample.ok ? undefined : sample.problem;
}
