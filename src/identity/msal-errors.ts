import { AppError, type ErrorCode } from '../core/errors';

/**
 * MSAL's failures as AppErrors. MSAL reports the identity provider's answer as `errorCode` (the OAuth `error`:
 * invalid_grant, …), `subError`, `errorNo` (the first AADSTS number) and an `errorMessage` that contains the
 * AADSTS text; its own failures (no network, …) as ClientAuthError codes. Read duck-typed: MSAL's classes are not
 * shared across its several copies in node_modules.
 */

/** Which token was being fetched: decides what a tenant refusal means. */
export type TokenPurpose = 'partner-center' | 'partner-graph' | 'partner-graph-app' | 'customer-graph';

interface MsalErrorLike {
  errorCode?: string;
  errorMessage?: string;
  subError?: string;
  errorNo?: string | number;
  status?: number;
  message?: string;
}

/** The user (or an administrator) has not consented to what the app asks for. */
const CONSENT_AADSTS = new Set(['65001', '65004', '90094', '90008']);
/** Conditional Access wants multi-factor authentication. */
const MFA_AADSTS = new Set(['50076', '50079', '50074']);
/**
 * The user is not known in the customer tenant (AADSTS50020 and the like): through GDAP this means the engineer
 * holds no active role assignment there.
 */
const NOT_IN_TENANT_AADSTS = new Set(['50020', '50034', '50177', '90072']);
/**
 * The assertion itself is of no further use, whatever is retried: invalid (50013: signature, audience, issuer),
 * outside its valid time range (500133), a session or grant revoked or expired by a password change, sign-in
 * frequency or inactivity (50132, 50133, 50173, 70043, 70008, 700082), or an invalid JWT (50027). Microsoft Entra
 * error codes reference: https://learn.microsoft.com/entra/identity-platform/reference-error-codes. A kept
 * session holding such an assertion is dropped and the person signs in again.
 */
export const REFUSED_ASSERTION_AADSTS = new Set(['50013', '500133', '50132', '50133', '50173', '70043', '70008', '700082', '50027']);

/** Whether an AppError says the SSO assertion is refused for good (by Entra, or by our own verification). */
export function isRefusedAssertion(e: unknown): boolean {
  if (!(e instanceof AppError) || e.code !== 'TOKEN_EXCHANGE_FAILED' || !e.upstreamCode) return false;
  const aadsts = /^AADSTS(\d+)$/.exec(e.upstreamCode)?.[1];
  return aadsts ? REFUSED_ASSERTION_AADSTS.has(aadsts) : e.upstreamCode.startsWith('SSO_TOKEN_');
}

/** The app has no service principal in the tenant asked for (single-tenant app, or never consented there). */
const APP_NOT_IN_TENANT_AADSTS = '700016';
/** MSAL's own codes for "the identity provider could not be reached". */
const NETWORK_CODES = new Set(['network_error', 'no_network_connectivity', 'endpoints_resolution_error', 'openid_config_error']);
const UNAVAILABLE_ERRORS = new Set(['server_error', 'temporarily_unavailable', 'service_unavailable']);

export function msalToAppError(e: unknown, purpose: TokenPurpose): AppError {
  if (e instanceof AppError) return e;
  const err = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as MsalErrorLike;
  const text = [err.errorCode, err.subError, err.errorMessage, err.message].filter(Boolean).join(' ');
  const aadsts = err.errorNo !== undefined && err.errorNo !== '' ? String(err.errorNo) : /AADSTS(\d+)/.exec(text)?.[1];
  const upstreamCode = aadsts ? `AADSTS${aadsts}` : err.errorCode;

  const code = classify(err, aadsts, purpose);
  const retryable = code === 'IDENTITY_UNAVAILABLE';
  // The message names codes only: MSAL's text carries trace ids and the description, never the assertion.
  return new AppError(code, `token exchange (${purpose}) failed: ${[err.errorCode, upstreamCode !== err.errorCode ? upstreamCode : undefined, err.subError].filter(Boolean).join(' / ') || 'unknown error'}`, {
    httpStatus: typeof err.status === 'number' ? err.status : undefined,
    upstreamCode,
    retryable,
    cause: e,
  });
}

function classify(err: MsalErrorLike, aadsts: string | undefined, purpose: TokenPurpose): ErrorCode {
  // In a customer tenant these are about the app's place there, not about the engineer: the checks that need
  // it become notices (src/core/preflight), and connecting the customer fixes them.
  if (purpose === 'customer-graph' && aadsts === APP_NOT_IN_TENANT_AADSTS) return 'CUSTOMER_NOT_CONNECTED';
  const consent = (aadsts && CONSENT_AADSTS.has(aadsts)) || err.errorCode === 'consent_required' || err.subError === 'consent_required';
  if (purpose === 'customer-graph' && consent) return 'CUSTOMER_CONSENT_MISSING';
  if ((aadsts && CONSENT_AADSTS.has(aadsts)) || err.errorCode === 'consent_required' || err.subError === 'consent_required') return 'CONSENT_REQUIRED';
  if (aadsts && MFA_AADSTS.has(aadsts)) return 'MFA_REQUIRED';
  if (purpose === 'customer-graph' && aadsts && NOT_IN_TENANT_AADSTS.has(aadsts)) return 'GDAP_ROLE_MISSING';
  if (err.errorCode && NETWORK_CODES.has(err.errorCode)) return 'IDENTITY_UNAVAILABLE';
  if ((err.errorCode && UNAVAILABLE_ERRORS.has(err.errorCode)) || (typeof err.status === 'number' && err.status >= 500)) return 'IDENTITY_UNAVAILABLE';
  // invalid_grant (expired or bad assertion, AADSTS50013 / 500133), invalid_client, invalid_request, anything else.
  return 'TOKEN_EXCHANGE_FAILED';
}
