import { AppError, type ErrorCode, type FieldIssue } from '../core/errors';
import { parseRetryAfterMs } from '../http/retry-policy';
import type { ResponseHeaders } from '../http/node-http-client';
import { errorBodySchema } from './schemas';

/**
 * Partner Center's failures as AppErrors, through ONE table read top to bottom: HTTP status first, then Partner
 * Center's `code`, then the `description` text. The first matching row wins.
 *
 * The description patterns are deliberately loose: apart from the codes in ../shared/partner-center-contract.md,
 * Microsoft documents none of these texts (UNCONFIRMED), so each pattern matches the sandbox's exact sentence and
 * the likely variants of Microsoft's (Graph's wording for a duplicate UPN, "password … complexity", …).
 */

/** What the failed call was about: a 404 means a different thing for a user and for a customer. */
export type PartnerCenterResource = 'customers' | 'customer' | 'user' | 'consent' | 'licence';

export interface PartnerCenterFailure {
  status: number;
  /** Partner Center's `code`, as a string. */
  code?: string;
  description: string;
  resource: PartnerCenterResource;
}

interface Rule {
  status: number | ((status: number) => boolean);
  codes?: string[];
  description?: RegExp;
  resource?: PartnerCenterResource[];
  to: ErrorCode | ((f: PartnerCenterFailure) => { code: ErrorCode; fields?: FieldIssue[] });
}

const clientError = (s: number) => s >= 400 && s < 500;
const serverError = (s: number) => s >= 500;
const INVALID_PROPERTY = /invalid value (?:specified )?for (?:the )?property '([^']+)'/i;

/** Partner Center property names → the input ids of the new-user card, so the form can mark the right field. */
const FIELD_OF_PROPERTY: Record<string, string> = {
  userprincipalname: 'userName',
  passwordprofile: 'password',
  password: 'password',
  displayname: 'displayName',
  firstname: 'firstName',
  lastname: 'lastName',
  usagelocation: 'usageLocation',
  immutableid: 'immutableId',
};

function invalidProperty(f: PartnerCenterFailure): { code: ErrorCode; fields?: FieldIssue[] } {
  const property = INVALID_PROPERTY.exec(f.description)?.[1] ?? 'unknown';
  const field = FIELD_OF_PROPERTY[property.toLowerCase()] ?? property;
  if (field === 'password') return { code: 'INVALID_PASSWORD', fields: [{ field, message: 'The password was not accepted.' }] };
  return { code: 'INVALID_FIELD', fields: [{ field, message: `Partner Center did not accept the value of ${property}.` }] };
}

