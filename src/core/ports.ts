/**
 * The ports of the domain core: everything the use cases need from the outside world, as plain TypeScript
 * interfaces. Adapters (src/partner-center, src/graph, src/identity, src/storage, src/sandbox) implement them;
 * the core never sees HTTP, MSAL or Teams types.
 */

/** Injected so tests can freeze time and due dates are computed the same way everywhere. */
export interface Clock {
  now(): Date;
}

/** Id generation (uuid v4 in production), injected for deterministic tests. */
export interface Ids {
  newId(): string;
}

/** Structured logger (pino-shaped). The logger's own configuration redacts secrets; callers still never pass any. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

// ---------------------------------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------------------------------
// Upstream calls

export interface CallOptions {
  /** MS-CorrelationId: ties the calls of one logical operation together; shown to people on failures. */
  correlationId: string;
  /**
   * MS-RequestId: the idempotency key of one logical call. A caller that may repeat the same logical call later
   * (after a crash, a double click) passes the stored value; otherwise the client makes one and reuses it on
   * every retry of this call.
   */
  requestId?: string;
  /** Optional overall cancellation. */
  signal?: AbortSignal;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; absent on the last page. */
  continuationToken?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Partner Center

export interface Customer {
  /** The customer id in Partner Center, which is the customer's tenant id. */
  id: string;
  tenantId: string;
  companyName: string;
  defaultDomain: string;
  relationshipToPartner: string;
  allowDelegatedAccess?: boolean;
}

export interface NewCustomerUser {
  usageLocation: string;
  userPrincipalName: string;
  firstName: string;
  lastName: string;
  displayName: string;
  immutableId?: string;
  /** Never logged or persisted in plain text. */
  password: string;
  forceChangePassword: boolean;
}

export interface CustomerUser {
  id: string;
  userPrincipalName: string;
  displayName: string;
  firstName?: string;
  lastName?: string;
  usageLocation?: string;
  state: 'active' | 'inactive';
  userDomainType?: string;
  softDeletionTime?: string;
}

export interface SubscribedSku {
  skuId: string;
  skuPartNumber: string;
  productName: string;
  availableUnits: number;
  activeUnits: number;
  consumedUnits: number;
}

/**
 * An application consent (secure application model): the app gets a service principal in the customer tenant with
 * these delegated grants. `scopes` travel comma separated to Partner Center.
 */
export interface ApplicationConsent {
  applicationId: string;
  displayName?: string;
  grants: Array<{ enterpriseApplicationId: string; scopes: string[] }>;
}

