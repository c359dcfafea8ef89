import { z as z3 } from 'zod';
import { z } from 'zod/v4';
import { dateTimeWithOffset, integer, urlText, zod3Enum, zod3Issues, zod3Messages } from '../../../src/core/zod3-compat';

/**
 * The schemas moved from zod 3 to zod/v4 (issue 16); these helpers keep what zod 3 did where people, logs or callers
 * see it. Checked against zod 3 itself (the same package still ships it): the same values accepted and kept, the
 * same messages at the same paths.
 */
type Outcome = { ok: true; data: unknown } | { ok: false; issues: string[] };
const before = (s: z3.ZodTypeAny, v: unknown): Outcome => {
  const r = s.safeParse(v);
  return r.success ? { ok: true, data: r.data } : { ok: false, issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
};
const now = (s: z.ZodType, v: unknown): Outcome => {
  const r = s.safeParse(v, { error: zod3Messages });
  return r.success ? { ok: true, data: r.data } : { ok: false, issues: zod3Issues(r.error).map((i) => `${i.path.join('.')}: ${i.message}`) };
};

const cases: Array<[name: string, old: z3.ZodTypeAny, current: z.ZodType, inputs: unknown[]]> = [
  ['string', z3.string(), z.string(), ['a', undefined, 5, null, NaN, [], {}, true]],
  ['number', z3.number(), z.number(), [1, 'x', NaN, undefined, null]],
  ['an integer in a range', z3.number().int().min(1).max(65535), integer(z.number()).min(1).max(65535), [80, 1.5, 0.5, 0, 70000, '80']],
  ['any integer', z3.number().int(), integer(z.number()), [2 ** 53, 1e20, -1e20, 2.5]],
  ['a coerced integer', z3.coerce.number().int().positive(), integer(z.coerce.number()).positive(), ['10000', 'ten', '0.5', '1e20']],
  ['a coerced positive number', z3.coerce.number().positive(), z.coerce.number().positive(), ['2', 'abc', '-1', '0', '']],
  ['a coerced bounded number', z3.coerce.number().min(0).max(168), z.coerce.number().min(0).max(168), ['24', '-1', '169']],
  ['enum', z3.enum(['true', 'false', '']), z.enum(['true', 'false', '']), ['true', 'maybe', 3, undefined, null]],
  ['enum of texts that read as numbers', z3.enum(['true', 'false', '1', '0', '']), zod3Enum(['true', 'false', '1', '0', '']), ['1', ' ', 2, undefined]],
  ['literal', z3.literal(429), z.literal(429), [429, 430, '429', undefined]],
  ['a union of literals', z3.union([z3.literal(429), z3.literal(500)]), z.union([z.literal(429), z.literal(500)]), [500, 501]],
  ['string lengths', z3.string().min(1).max(3), z.string().min(1).max(3), ['ab', '', 'abcd', [], ['a', 'b', 'c', 'd'], { length: 9 }]],
  ['an exact length', z3.string().length(4), z.string().length(4), ['abcd', 'abc', 'abcde']],
  ['a regex', z3.string().regex(/^[A-Z]{2}$/), z.string().regex(/^[A-Z]{2}$/), ['US', 'USA']],
  ['a regex with its message', z3.string().regex(/^[A-Z]{2}$/, 'a country code'), z.string().regex(/^[A-Z]{2}$/, 'a country code'), ['USA']],
  ['a prefix', z3.string().startsWith('/'), z.string().startsWith('/'), ['/v1', 'v1']],
  ['array sizes', z3.array(z3.string()).min(1).max(2), z.array(z.string()).min(1).max(2), [['a'], [], ['a', 'b', 'c'], 'a', 'abc', '']],
  ['an object of sized fields', z3.object({ id: z3.string().min(1), tags: z3.array(z3.string()).max(1) }), z.object({ id: z.string().min(1), tags: z.array(z.string()).max(1) }), [{ id: [], tags: 'ab' }, { id: '', tags: ['a', 'b'] }]],
  ['a non-empty array', z3.array(z3.string()).nonempty(), z.array(z.string()).nonempty(), [[], ['a']]],
  ['email', z3.string().email(), z.email(), ['ada@contoso-partner.example', 'ada', 'a@b', 'a..b@c.example', 'A.B+c@D-e.Example']],
  ['uuid (zod 4: guid)', z3.string().uuid(), z.guid(), ['22222222-0000-4000-8000-000000000001', '00000000-0000-0000-0000-000000000000', 'ABCDEF01-2345-6789-abcd-ef0123456789', 'x', '00000000-0000-0000-0000-00000000000']],
  ['url', z3.string().url(), urlText(), ['https://login.microsoftonline.com', 'https://EXAMPLE.com/a b', ' https://x.example/ ', 'http://127.0.0.1:3979', 'not a url', '', 'mailto:a@b.example']],
  [
    'datetime with offset',
    z3.string().datetime({ offset: true }),
    dateTimeWithOffset(),
    ['2026-01-05T08:00:00Z', '2026-01-05T08:00:00.1234567Z', '2026-01-05T08:00:00+01:00', '2026-01-05T08:00:00+0100', '2026-01-05T08:00Z', '2024-02-29T00:00:00Z', '2026-02-29T00:00:00Z', '2026-01-05T24:00:00Z', '2026-01-05 08:00:00Z', '2026-01-05T08:00:00', 7],
  ],
  ['an object', z3.object({ a: z3.string(), b: z3.number().optional() }), z.object({ a: z.string(), b: z.number().optional() }), [{ a: 'x' }, {}, { a: 1, b: 'y' }, [], null, 'x']],
  ['a strict object', z3.object({ a: z3.string() }).strict(), z.strictObject({ a: z.string() }), [{ a: 'x' }, { a: 'x', b: 1, c: 2 }]],
  ['a record', z3.record(z3.unknown()), z.record(z.string(), z.unknown()), [{ a: 1 }, 'x', []]],
  [
    'a discriminated union',
    z3.discriminatedUnion('kind', [z3.object({ kind: z3.literal('partner') }), z3.object({ kind: z3.literal('customer'), id: z3.string() })]),
    z.discriminatedUnion('kind', [z.object({ kind: z.literal('partner') }), z.object({ kind: z.literal('customer'), id: z.string() })]),
    [{ kind: 'partner' }, { kind: 'tenant' }, { kind: 'customer' }, 'x'],
  ],
  ['a refinement with its message', z3.string().refine((s) => s !== 'x', 'not x'), z.string().refine((s) => s !== 'x', 'not x'), ['y', 'x']],
];

describe('zod 3 behaviour kept on zod/v4', () => {
  it.each(cases)('%s: the same outcome and messages', (_name, old, current, inputs) => {
    for (const input of inputs) expect([input, now(current, input)]).toStrictEqual([input, before(old, input)]);
  });
});