export const PARTNER_CENTER_ERROR_TABLE: readonly Rule[] = [
  // Sign-in: MFA is its own code (900419) or, UNCONFIRMED, only recognisable by its text.
  { status: 401, codes: ['900419'], to: 'MFA_REQUIRED' },
  { status: (s) => s === 401 || s === 403, description: /multi-?factor|\bmfa\b|900419/i, to: 'MFA_REQUIRED' },
  { status: 401, to: 'UNAUTHENTICATED' },
  // Application consents (secure application model). Microsoft documents no codes or texts here (UNCONFIRMED):
  // the roles are Admin Agent in the partner tenant plus Global / Privileged Role / Cloud Application Administrator
  // through GDAP; a single-tenant app cannot be consented outside its home tenant (AADSTS700016); a second consent
  // of the same app is refused with "Permission entry already exists".
  { status: 403, resource: ['consent'], description: /admin ?agent/i, to: 'ADMIN_AGENT_REQUIRED' },
  { status: 403, codes: ['900150'], resource: ['consent'], to: 'CONNECT_ROLE_MISSING' },
  { status: 403, resource: ['consent'], description: /role does not have the rights|\bGDAP\b|granular delegated/i, to: 'CONNECT_ROLE_MISSING' },
  { status: clientError, resource: ['consent'], description: /700016|single-?tenant|not found in the directory/i, to: 'APP_NOT_MULTI_TENANT' },
  { status: clientError, resource: ['consent'], description: /permission entry already exists|consent already exists|already (?:exists|consented)/i, to: 'ALREADY_CONNECTED' },
  // Authorisation.
  { status: 403, codes: ['20002'], to: 'NO_RELATIONSHIP' },
  { status: 403, codes: ['900150'], to: 'GDAP_ROLE_MISSING' },
  { status: 403, codes: ['2032'], to: 'ACCESS_DENIED' },
  { status: 403, codes: ['600006'], to: 'ACTION_NOT_ALLOWED' },
  { status: 403, description: /no (?:reseller |delegated |GDAP )?relationship/i, to: 'NO_RELATIONSHIP' },
  { status: 403, description: /role does not have the rights|\bGDAP\b|granular delegated/i, to: 'GDAP_ROLE_MISSING' },
  { status: 403, to: 'ACCESS_DENIED' },
  // Not found.
  { status: 404, codes: ['60003'], to: 'TENANT_NOT_FOUND' },
  { status: 404, codes: ['60002'], to: 'USER_NOT_FOUND' },
  { status: 404, codes: ['1000'], resource: ['user'], to: 'USER_NOT_FOUND' },
  { status: 404, resource: ['user'], description: /\buser\b/i, to: 'USER_NOT_FOUND' },
  { status: 404, codes: ['1000'], resource: ['licence'], to: 'USER_NOT_FOUND' },
  { status: 404, resource: ['customer', 'user', 'consent', 'licence'], to: 'CUSTOMER_NOT_FOUND' },
  // Transient.
  { status: 408, to: 'UPSTREAM_TIMEOUT' },
  { status: 429, to: 'THROTTLED' },
  { status: serverError, to: 'PARTNER_CENTER_UNAVAILABLE' },
  // The new user's values (400 code 2000 in the sandbox; the real status and code are UNCONFIRMED, so any 4xx).
  { status: clientError, description: /same value for property '?userPrincipalName|userPrincipalName.{0,40}already (?:exists|in use|taken)|already (?:exists|in use)/i, to: 'UPN_TAKEN' },
  { status: clientError, description: /federated/i, to: 'DOMAIN_FEDERATED' },
  { status: clientError, description: /domain portion|verified domain|domain.{0,80}(?:not verified|unverified|invalid|not found)/i, to: 'DOMAIN_NOT_VERIFIED' },
  { status: clientError, description: /password.{0,80}(?:complexity|requirements|policy|too (?:short|long|weak|simple)|weak|strength)/i, to: 'INVALID_PASSWORD' },
  // Licences. No free seat is documented ("Assign licenses to a user": 400, code 60012, "…you've run out of
  // licenses…", data "LicenseQuotaExceededException …"); the others are UNCONFIRMED texts, matched loosely: the
  // usage-location sentence partners report, the one-licence-group rule, a sku the customer does not have.
  { status: clientError, codes: ['60012'], to: 'NO_FREE_SEAT' },
  { status: clientError, description: /run out of licen[cs]es|LicenseQuotaExceeded|no licen[cs]es.{0,80}available|insufficient licen[cs]es|does not have any available licen[cs]es/i, to: 'NO_FREE_SEAT' },
  { status: clientError, description: /licen[cs]e assignment.{0,80}usage ?location|usage ?location.{0,80}(?:required|missing|not set)/i, to: 'USAGE_LOCATION_MISSING' },
  { status: clientError, description: /(?:single|one|same) licen[cs]e group|multiple licen[cs]e groups/i, to: 'LICENCE_GROUPS_MIXED' },
  { status: clientError, description: /licen[cs]e.{0,80}not available|unknown (?:sku|licen[cs]e)|sku.{0,40}not found/i, to: 'LICENCE_UNKNOWN' },
  { status: clientError, description: INVALID_PROPERTY, to: invalidProperty },
];

const RETRYABLE = new Set<ErrorCode>(['THROTTLED', 'PARTNER_CENTER_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

/** The row that matches, as a code (and fields); INTERNAL when none does (a request the bot built wrong). */
export function classifyPartnerCenterFailure(f: PartnerCenterFailure): { code: ErrorCode; fields?: FieldIssue[] } {
  for (const rule of PARTNER_CENTER_ERROR_TABLE) {
    const statusMatches = typeof rule.status === 'number' ? rule.status === f.status : rule.status(f.status);
    if (!statusMatches) continue;
    if (rule.codes && (!f.code || !rule.codes.includes(f.code))) continue;
    if (rule.description && !rule.description.test(f.description)) continue;
    if (rule.resource && !rule.resource.includes(f.resource)) continue;
    return typeof rule.to === 'string' ? { code: rule.to } : rule.to(f);
  }
  return { code: 'INTERNAL' };
}

export interface FailedResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
  retryAfterSeconds?: number;
}

/** A non-2xx Partner Center answer as an AppError carrying the status, Partner Center's code and the correlation id. */
export function partnerCenterError(res: FailedResponse, resource: PartnerCenterResource, correlationId: string): AppError {
  const body = readErrorBody(res.text);
  const failure: PartnerCenterFailure = { status: res.status, code: body.code, description: body.description, resource };
  const { code, fields } = classifyPartnerCenterFailure(failure);
  const retryAfterSeconds =
    code === 'THROTTLED' ? (res.retryAfterSeconds ?? secondsOf(parseRetryAfterMs(res.headers.get('retry-after'), Date.now()))) : undefined;
  // The description is Microsoft's sentence about the request (no secrets); kept short for the logs.
  const message = `Partner Center answered ${res.status}${body.code ? ` (code ${body.code})` : ''}: ${body.description.slice(0, 300) || 'no description'}`;
  return new AppError(code, message, {
    httpStatus: res.status,
    upstreamCode: body.code,
    correlationId,
    retryable: RETRYABLE.has(code),
    fields,
    retryAfterSeconds,
  });
}

function readErrorBody(text: string): { code?: string; description: string } {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON (a gateway's HTML page): the status alone decides.
  }
  return { description: '' };
}

function secondsOf(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}
