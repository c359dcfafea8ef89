import { AppError, type ErrorCode } from '../errors';

/** The pre-flight checklist shown on the confirmation card and re-run, uncached, right before the creation. */
export const CHECK_IDS = ['customer', 'gdap-role', 'domain', 'upn-free', 'mfa', 'input-rules', 'first-credential', 'licences', 'groups', 'manager', 'profile'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/**
 * `not-checked`: the check could not be made for a reason that must not stop a creation (the bot's app is not
 * connected to the customer's tenant); Partner Center still enforces the rule itself when creating.
 */
export type CheckStatus = 'ok' | 'warning' | 'blocked' | 'not-checked';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One plain sentence for the engineer. */
  text: string;
  /** What the check saw (relationship name, role, end date, domain type…), for the card's small print. */
  evidence?: string;
  /** The error code a blocked check stands for, so the same words are used as for a failure. */
  code?: ErrorCode;
  /**
   * A check that could not be made because an upstream call failed: that answer's HTTP status and the service's
   * own code, so a creation the final check stops records them as a failed create call would (`upstreamOf`).
   */
  httpStatus?: number;
  upstreamCode?: string;
  /** What an administrator (or the engineer) must do, for blocked checks. */
  todo?: string;
  /** A soft-deleted user holds the UPN: it can be restored instead. */
  restorableUserId?: string;
  /**
   * Not checked because the bot's app is not connected to (or lacks consent in) the customer's tenant: connecting
   * the customer (card verb `connectCustomer`, data `{ customerId }`) would make the check possible.
   */
  connectable?: boolean;
  /**
   * The names this check read for the ids it was given (a licence's product name, a group's or the manager's
   * display name), so the confirmation card can name them. For reading only: every action still carries ids,
   * checked again on the server.
   */
  names?: Array<{ id: string; name: string }>;
}

export interface Checklist {
  checks: CheckResult[];
  blocked: boolean;
  /** The first blocking check's code, for the request's failure record when the final check refuses. */
  blockingCode?: ErrorCode;
}

export const CHECK_TITLES: Record<CheckId, string> = {
  customer: 'Customer',
  'gdap-role': 'Your GDAP role',
  domain: 'Domain',
  'upn-free': 'User name free',
  mfa: 'Multi-factor sign-in',
  'input-rules': 'Entra rules',
  'first-credential': 'Temporary Access Pass',
  licences: 'Licences',
  groups: 'Groups',
  manager: 'Manager',
  profile: 'Profile',
};

export function checklist(checks: CheckResult[]): Checklist {
  const blocking = checks.find((c) => c.status === 'blocked');
  return { checks, blocked: Boolean(blocking), blockingCode: blocking?.code };
}

/** Failures of a check that a later attempt can get past without new input. */
const TRANSIENT: ReadonlySet<string> = new Set<ErrorCode>(['THROTTLED', 'PARTNER_CENTER_UNAVAILABLE', 'GRAPH_UNAVAILABLE', 'IDENTITY_UNAVAILABLE', 'UPSTREAM_TIMEOUT']);

/**
 * The error a blocked check stops an action with (the final check, an approval, a retried onboarding step): the
 * check's code (`fallback` when it has none), retryable when an upstream failure blocked it, and that answer's HTTP
 * status and service code, so a person quoting it quotes what Microsoft answered.
 */
export function blockedBy(check: CheckResult, fallback: ErrorCode, message: string): AppError {
  const code = check.code ?? fallback;
  return new AppError(code, message, { retryable: TRANSIENT.has(code), httpStatus: check.httpStatus, upstreamCode: check.upstreamCode });
}

/** An error as a checklist row's evidence: our code, then the upstream service's ("GRAPH_UNAVAILABLE · upstream …"). */
export function evidenceOf(e: AppError): string {
  return [e.code, e.upstreamCode && `upstream ${e.upstreamCode}`].filter(Boolean).join(' · ');
}

/** A check an error kept from being made: blocked with that error's code, evidence and upstream answer, never passed. */
export function notMadeBecause(id: CheckResult['id'], error: AppError, text: string): CheckResult {
  return { id, status: 'blocked', code: error.code, text, evidence: evidenceOf(error), ...upstreamOf(error) };
}

/** The upstream answer's status and code of an error, for a check it blocked (only the keys that are set). */
export function upstreamOf(error: AppError): Pick<CheckResult, 'httpStatus' | 'upstreamCode'> {
  return { ...(error.httpStatus !== undefined && { httpStatus: error.httpStatus }), ...(error.upstreamCode !== undefined && { upstreamCode: error.upstreamCode }) };
}
