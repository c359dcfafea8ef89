import { AppError, type ErrorCode } from '../core/errors';
import { parseRetryAfterMs } from '../http/retry-policy';
import type { ResponseHeaders } from '../http/node-http-client';
import { graphErrorSchema } from './schemas';

/**
 * Microsoft Graph failures as AppErrors, through one table: HTTP status first, then Graph's `error.code`, then its
 * message. What a 403 means depends on the tenant: in the partner tenant it is our own app or user lacking a
 * permission (ACCESS_DENIED); in a customer tenant, reached through GDAP, it is the engineer's GDAP role falling
 * short (GDAP_ROLE_MISSING).
 */

/**
 * What the failed call was about: a 403 means a different thing in the partner tenant and in a customer's; a 404
 * names a group or a user of the customer (`group`, `customer-user`: customer-tenant calls too).
 */
export type GraphResource = 'partner-tenant' | 'relationship' | 'customer-tenant' | 'group' | 'customer-user';

export interface GraphFailure {
  status: number;
  code?: string;
  message: string;
  resource: GraphResource;
}

interface Rule {
  status: number | ((s: number) => boolean);
  codes?: string[];
  message?: RegExp;
  resource?: GraphResource[];
  to: ErrorCode;
}

export const GRAPH_ERROR_TABLE: readonly Rule[] = [
  // Conditional Access asking for MFA (AADSTS50076/50079), UNCONFIRMED wording: recognised by its text.
  { status: (s) => s === 401 || s === 403, message: /AADSTS5007[69]|multi-?factor|\bmfa\b/i, to: 'MFA_REQUIRED' },
  { status: 401, to: 'UNAUTHENTICATED' },
  { status: 403, resource: ['customer-tenant', 'group', 'customer-user'], to: 'GDAP_ROLE_MISSING' },
  // Distribution lists and mail-enabled security groups are Exchange's: Graph answers 400 with this sentence.
  { status: 400, message: /mail-enabled security group|distribution list/i, to: 'GROUP_NEEDS_EXCHANGE' },
  // A value Graph does not take (e.g. a usage location that is no ISO 3166 country code).
  { status: 400, message: /invalid value specified for property/i, to: 'INVALID_FIELD' },
  { status: 404, resource: ['group'], to: 'GROUP_NOT_FOUND' },
  { status: 404, resource: ['customer-user'], to: 'USER_NOT_FOUND' },
  { status: 403, to: 'ACCESS_DENIED' },
  { status: 404, resource: ['relationship'], to: 'NO_RELATIONSHIP' },
  { status: 408, to: 'UPSTREAM_TIMEOUT' },
  { status: 429, to: 'THROTTLED' },
  { status: (s) => s >= 500, to: 'GRAPH_UNAVAILABLE' },
];

const RETRYABLE = new Set<ErrorCode>(['THROTTLED', 'GRAPH_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

export function classifyGraphFailure(f: GraphFailure): ErrorCode {
  for (const rule of GRAPH_ERROR_TABLE) {
    if (typeof rule.status === 'number' ? rule.status !== f.status : !rule.status(f.status)) continue;
    if (rule.codes && (!f.code || !rule.codes.includes(f.code))) continue;
    if (rule.message && !rule.message.test(f.message)) continue;
    if (rule.resource && !rule.resource.includes(f.resource)) continue;
    return rule.to;
  }
  return 'INTERNAL';
}

export function graphError(res: { status: number; headers: ResponseHeaders; text: string; retryAfterSeconds?: number }, resource: GraphResource, correlationId: string): AppError {
  const body = readBody(res.text);
  const code = classifyGraphFailure({ status: res.status, code: body.code, message: body.message, resource });
  const retryAfterMs = parseRetryAfterMs(res.headers.get('retry-after'), Date.now());
  return new AppError(code, `Microsoft Graph answered ${res.status}${body.code ? ` (${body.code})` : ''}: ${body.message.slice(0, 300) || 'no message'}`, {
    httpStatus: res.status,
    upstreamCode: body.code,
    correlationId,
    retryable: RETRYABLE.has(code),
    retryAfterSeconds: code === 'THROTTLED' ? (res.retryAfterSeconds ?? (retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000))) : undefined,
  });
}

function readBody(text: string): { code?: string; message: string } {
  try {
    const parsed = graphErrorSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: the status alone decides.
  }
  return { message: '' };
}
