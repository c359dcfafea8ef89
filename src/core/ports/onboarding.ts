import type { AccessToken, UserCredential } from './identity';
import type { CallOptions } from './upstream-call';

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
