/**
 * The one error type of the application. Every failure that can reach a person carries a stable `code`; the
 * Teams edge turns the code into words through one table (src/teams/error-text.ts), so messages can change
 * without breaking tests, and nothing raw (an exception message, a stack, a token) is ever shown.
 */
export const ERROR_CODES = [
  // Input
  'VALIDATION_FAILED',
  // Identity and sign-in
  'SIGN_IN_REQUIRED',
  'TOKEN_EXCHANGE_FAILED',
  'CONSENT_REQUIRED',
  'MFA_REQUIRED',
  'TENANT_NOT_ALLOWED',
  'UNAUTHENTICATED',
  // The bot's app is not in the customer's tenant (Entra AADSTS700016), or is there without a Graph permission a
  // check needs (AADSTS65001): the customer-tenant checks become notices, never a stop.
  'CUSTOMER_NOT_CONNECTED',
  'CUSTOMER_CONSENT_MISSING',
  // Partner Center / Graph outcomes
  'CUSTOMER_NOT_FOUND',
  'NO_RELATIONSHIP',
  'RELATIONSHIP_EXPIRED',
  'GDAP_ROLE_MISSING',
  'ACCESS_DENIED',
  'ACTION_NOT_ALLOWED',
  'TENANT_NOT_FOUND',
  'USER_NOT_FOUND',
  'UPN_TAKEN',
  'UPN_SOFT_DELETED',
  'DOMAIN_FEDERATED',
  'DOMAIN_NOT_VERIFIED',
  'INVALID_PASSWORD',
  'INVALID_FIELD',
  'THROTTLED',
  'PARTNER_CENTER_UNAVAILABLE',
  'GRAPH_UNAVAILABLE',
  'IDENTITY_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_INVALID_RESPONSE',
  // Connecting a customer tenant (application consent)
  'ADMIN_AGENT_REQUIRED',
  'CONNECT_ROLE_MISSING',
  'APP_NOT_MULTI_TENANT',
  'ALREADY_CONNECTED',
  // Onboarding after creation: licences (Partner Center) and groups (Graph in the customer tenant)
  'NO_FREE_SEAT',
  'USAGE_LOCATION_MISSING',
  'LICENCE_GROUPS_MIXED',
  'LICENCE_UNKNOWN',
  'GROUP_NOT_FOUND',
  'GROUP_ROLE_ASSIGNABLE',
  'GROUP_NEEDS_EXCHANGE',
  // The first credential: a Temporary Access Pass (Graph in the customer tenant)
  'TAP_POLICY_DISABLED',
  'TAP_LIFETIME_OUT_OF_POLICY',
  'TAP_ONE_TIME_ONLY',
  'TAP_ROLE_MISSING',
  // The request and who acts on it
  'REQUEST_NOT_FOUND',
  'ILLEGAL_TRANSITION',
  'CONCURRENT_UPDATE',
  'NOT_REQUESTER',
  'NOT_APPROVER',
  'SELF_APPROVAL_REFUSED',
  'PASSWORD_UNAVAILABLE',
  'CREATION_INTERRUPTED',
  // The history and its export
  'NOT_AUDITOR',
  'PERSONAL_CHAT_ONLY',
  'FILE_UPLOAD_FAILED',
  // User templates (who may change them; a template named on a card that is gone) and what they require
  'TEMPLATE_NOT_FOUND',
  'NOT_TEMPLATE_ADMIN',
  'TICKET_REQUIRED',
  // A first day whose local time does not exist in its zone (the clocks jump over it) / a password typed for a
  // request with a first day (start-date.ts, new-user-form.ts)
  'START_TIME_SKIPPED',
  'START_PASSWORD_TYPED',
  // Bulk creation (src/core/bulk/): the CSV as a whole, a row of it, the batch
  'BULK_CSV_ENCODING',
  'BULK_CSV_MALFORMED',
  'BULK_CSV_COLUMNS',
  'BULK_TOO_MANY_ROWS',
  'BULK_TOO_LARGE',
  'BULK_DUPLICATE_USER',
  'BULK_NOTHING_TO_CREATE',
  'BULK_FILE_UNAVAILABLE',
  'BATCH_NOT_FOUND',
  // The bot's own storage
  'STORAGE_UNAVAILABLE',
  // A stored request this build cannot read: damaged or in no known shape, or written by a newer build
  // (src/core/approval/stored-request.ts).
  'STORED_REQUEST_INVALID',
  'STORED_REQUEST_TOO_NEW',
  // The edge
  'UNKNOWN_ACTION',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** One field that failed a rule; `field` is the card input id. */
export interface FieldIssue {
  field: string;
  message: string;
  /** The stable code of a rule with one (TICKET_REQUIRED, TEMPLATE_NOT_FOUND), shown on the form beside the message. */
  code?: ErrorCode;
}

export interface AppErrorDetails {
  /** HTTP status of the upstream answer, when there was one. */
  httpStatus?: number;
  /** Partner Center's own `code` (or Graph's), kept verbatim so a person can quote it. */
  upstreamCode?: string;
  /** The MS-CorrelationId of the logical operation. */
  correlationId?: string;
  /** Whether trying the same thing again later can succeed (throttling, outages, timeouts). */
  retryable?: boolean;
  /** Per-field problems, for VALIDATION_FAILED. */
  fields?: FieldIssue[];
  /** Seconds to wait, for THROTTLED. */
  retryAfterSeconds?: number;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus?: number;
  readonly upstreamCode?: string;
  readonly correlationId?: string;
  readonly retryable: boolean;
  readonly fields?: FieldIssue[];
  readonly retryAfterSeconds?: number;

  /** `message` is for logs and developers only; people see the text mapped from `code`. */
  constructor(code: ErrorCode, message: string, details: AppErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'AppError';
    this.code = code;
    this.httpStatus = details.httpStatus;
    this.upstreamCode = details.upstreamCode;
    this.correlationId = details.correlationId;
    this.retryable = details.retryable ?? false;
    this.fields = details.fields;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }

  /** A copy that also carries the correlation id of the operation it surfaced in. */
  withCorrelationId(correlationId: string): AppError {
    if (this.correlationId) return this;
    return new AppError(this.code, this.message, { ...this.details(), correlationId });
  }

  details(): AppErrorDetails {
    return {
      httpStatus: this.httpStatus,
      upstreamCode: this.upstreamCode,
      correlationId: this.correlationId,
      retryable: this.retryable,
      fields: this.fields,
      retryAfterSeconds: this.retryAfterSeconds,
      cause: this.cause,
    };
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/** Anything thrown becomes an AppError; unknown failures become INTERNAL and keep the original as `cause`. */
export function toAppError(e: unknown): AppError {
  if (e instanceof AppError) return e;
  return new AppError('INTERNAL', e instanceof Error ? e.message : 'non-error thrown', { cause: e });
}
