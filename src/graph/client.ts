import { AppError } from '../core/errors';
import type { AccessAssignment, CallOptions, CustomerDomain, DelegatedAdminRelationship, Directory, DirectoryPerson } from '../core/ports';
import type { UpstreamHttp } from '../http/upstream-http';
import { accessAssignmentSchema, domainSchema, groupUserSchema, memberGroupsSchema, relationshipSchema, userRefSchema } from './schemas';
import { createGraphTransport } from './transport';
import { userPath } from './user-key';

export interface GraphClientOptions {
  /** `https://graph.microsoft.com`, or the sandbox. */
  baseUrl: string;
  http: UpstreamHttp;
}

/** Graph's page size limit for delegatedAdminRelationships. */
const RELATIONSHIPS_PAGE_SIZE = 300;
/** Graph's largest page for a group's member list. */
const GROUP_MEMBERS_PAGE_SIZE = 999;
/** checkMemberGroups takes at most this many ids a call. */
const MEMBER_GROUPS_BATCH = 20;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Microsoft Graph client behind the Directory port: GDAP relationships, their access assignments and the
 * engineer's group membership in the partner tenant; domains and user look-ups in a customer tenant.
 */
export function createGraphClient(options: GraphClientOptions): Directory {
  const { base, send, parse, all } = createGraphTransport(options);

  return {
    async listRelationships(token, customerTenantId, opts): Promise<DelegatedAdminRelationship[]> {
      requireGuid(customerTenantId, 'customerTenantId', opts);
      const filter = `customer/tenantId eq '${customerTenantId}'`;
      const url = `${base}/v1.0/tenantRelationships/delegatedAdminRelationships?$filter=${encodeURIComponent(filter)}&$top=${RELATIONSHIPS_PAGE_SIZE}`;
      return all(token, url, relationshipSchema, 'partner-tenant', opts);
    },

    async listAccessAssignments(token, relationshipId, opts): Promise<AccessAssignment[]> {
      const url = `${base}/v1.0/tenantRelationships/delegatedAdminRelationships/${encodeURIComponent(relationshipId)}/accessAssignments`;
      return all(token, url, accessAssignmentSchema, 'relationship', opts);
    },

    async checkMemberGroups(token, groupIds, opts): Promise<string[]> {
      const wanted = [...new Set(groupIds)];
      const batches: string[][] = [];
      for (let i = 0; i < wanted.length; i += MEMBER_GROUPS_BATCH) batches.push(wanted.slice(i, i + MEMBER_GROUPS_BATCH));
      // Each batch is its own request with its own id: a pinned one would repeat across them.
      const answers = await Promise.all(
        batches.map(async (ids) => parse(await send(token, 'POST', `${base}/v1.0/me/checkMemberGroups`, { ...opts, requestId: undefined }, { groupIds: ids }), memberGroupsSchema, 'partner-tenant', opts).value),
      );
      // Only ids that were asked about, in the order they were asked.
      const member = new Set(answers.flat().map((id) => id.toLowerCase()));
      return wanted.filter((id) => member.has(id.toLowerCase()));
    },

    async listGroupUsers(token, groupId, opts): Promise<DirectoryPerson[]> {
      requireGuid(groupId, 'groupId', opts);
      // The cast keeps only users (no devices, service principals or nested groups, which are expanded anyway).
      const url = `${base}/v1.0/groups/${groupId}/transitiveMembers/microsoft.graph.user?$select=id,displayName&$top=${GROUP_MEMBERS_PAGE_SIZE}`;
      return all(token, url, groupUserSchema, 'partner-tenant', opts);
    },

    async listDomains(token, opts): Promise<CustomerDomain[]> {
      return all(token, `${base}/v1.0/domains`, domainSchema, 'customer-tenant', opts);
    },

    async findUserByUpn(token, upn, opts): Promise<{ id: string; userPrincipalName: string } | null> {
      const res = await send(token, 'GET', `${base}/v1.0/${userPath(upn)}?$select=id,userPrincipalName`, opts);
      // Graph answers 404 (Request_ResourceNotFound) when no user has that UPN: the name is free.
      if (res.status === 404) return null;
      return parse(res, userRefSchema, 'customer-tenant', opts);
    },
  };
}

/** The tenant id goes into an OData filter: only a GUID may, so nothing can be injected into the expression. */
function requireGuid(value: string, field: string, opts: CallOptions): void {
  if (!GUID.test(value)) {
    throw new AppError('VALIDATION_FAILED', `${field} is not a GUID`, { correlationId: opts.correlationId, fields: [{ field, message: 'must be a tenant id (GUID)' }] });
  }
}
