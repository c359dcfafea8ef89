import { z } from 'zod/v4';

/**
 * The few zod 3 behaviours the schemas keep after their move to zod/v4 (issue 16: zod 4 parses the same schemas
 * about three times faster). Nothing here is needed for speed; it keeps what people, logs and callers see the same.
 */

/**
 * zod 3's English message for an issue zod 4 raised: "Required", "Expected number, received nan", "String must
 * contain at most 64 character(s)" instead of zod 4's "Invalid input: expected string, received undefined" and so
 * on. A parse whose messages reach a person or a log (the configuration, the template form, the SSO claims, the
 * sandbox's seed and control routes) passes it as its `error`; a message a schema sets itself still wins.
 */
export const zod3Messages: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required';
      // zod 4 refuses ±Infinity as a number (zod 3 took it unless `.finite()` was asked for, with this message).
      if (issue.expected === 'number' && typeof issue.input === 'number' && !Number.isNaN(issue.input)) return 'Number must be finite';
      if (issue.expected === 'int') return 'Expected integer, received float';
      return `Expected ${issue.expected === 'record' ? 'object' : issue.expected}, received ${parsedType(issue.input)}`;
    case 'invalid_value':
      if (schemaType(issue.inst) === 'literal') return `Invalid literal value, expected ${JSON.stringify(issue.values[0])}`;
      return enumMessage(issue.values, issue.input);
    case 'invalid_union':
      if (issue.note === 'No matching discriminator') return `Invalid discriminator value. Expected ${joinValues(discriminatorValues(issue.inst))}`;
      return 'Invalid input';
    case 'unrecognized_keys':
      return `Unrecognized key(s) in object: ${joinValues(issue.keys, ', ')}`;
    case 'invalid_format':
      return formatMessage(issue);
    case 'too_small': {
      const { minimum: min, inclusive, exact } = issue;
      if (issue.origin === 'array') return `Array must contain ${exact ? 'exactly' : inclusive ? 'at least' : 'more than'} ${min} element(s)`;
      if (issue.origin === 'string') return `String must contain ${exact ? 'exactly' : inclusive ? 'at least' : 'over'} ${min} character(s)`;
      if (issue.origin === 'number' || issue.origin === 'int') return `Number must be ${exact ? 'exactly equal to ' : inclusive ? 'greater than or equal to ' : 'greater than '}${min}`;
      return 'Invalid input';
    }
    case 'too_big': {
      const { maximum: max, inclusive, exact } = issue;
      if (issue.origin === 'array') return `Array must contain ${exact ? 'exactly' : inclusive ? 'at most' : 'less than'} ${max} element(s)`;
      if (issue.origin === 'string') return `String must contain ${exact ? 'exactly' : inclusive ? 'at most' : 'under'} ${max} character(s)`;
      if (issue.origin === 'number' || issue.origin === 'int') return `Number must be ${exact ? 'exactly' : inclusive ? 'less than or equal to' : 'less than'} ${max}`;
      return 'Invalid input';
    }
    case 'not_multiple_of':
      return `Number must be a multiple of ${issue.divisor}`;
    default:
      return 'Invalid input';
  }
};

function enumMessage(values: readonly unknown[], input: unknown): string {
  if (input === undefined) return 'Required';
  if (typeof input !== 'string') return `Expected ${joinValues(values)}, received ${parsedType(input)}`;
  return `Invalid enum value. Expected ${joinValues(values)}, received '${input}'`;
}

/**
 * `z.enum(values)` whose message lists the values in their order, as zod 3's did. zod 4 keeps them as an object's
 * keys, so texts that read as numbers ('1', '0') come first in its list.
 */
export function zod3Enum<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: (issue) => (issue.code === 'invalid_value' ? enumMessage(values, issue.input) : undefined) });
}

function formatMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidStringFormat>): string {
  switch (issue.format) {
    case 'regex':
      return 'Invalid';
    case 'starts_with':
      return `Invalid input: must start with "${(issue as { prefix?: string }).prefix}"`;
    case 'ends_with':
      return `Invalid input: must end with "${(issue as { suffix?: string }).suffix}"`;
    case 'includes':
      return `Invalid input: must include "${(issue as { includes?: string }).includes}"`;
    // zod 3 had one uuid check, which is zod 4's guid (any 8-4-4-4-12 hex).
    case 'guid':
      return 'Invalid uuid';
    default:
      return `Invalid ${issue.format}`;
  }
}

/** zod 3's name for the type of a value it refused (`nan`, `null`, `array`...). */
function parsedType(v: unknown): string {
  if (typeof v === 'number') return Number.isNaN(v) ? 'nan' : 'number';
  if (typeof v !== 'object') return typeof v;
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const thenable = v as { then?: unknown; catch?: unknown };
  if (typeof thenable.then === 'function' && typeof thenable.catch === 'function') return 'promise';
  if (v instanceof Map) return 'map';
  if (v instanceof Set) return 'set';
  if (v instanceof Date) return 'date';
  return 'object';
}

function joinValues(values: readonly unknown[], separator = ' | '): string {
  return values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v))).join(separator);
}

function schemaType(inst: unknown): string | undefined {
  return (inst as { _zod?: { def?: { type?: string } } } | undefined)?._zod?.def?.type;
}

function discriminatorValues(inst: unknown): unknown[] {
  const def = (inst as { _zod?: { def?: { discriminator?: string }; propValues?: Record<string, Set<unknown>> } } | undefined)?._zod;
  const key = def?.def?.discriminator;
  return key && def?.propValues?.[key] ? [...def.propValues[key]] : [];
}

/**
 * zod 3's `.int()` on `n`: any integer, and the value's later checks (`.min()`, `.max()`) still run when it fails.
 * zod 4's `.int()` refuses integers past 2^53 − 1 and stops there.
 */
export function integer<T extends z.ZodNumber | z.ZodCoercedNumber>(n: T): T {
  return n.refine(Number.isInteger, 'Expected integer, received float') as T;
}

/**
 * The issues zod 3 would have raised for the same input. zod 4 also runs a length check (`min`, `max`, `length`,
 * `nonempty`) on a value of the wrong type that has a length (an array where a string belongs), a second issue at
 * the path of the first; zod 3 stopped at the type. For the messages and logs that list issues or their paths.
 */
export function zod3Issues(error: z.ZodError): z.core.$ZodIssue[] {
  const wrongType = new Set<string>();
  return error.issues.filter((i) => {
    const path = JSON.stringify(i.path);
    if (i.code === 'invalid_type') wrongType.add(path);
    return !((i.code === 'too_small' || i.code === 'too_big') && wrongType.has(path));
  });
}

/**
 * A URL as text, as zod 3's `.url()` took it: any string `new URL` accepts, kept as written. zod 4's `.url()`
 * gives back the parsed `href` instead (host lower-cased, spaces escaped, a slash added), which would change the
 * configured base URLs and the sign-in links the bot passes on.
 */
export function urlText(): z.ZodString {
  return z.string().refine(canParseUrl, 'Invalid url');
}

function canParseUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * zod 3's `.datetime({ offset: true })`: an ISO date and time with `Z` or an offset, its colon optional (zod 4
 * requires `+01:00`; zod 3 also took `+0100`). The date part checks month lengths and leap years, as both do.
 */
export function dateTimeWithOffset(): z.ZodString {
  return z.string().regex(DATE_TIME_WITH_OFFSET, 'Invalid datetime');
}

const DATE =
  '((\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\\d|3[01])|(0[469]|11)-(0[1-9]|[12]\\d|30)|(02)-(0[1-9]|1\\d|2[0-8])))';
const DATE_TIME_WITH_OFFSET = new RegExp(`^${DATE}T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d+)?)?(Z|([+-]\\d{2}:?\\d{2}))$`);
