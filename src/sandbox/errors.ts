import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from './http';

/** Which service a path belongs to, so that every answer, even a refusal or a fault, has that service's shape. */
export type Face = 'pc' | 'graph' | 'identity' | 'control';

export function faceOf(path: string): Face {
  if (path === '/v1' || path.startsWith('/v1/')) return 'pc';
  if (path === '/v1.0' || path.startsWith('/v1.0/')) return 'graph';
  if (path === '/_sandbox' || path.startsWith('/_sandbox/')) return 'control';
  return 'identity';
}

/** Partner Center's documented error body: code, description, data, source. */
export function pcError(status: number, code: string, description: string, headers?: Record<string, string>): SandboxResponse {
  return { status, headers, body: { code, description, data: [], source: 'PartnerFD' } };
}

/** A Partner Center 401: the realm names the partner tenant, as the real one does. */
export function pcUnauthorized(partnerTenantId: string, description: string, code = '400'): SandboxResponse {
  return pcError(401, code, description, { 'WWW-Authenticate': `OAuth realm=urn:cpsvc:cpid:${partnerTenantId}` });
}

/** The exact texts of docs/sandbox-api.md, which the production client matches. */
export const PC_TEXT = {
  tokenInvalid: 'Access denied: the token is missing, expired or not meant for Partner Center.',
  appOnly: 'Access denied: App+User authentication is required for this operation.',
  noMfa: "Multi-factor authentication is required: the token's amr claim has no mfa.",
  missingHeader: (name: string) => `The request is missing the required header ${name}.`,
  tenantNotFound: 'Tenant not found.',
  noRelationship: 'The partner has no relationship with the customer.',
  noRole: 'The supplied role does not have the rights to perform the requested operation.',
  userNotFound: 'User object id not found.',
  duplicateUpn: 'Another object with the same value for property userPrincipalName already exists.',
  federated: (d: string) => `The domain ${d} is federated: users in a federated domain cannot be created through Partner Center.`,
  unverified: 'The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.',
  weakPassword: 'The specified password does not comply with password complexity requirements. Please provide a different password.',
  invalidField: (f: string) => `Invalid value specified for property '${f}' of resource 'User'.`,
  badJson: 'The request body is not valid JSON.',
  notFound: 'Not found.',
  methodNotAllowed: 'The requested resource does not support this HTTP method.',
  badContinuation: 'The continuation token is not valid.',
  badFilter: 'The filter is not valid.',
  internal: 'Internal server error.',
  unavailable: 'The service is temporarily unavailable.',
  tooLarge: 'The request body is too large.',
};

/** Microsoft Graph's error body. */
export function graphError(status: number, code: string, message: string, headers?: Record<string, string>): SandboxResponse {
  return { status, headers, body: { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } } };
}

/** The identity platform's error body; `error_description` starts with the AADSTS code, as MSAL shows it. */
export function aadError(status: number, error: string, aadsts: number, description: string, headers?: Record<string, string>, suberror?: string): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString();
  return {
    status,
    headers,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      // Entra marks refusals a person can fix by signing in again (consent) this way; MSAL then raises
      // InteractionRequiredAuthError.
      ...(suberror ? { suberror } : {}),
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}

/** The sandbox's own control face: plain JSON. */
export const controlError = (status: number, error: string, details?: object): SandboxResponse => ({ status, body: { error, ...details } });

/** An unknown path (404) or a known path with another method (405), in the face's shape. */
export function routeNotFound(face: Face, status: 404 | 405): SandboxResponse {
  const allow = status === 405;
  switch (face) {
    case 'pc':
      return allow ? pcError(405, '405', PC_TEXT.methodNotAllowed) : pcError(404, '1000', PC_TEXT.notFound);
    case 'graph':
      return allow ? graphError(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.') : graphError(404, 'Request_ResourceNotFound', 'Resource not found for the segment.');
    case 'identity':
      return aadError(status, 'invalid_request', 900561, 'The endpoint only accepts the documented methods and paths.');
    default:
      return controlError(status, allow ? 'method not allowed' : 'not found');
  }
}

/** A request the sandbox could not even read (bad encoding, too large): still an answer in the face's shape. */
export function unreadable(face: Face, status: 400 | 413, why: string): SandboxResponse {
  switch (face) {
    case 'pc':
      return pcError(status, '400', status === 413 ? PC_TEXT.tooLarge : why);
    case 'graph':
      return graphError(status, status === 413 ? 'RequestEntityTooLarge' : 'BadRequest', why);
    case 'identity':
      return aadError(status, 'invalid_request', 900144, why);
    default:
      return controlError(status, why);
  }
}

export function internalError(face: Face): SandboxResponse {
  if (face === 'pc') return pcError(500, '500', PC_TEXT.internal);
  if (face === 'identity') return aadError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.');
  return graphError(500, 'InternalServerError', PC_TEXT.internal);
}

/** An injected 429 or 5xx, in the face's shape; 429 always carries Retry-After (seconds). */
export function injectedStatus(face: Face, status: number, retryAfterSeconds: number | undefined): SandboxResponse {
  const retry = retryAfterSeconds ?? (status === 429 ? 1 : undefined);
  const headers = retry === undefined ? undefined : { 'Retry-After': String(retry) };
  if (status === 429) {
    if (face === 'graph') return graphError(429, 'TooManyRequests', 'Too many requests.', headers);
    if (face === 'identity') return aadError(429, 'temporarily_unavailable', 50196, 'The server terminated an operation because it encountered a client request loop.', headers);
    return { status, headers, body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retry} seconds.` } };
  }
  if (face === 'pc') return pcError(status, String(status), PC_TEXT.unavailable, headers);
  if (face === 'identity') return aadError(status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', headers);
  return graphError(status, 'ServiceUnavailable', PC_TEXT.unavailable, headers);
}
