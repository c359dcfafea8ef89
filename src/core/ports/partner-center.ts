import type { CallOptions, Page } from './upstream-call';

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
