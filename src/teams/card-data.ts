import { z } from 'zod/v4';
import type { ErrorCode } from '../core/errors';

/**
 * The fields card data (`action.data`) is made of, as zod schemas: each verb's schema (src/teams/verbs/) is built
 * from these, so a request id, a customer id or a flag is read the same way on every card. Card data is untrusted
 * and comes back as the templates wrote it: an empty string means "none".
 */

/**
 * A request id (and a customer id): a GUID. The one check of an id that comes from a card. Any 8-4-4-4-12 hex, as
 * zod 3's uuid() took it: zod 4's uuid() also wants the RFC 9562 version and variant digits.
 */
export const requestIdSchema = z.guid();

/** A text field: trimmed; empty, blank or not a string counts as absent (as the templates write "none"). */
function blankToUndefined(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * An optional text field (trimmed, absent when blank). `.optional()`: a field the card left out stays out of the
 * parsed data (zod 4 would add it as undefined).
 */
export const textField = z.unknown().transform(blankToUndefined).optional();

/** A toggle (`Input.Toggle` valueOn "true"): on only for the text "true". */
export const flagField = z.unknown().transform((v) => blankToUndefined(v) === 'true');

/**
 * An id field. A malformed one, or a missing required one, fails with `code`, which is what the person is shown:
 * an id that is not a GUID is answered exactly like an id that names nothing.
 */
export function idField(code: ErrorCode, required: true): z.ZodType<string, unknown>;
export function idField(code: ErrorCode, required?: false): z.ZodType<string | undefined, unknown>;
export function idField(code: ErrorCode, required = false): z.ZodType<string | undefined, unknown> {
  const id = z.unknown().transform((v, ctx) => {
    const text = blankToUndefined(v);
    if (text === undefined && !required) return undefined;
    if (text !== undefined && requestIdSchema.safeParse(text).success) return text;
    ctx.addIssue({ code: 'custom', message: text === undefined ? 'missing id' : 'malformed id', params: { code } });
    return z.NEVER;
  });
  // As textField: an optional id the card left out stays out of the parsed data.
  return required ? id : id.optional();
}

/** `requestId` on a card that must name a request. */
export const requiredRequestId = idField('REQUEST_NOT_FOUND', true);
/** `requestId` on a card that may name one (the form of a new request carries ""). */
export const optionalRequestId = idField('REQUEST_NOT_FOUND');

/** The error code a failed parse of card data is answered with (the field's own, else VALIDATION_FAILED). */
export function cardDataErrorCode(error: z.ZodError): ErrorCode {
  for (const issue of error.issues) {
    const code = issue.code === 'custom' ? (issue.params as { code?: ErrorCode } | undefined)?.code : undefined;
    if (code) return code;
  }
  return 'VALIDATION_FAILED';
}