export interface PartnerCenter {
  listCustomers(token: string, page: { size?: number; continuationToken?: string }, opts: CallOptions): Promise<Page<Customer>>;
  getCustomer(token: string, customerId: string, opts: CallOptions): Promise<Customer>;
  /** `deleted: true` lists soft-deleted (inactive) users only. */
  listUsers(
    token: string,
    customerId: string,
    query: { deleted?: boolean; size?: number; continuationToken?: string },
    opts: CallOptions,
  ): Promise<Page<CustomerUser>>;
  getUser(token: string, customerId: string, userId: string, opts: CallOptions): Promise<CustomerUser>;
  /** Idempotent per `opts.requestId`: the same id never creates a second user. */
  createUser(token: string, customerId: string, user: NewCustomerUser, opts: CallOptions): Promise<CustomerUser>;
  deleteUser(token: string, customerId: string, userId: string, opts: CallOptions): Promise<void>;
  restoreUser(token: string, customerId: string, userId: string, opts: CallOptions): Promise<CustomerUser>;
  listSubscribedSkus(token: string, customerId: string, opts: CallOptions): Promise<SubscribedSku[]>;
  assignLicenses(token: string, customerId: string, userId: string, skuIds: string[], opts: CallOptions): Promise<void>;
  /** `POST /v1/customers/{id}/applicationconsents`. An existing consent of the same app fails ALREADY_CONNECTED. */
  createApplicationConsent(token: string, customerId: string, consent: ApplicationConsent, opts: CallOptions): Promise<void>;
  /** `DELETE /v1/customers/{id}/applicationconsents/{application-id}`. */
  deleteApplicationConsent(token: string, customerId: string, applicationId: string, opts: CallOptions): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Microsoft Graph

export interface DelegatedAdminRelationship {
  id: string;
  displayName: string;
  /** `active`, `expired`, `expiring`, `terminated`, `approvalPending`, … */
  status: string;
  endDateTime?: string;
  customerTenantId: string;
  customerDisplayName?: string;
  roleDefinitionIds: string[];
}

export interface AccessAssignment {
  id: string;
  /** `active`, `pending`, … */
  status: string;
  /** The security group in the partner tenant that the roles are granted to. */
  groupId: string;
  roleDefinitionIds: string[];
}

export interface CustomerDomain {
  /** The domain name. */
  id: string;
  /** `Managed` or `Federated`. */
  authenticationType: string;
  isVerified: boolean;
  isDefault: boolean;
  isInitial: boolean;
}

/** A user of the partner tenant, as a group's member list names them. */
export interface DirectoryPerson {
  id: string;
  displayName: string | null;
}

export interface Directory {
  /** Every delegated-admin relationship with that customer (all pages). Partner-tenant Graph token. */
  listRelationships(token: string, customerTenantId: string, opts: CallOptions): Promise<DelegatedAdminRelationship[]>;
  /** Partner-tenant Graph token. */
  listAccessAssignments(token: string, relationshipId: string, opts: CallOptions): Promise<AccessAssignment[]>;
  /** The subset of `groupIds` the token's user is a (transitive) member of. Any number of ids; batched by 20. */
  checkMemberGroups(token: string, groupIds: string[], opts: CallOptions): Promise<string[]>;
  /**
   * The users who are (transitive) members of a partner-tenant group, every page. App-only partner Graph token
   * (GroupMember.Read.All). `displayName` is null when Graph withholds it.
   */
  listGroupUsers(token: string, groupId: string, opts: CallOptions): Promise<DirectoryPerson[]>;
  /** Customer-tenant Graph token. */
  listDomains(token: string, opts: CallOptions): Promise<CustomerDomain[]>;
  /** Customer-tenant Graph token; `null` when no user has that UPN. */
  findUserByUpn(token: string, upn: string, opts: CallOptions): Promise<{ id: string; userPrincipalName: string } | null>;
}

// ---------------------------------------------------------------------------------------------------------------
// Audit of customer connections

/** One attempt to connect a customer (consent the bot's app in its tenant), as the audit keeps it. */
export interface ConnectionRecord {
  id: string;
  at: string;
  customerId: string;
  customerName: string;
  by: { oid: string; upn: string; name: string };
  /** `connected`: consent created; `reconnected`: an existing consent replaced; `refused`: the pre-check or Partner Center said no; `failed`: anything else. */
  outcome: 'connected' | 'reconnected' | 'refused' | 'failed';
  /** The error code when not connected. */
  code?: string;
  /** Partner Center's (or Entra's) own code, verbatim. */
  upstreamCode?: string;
  correlationId: string;
  /** The Graph scopes asked for. */
  scopes: string[];
}

/** Every connection attempt, kept for the audit (append only, newest first when listed). */
export interface ConnectionLog {
  append(record: ConnectionRecord): Promise<void>;
  list(limit: number): Promise<ConnectionRecord[]>;
}

// ---------------------------------------------------------------------------------------------------------------
// Onboarding after creation (issue 18): licences through Partner Center, groups / manager / profile through Graph
// in the customer tenant. New interfaces only; the ports above stay as they are.

/** Partner Center's licence groups: `group1` (products Entra manages, the default) and `group2` (Minecraft). */
export type LicenceGroupId = 'group1' | 'group2';

/** A subscribed sku with its seats: `availableUnits` = active − consumed (never below 0). */
export interface SkuAvailability {
  skuId: string;
  skuPartNumber: string;
  productName: string;
  licenceGroupId: LicenceGroupId;
  activeUnits: number;
  consumedUnits: number;
  availableUnits: number;
}

export interface AssignedLicence {
  skuId: string;
  skuPartNumber: string;
  productName: string;
}

/** Partner Center licences, App+User with the engineer's (or approver's) Partner Center token. */
export interface Licences {
  /** `GET /v1/customers/{id}/subscribedskus` (default licence group). */
  listSkuAvailability(token: string, customerId: string, opts: CallOptions): Promise<SkuAvailability[]>;
  /** `GET /v1/customers/{id}/users/{user-id}/licenses`. */
  listUserLicences(token: string, customerId: string, userId: string, opts: CallOptions): Promise<AssignedLicence[]>;
  /**
   * `POST …/users/{user-id}/licenseupdates`: all skus of one call must be of one licence group. Assigning a sku the
   * user already has succeeds without using a seat, so a retry is safe. Failures: NO_FREE_SEAT,
   * USAGE_LOCATION_MISSING, LICENCE_GROUPS_MIXED, LICENCE_UNKNOWN, GDAP_ROLE_MISSING, USER_NOT_FOUND, …
   */
  assignLicences(token: string, customerId: string, userId: string, skuIds: string[], opts: CallOptions): Promise<void>;
}

/** What kind of group, from Graph's flags (`groupTypes`, `mailEnabled`, `securityEnabled`). */
export type CustomerGroupKind = 'security' | 'microsoft365' | 'distribution' | 'mail-enabled-security';

export interface CustomerGroup {
  id: string;
  displayName: string;
  description?: string;
  mail?: string;
  kind: CustomerGroupKind;
  /** Role-assignable: only a Privileged Role Administrator may change its members. */
  isAssignableToRole: boolean;
}

/** A user of the customer's tenant as a type-ahead lists them. */
export interface CustomerPerson {
  id: string;
  displayName: string;
  userPrincipalName: string;
  jobTitle?: string;
  department?: string;
}

/** The profile attributes the onboarding writes (`PATCH /users/{id}`); `null` clears one. */
export interface ProfileChanges {
  jobTitle?: string | null;
  department?: string | null;
  officeLocation?: string | null;
  companyName?: string | null;
  employeeId?: string | null;
  mobilePhone?: string | null;
  /** ISO 3166-1 alpha-2; needed before a licence can be assigned. Not nullable in Graph. */
  usageLocation?: string;
}

/** What "copy from an existing user" takes over: profile, usage location, manager, direct groups, licences. */
export interface UserToCopy {
  id: string;
  displayName: string;
  userPrincipalName: string;
  jobTitle?: string;
  department?: string;
  officeLocation?: string;
  companyName?: string;
  usageLocation?: string;
  manager?: CustomerPerson;
  groups: CustomerGroup[];
  /** Sku ids of the user's licences (the same ids Partner Center uses). */
  licenceSkuIds: string[];
}

/** Microsoft Graph in a customer tenant, with a customer-tenant Graph token (the bot's app consented there). */
export interface CustomerDirectory {
  /** Type-ahead over the customer's groups (`$search` on display name and mail); empty text: the first ones. */
  searchGroups(token: string, text: string, opts: CallOptions): Promise<CustomerGroup[]>;
  /** `null` when there is no such group. */
  getGroup(token: string, groupId: string, opts: CallOptions): Promise<CustomerGroup | null>;
  /**
   * `POST /groups/{id}/members/$ref`. Refuses role-assignable groups (GROUP_ROLE_ASSIGNABLE) and distribution /
   * mail-enabled security groups (GROUP_NEEDS_EXCHANGE) before writing; `already-member` is success (a retry).
   */
  addMember(token: string, groupId: string, userId: string, opts: CallOptions): Promise<'added' | 'already-member'>;
  /** `PUT /users/{id}/manager/$ref` (idempotent). */
  setManager(token: string, userId: string, managerId: string, opts: CallOptions): Promise<void>;
  /** `PATCH /users/{id}` (idempotent). */
  updateUser(token: string, userId: string, changes: ProfileChanges, opts: CallOptions): Promise<void>;
  /** Type-ahead over the customer's users (`$search` on display name and user name). */
  searchUsers(token: string, text: string, opts: CallOptions): Promise<CustomerPerson[]>;
  /** USER_NOT_FOUND when there is no such (active) user. */
  getUserToCopy(token: string, userId: string, opts: CallOptions): Promise<UserToCopy>;
}

/**
 * The customer-tenant Graph token for the onboarding's writes, known to carry `User.ReadWrite.All` and
 * `GroupMember.ReadWrite.All`: a tenant where the app was consented without them answers CUSTOMER_CONSENT_MISSING
 * at once ("connect again"), instead of a token that Graph then refuses with a 403 that reads like a missing GDAP
 * role. A tenant where the app is absent: CUSTOMER_NOT_CONNECTED, as for the read token. (The same one token per
 * engineer and tenant may serve every use; the provider checks what it carries.)
 */
export interface OnboardingTokens {
  customerGraphForOnboarding(cred: UserCredential, customerTenantId: string): Promise<AccessToken>;
}

// ---------------------------------------------------------------------------------------------------------------
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
