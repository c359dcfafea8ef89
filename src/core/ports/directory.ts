import type { CallOptions } from './upstream-call';

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
