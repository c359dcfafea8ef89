import type { z } from 'zod';
import { AppError } from '../core/errors';
import type { AccessAssignment, CallOptions, CustomerDomain, DelegatedAdminRelationship, Directory, DirectoryPerson } from '../core/ports';
import type { HttpMethod, UpstreamHttp, UpstreamResponse } from '../http/upstream-http';
import { graphError, type GraphResource } from './errors';
import { accessAssignmentSchema, domainSchema, groupUserSchema, memberGroupsSchema, odataPageSchema, relationshipSchema, userRefSchema } from './schemas';

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
/** A runaway nextLink chain is a bug upstream; stop rather than loop forever. */
const MAX_PAGES = 1_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Microsoft Graph client behind the Directory port: GDAP relationships, their access assignments and the
 * engineer's group membership in the partner tenant; domains and user look-ups in a customer tenant.
 */
export function createGraphClient(options: GraphClientOptions): Directory {
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;

  async function send(token: string, method: HttpMethod, url: string, opts: CallOptions, body?: unknown, requestId?: string): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return options.http.send({
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      correlationId: opts.correlationId,
      requestId,
      requestIdHeader: 'client-request-id',
      signal: opts.signal,
    });
  }

  function parse<S extends z.ZodTypeAny>(res: UpstreamResponse, schema: S, resource: GraphResource, opts: CallOptions): z.output<S> {
    if (res.status < 200 || res.status >= 300) throw graphError(res, resource, opts.correlationId);
    const invalid = (why: string) =>
      new AppError('UPSTREAM_INVALID_RESPONSE', `Microsoft Graph answered ${res.status} with ${why}`, { httpStatus: res.status, correlationId: opts.correlationId });
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw invalid('a body that is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw invalid(`an unexpected shape at ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').slice(0, 5).join(', ')}`);
    return parsed.data;
  }

  /**
   * Every page of a collection. Each page is its own request (and request id). A nextLink must stay on Graph's
   * origin: the bearer token is never sent anywhere a response body points to.
   */
  async function all<T extends z.ZodTypeAny>(token: string, firstUrl: string, item: T, resource: GraphResource, opts: CallOptions): Promise<z.output<T>[]> {
    const schema = odataPageSchema(item);
    const items: z.output<T>[] = [];
    let url: string | undefined = firstUrl;
    for (let pages = 0; url; pages++) {
      if (pages >= MAX_PAGES) throw new AppError('UPSTREAM_INVALID_RESPONSE', `Microsoft Graph paging did not end after ${MAX_PAGES} pages`, { correlationId: opts.correlationId });
      if (new URL(url).origin !== origin) {
        throw new AppError('UPSTREAM_INVALID_RESPONSE', 'Microsoft Graph sent an @odata.nextLink to another origin', { correlationId: opts.correlationId });
      }
      const page: { items: z.output<T>[]; nextLink?: string } = parse(await send(token, 'GET', url, opts), schema, resource, opts);
      items.push(...page.items);
      url = page.nextLink;
    }
    return items;
  }

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
      const answers = await Promise.all(
        batches.map(async (ids) => parse(await send(token, 'POST', `${base}/v1.0/me/checkMemberGroups`, opts, { groupIds: ids }), memberGroupsSchema, 'partner-tenant', opts).value),
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
      const res = await send(token, 'GET', `${base}/v1.0/users/${encodeURIComponent(upn)}?$select=id,userPrincipalName`, opts, undefined, opts.requestId);
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
