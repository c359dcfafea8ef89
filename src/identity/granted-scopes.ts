import { AppError } from '../core/errors';
import type { AccessToken } from '../core/ports';
import { decodeJwtClaims } from './jwt-claims';

/**
 * What a delegated token may do, read from its `scp` claim: the consented delegated permissions of its resource,
 * space-separated, without the resource prefix (`Domain.Read.All User.Read.All`). Asked for with `.default`, Entra
 * puts every permission consented in that tenant for the app there, and no others: a use that needs more would
 * meet a 403 from Graph. Checked before each use instead, so a missing permission reads as what it is.
 */

/** Upstream code of the refusal below: no token endpoint refused anything, the token it issued lacks a permission. */
export const SCP_MISSING = 'SCP_MISSING';

/** Decoded once per token (the same object is handed out from the provider's cache). */
const decoded = new WeakMap<AccessToken, ReadonlySet<string>>();

/** The permission names in the token's `scp`, lower-cased (Entra compares permission values case-insensitively). */
export function grantedScopes(token: AccessToken): ReadonlySet<string> {
  let scp = decoded.get(token);
  if (!scp) {
    const claim = decodeJwtClaims(token.token)?.scp;
    scp = new Set(typeof claim === 'string' ? claim.split(' ').filter(Boolean).map((s) => s.toLowerCase()) : []);
    decoded.set(token, scp);
  }
  return scp;
}

/** `https://graph.microsoft.com/User.Read.All` → `User.Read.All`: `scp` names permissions without their resource. */
export const permissionName = (scope: string): string => scope.replace(/^.*\//, '');

/** The needed permissions (plain names or full scope URIs) the token does not carry. */
export function missingScopes(token: AccessToken, needed: readonly string[]): string[] {
  const granted = grantedScopes(token);
  return needed.map(permissionName).filter((p) => !granted.has(p.toLowerCase()));
}

/**
 * The token, when it carries every needed permission; otherwise CUSTOMER_CONSENT_MISSING, the code Entra's own
 * AADSTS65001 for named scopes maps to (src/identity/msal-errors.ts): the app is in the tenant, consented without
 * what this use needs, and connecting the customer again grants it. The message names permissions, never the token.
 */
export function requireScopes(token: AccessToken, needed: readonly string[], use: string): AccessToken {
  const missing = missingScopes(token, needed);
  if (missing.length === 0) return token;
  throw new AppError('CUSTOMER_CONSENT_MISSING', `the customer tenant's Graph token (${use}) lacks ${missing.join(', ')}: not consented there`, { upstreamCode: SCP_MISSING });
}
