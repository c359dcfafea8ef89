import type { AccessToken, UserCredential } from './identity';
import type { CallOptions } from './upstream-call';

// Temporary Access Pass (issue 19): the first credential of a new user, through Graph in the customer tenant.

/** The tenant's Temporary Access Pass policy (Graph `temporaryAccessPassAuthenticationMethodConfiguration`). */
export interface TapPolicy {
  enabled: boolean;
  defaultLifetimeInMinutes: number;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  /** True: every pass in the tenant is one-time; a multi-use pass is refused. */
  isUsableOnce: boolean;
}

/** What the form asks for; anything left out takes the tenant's policy default. */
export interface TapOptions {
  lifetimeInMinutes?: number;
  isUsableOnce?: boolean;
  /** When the pass becomes usable; absent: at once. */
  startDateTime?: Date;
}

/**
 * A pass Graph issued. `pass` is the secret: Graph shows it in this answer only; it follows the password's rules
 * (never logged, never in the audit trail, delivered only to the person entitled, stored encrypted while it must
 * outlive a turn, erased after delivery).
 */
export interface IssuedTap {
  methodId: string;
  pass: string;
  validFrom: Date;
  expiresAt: Date;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
}

/** Graph's Temporary Access Pass calls, with a customer-tenant token from CredentialTokens. */
export interface TemporaryAccessPasses {
  /**
   * `GET /policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass`. Needs Global
   * Reader or Authentication Policy Administrator (GDAP_ROLE_MISSING otherwise): an Authentication Administrator
   * may create a pass without being able to read the policy, so a refusal here is "not checked", not "blocked".
   */
  readPolicy(token: string, opts: CallOptions): Promise<TapPolicy>;
  /**
   * `POST /users/{id}/authentication/temporaryAccessPassMethods`. A new pass replaces the user's previous one, so a
   * retry after a lost answer is safe (the last answer's pass is the valid one). Failures: TAP_POLICY_DISABLED,
   * TAP_LIFETIME_OUT_OF_POLICY, TAP_ONE_TIME_ONLY, GDAP_ROLE_MISSING, USER_NOT_FOUND, …
   */
  create(token: string, userId: string, options: TapOptions, opts: CallOptions): Promise<IssuedTap>;
}

/**
 * The customer-tenant Graph token for the Temporary Access Pass, known to carry `UserAuthenticationMethod.ReadWrite.All`
 * and `Policy.Read.AuthenticationMethod`, as OnboardingTokens: a tenant consented without them answers
 * CUSTOMER_CONSENT_MISSING at once; a tenant where the app is absent, CUSTOMER_NOT_CONNECTED.
 */
export interface CredentialTokens {
  customerGraphForCredentials(cred: UserCredential, customerTenantId: string): Promise<AccessToken>;
}
