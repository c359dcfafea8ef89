import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from './http';

/** Partner Center's documented error body: code, description, data, source. */
export function pcError(status: number, code: string, description: string, headers?: Record<string, string>): SandboxResponse {
  return { status, headers, body: { code, description, data: [], source: 'PartnerFD' } };
}

export const pcUnauthorized = (description: string, code = '400') =>
  pcError(401, code, description, { 'WWW-Authenticate': 'OAuth realm=urn:cpsvc:cpid:11111111-1111-4111-8111-111111111111' });

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
};

/** Microsoft Graph's error body. */
export function graphError(status: number, code: string, message: string): SandboxResponse {
  return { status, body: { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } } };
}

/** The identity platform's error body; `description` starts with the AADSTS code. */
export function aadError(status: number, error: string, aadsts: number, description: string): SandboxResponse {
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`,
      error_codes: [aadsts],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
  };
}
