/**
 * Reads the claims of a JWT WITHOUT verifying it. Only for tokens whose signature someone else checks: the SSO
 * assertion (the identity provider verifies it during on-behalf-of) and access tokens MSAL just received over TLS
 * (we read `amr` to know whether Partner Center will accept them). Never use this to make a trust decision on a
 * token nobody verifies.
 */
export function decodeJwtClaims(token: string): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an `amr` claim value says the sign-in used multi-factor authentication. */
export function amrHasMfa(amr: unknown): boolean {
  return Array.isArray(amr) && amr.some((m) => typeof m === 'string' && m.toLowerCase() === 'mfa');
}
