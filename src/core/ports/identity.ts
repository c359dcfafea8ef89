// Identity

/** The signed-in partner user as the core sees them. */
export interface PartnerUser {
  /** Entra object id in the partner tenant. */
  oid: string;
  tenantId: string;
  upn: string;
  displayName?: string;
  /** Whether the sign-in carried multi-factor authentication (`amr` contains `mfa`). */
  mfa: boolean;
}

/**
 * A delegated credential: the user and the SSO assertion Teams handed the bot. The assertion is opaque to the
 * core; only the token provider reads it. It is never logged, stored in plain text or shown.
 */
export interface UserCredential {
  user: PartnerUser;
  readonly assertion: string;
}

export interface AccessToken {
  /** The bearer token. Never logged. */
  readonly token: string;
  expiresOn: Date;
  /** Whether the token carries MFA in `amr` (Partner Center refuses App+User calls without it). */
  mfa: boolean;
}

/** On-behalf-of token acquisition for the downstream APIs. */
export interface TokenProvider {
  /** Partner Center, scope `https://api.partnercenter.microsoft.com/user_impersonation`. */
  partnerCenter(cred: UserCredential): Promise<AccessToken>;
  /** Microsoft Graph in the partner tenant as the engineer (group membership: `checkMemberGroups`). */
  partnerGraph(cred: UserCredential): Promise<AccessToken>;
  /**
   * Microsoft Graph in the partner tenant as the app itself (client credentials, application permission
   * `DelegatedAdminRelationship.Read.All`): the partner's own GDAP relationships and access assignments, which
   * Graph shows a delegated caller only when they are an Admin agent. Read-only metadata; no power in any customer.
   */
  partnerGraphApp(): Promise<AccessToken>;
  /** Microsoft Graph in a customer tenant, through GDAP (domains, user look-ups): carries `Domain.Read.All` and `User.Read.All`, else CUSTOMER_CONSENT_MISSING. */
  customerGraph(cred: UserCredential, customerTenantId: string): Promise<AccessToken>;
}
