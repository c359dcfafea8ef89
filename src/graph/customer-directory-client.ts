import { AppError } from '../core/errors';
import type { CallOptions, CustomerDirectory, CustomerGroup, ProfileChanges } from '../core/ports';
import type { UpstreamHttp } from '../http/upstream-http';
import { graphError } from './errors';
import { COPY_SELECT, customerGroupSchema, customerPersonSchema, GROUP_SELECT, memberOfItemSchema, PERSON_SELECT, userToCopySchema } from './customer-schemas';
import { graphErrorSchema } from './schemas';
import { createGraphTransport } from './transport';

export interface CustomerDirectoryClientOptions {
  /** `https://graph.microsoft.com`, or the sandbox. */
  baseUrl: string;
  http: UpstreamHttp;
}

/** References in a request body always name Graph itself, whatever base URL the calls go to (the sandbox too). */
const GRAPH_REFERENCE_BASE = 'https://graph.microsoft.com/v1.0';
/** How many a type-ahead shows. */
const TYPE_AHEAD_SIZE = 25;
/** Graph's answer to adding a member twice (400): on a retry, the first attempt did the work. */
const ALREADY_MEMBER = /added object references already exist for the following modified properties: '?members'?/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `$search` needs this header on directory objects, else Graph answers 400 Request_UnsupportedQuery. */
const EVENTUAL = { ConsistencyLevel: 'eventual' };

function requireGuid(value: string, field: string, opts: CallOptions): string {
  if (!GUID.test(value)) throw new AppError('VALIDATION_FAILED', `${field} is not an object id`, { correlationId: opts.correlationId, fields: [{ field, message: 'must be an object id (GUID)' }] });
  return value;
}

/** A `$search` expression over `properties` for what a person typed: quotes and backslashes cannot break out. */
function searchExpression(text: string, properties: string[]): string | undefined {
  const clean = text.replace(/["\\]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
  return clean ? properties.map((p) => `"${p}:${clean}"`).join(' OR ') : undefined;
}

/** Why a group cannot take members through Graph, as the error the step reports; undefined when it can. */
export function groupRefusal(group: CustomerGroup): 'GROUP_ROLE_ASSIGNABLE' | 'GROUP_NEEDS_EXCHANGE' | undefined {
  if (group.isAssignableToRole) return 'GROUP_ROLE_ASSIGNABLE';
  if (group.kind === 'distribution' || group.kind === 'mail-enabled-security') return 'GROUP_NEEDS_EXCHANGE';
  return undefined;
}

/**
 * The CustomerDirectory port on Microsoft Graph in a customer tenant (customer-tenant token: the bot's app must be
 * consented there). Same retry, throttling and error-table rules as every Graph call (./transport.ts).
 */
export function createCustomerDirectoryClient(options: CustomerDirectoryClientOptions): CustomerDirectory {
  const t = createGraphTransport(options);
  // encodeURIComponent, not URLSearchParams: a space must travel as %20 (URLSearchParams writes `+`, which an OData
  // parser may take literally inside a $search phrase).
  const url = (path: string, query: Record<string, string | undefined> = {}) => {
    const q = Object.entries(query)
      .filter((e): e is [string, string] => e[1] !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
      .join('&');
    return `${t.base}/v1.0/${path}${q ? `?${q}` : ''}`;
  };

  async function getGroup(token: string, groupId: string, opts: CallOptions): Promise<CustomerGroup | null> {
    const res = await t.send(token, 'GET', url(`groups/${requireGuid(groupId, 'groupId', opts)}`, { $select: GROUP_SELECT }), opts);
    if (res.status === 404) return null;
    return t.parse(res, customerGroupSchema, 'group', opts);
  }

  return {
    async searchGroups(token, text, opts) {
      const search = searchExpression(text, ['displayName', 'mail']);
      const first = url('groups', { $search: search, $select: GROUP_SELECT, $top: String(TYPE_AHEAD_SIZE) });
      return t.all(token, first, customerGroupSchema, 'customer-tenant', opts, { headers: search ? EVENTUAL : undefined, limit: TYPE_AHEAD_SIZE });
    },

    getGroup,

    async addMember(token, groupId, userId, opts) {
      requireGuid(userId, 'userId', opts);
      // Refused before anything is written: these groups never take members through Graph from this bot.
      const group = await getGroup(token, groupId, { ...opts, requestId: undefined });
      if (!group) throw new AppError('GROUP_NOT_FOUND', `group ${groupId} does not exist in the customer tenant`, { httpStatus: 404, correlationId: opts.correlationId });
      const refusal = groupRefusal(group);
      if (refusal) throw new AppError(refusal, `group ${groupId} (${group.kind}${group.isAssignableToRole ? ', role-assignable' : ''}) cannot take members through Graph`, { correlationId: opts.correlationId });
      const res = await t.send(token, 'POST', url(`groups/${groupId}/members/$ref`), opts, { '@odata.id': `${GRAPH_REFERENCE_BASE}/directoryObjects/${userId}` });
      if (res.status >= 200 && res.status < 300) return 'added';
      const message = readMessage(res.text);
      if (res.status === 400 && ALREADY_MEMBER.test(message)) return 'already-member';
      // A 404 names the missing object: the new user (not replicated yet, or deleted) or the group.
      throw graphError(res, res.status === 404 && message.includes(userId) ? 'customer-user' : 'group', opts.correlationId);
    },

    async setManager(token, userId, managerId, opts) {
      requireGuid(userId, 'userId', opts);
      requireGuid(managerId, 'managerId', opts);
      const res = await t.send(token, 'PUT', url(`users/${userId}/manager/$ref`), opts, { '@odata.id': `${GRAPH_REFERENCE_BASE}/users/${managerId}` });
      if (res.status < 200 || res.status >= 300) throw graphError(res, 'customer-user', opts.correlationId);
    },

    async updateUser(token, userId, changes: ProfileChanges, opts) {
      requireGuid(userId, 'userId', opts);
      const body = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
      if (Object.keys(body).length === 0) return;
      const res = await t.send(token, 'PATCH', url(`users/${userId}`), opts, body);
      if (res.status < 200 || res.status >= 300) throw graphError(res, 'customer-user', opts.correlationId);
    },

    async searchUsers(token, text, opts) {
      const search = searchExpression(text, ['displayName', 'userPrincipalName']);
      const first = url('users', { $search: search, $select: PERSON_SELECT, $top: String(TYPE_AHEAD_SIZE) });
      return t.all(token, first, customerPersonSchema, 'customer-tenant', opts, { headers: search ? EVENTUAL : undefined, limit: TYPE_AHEAD_SIZE });
    },

    async getUserToCopy(token, userId, opts) {
      requireGuid(userId, 'userId', opts);
      const read = { ...opts, requestId: undefined };
      const userRes = await t.send(token, 'GET', url(`users/${userId}`, { $select: COPY_SELECT, $expand: `manager($select=${PERSON_SELECT})` }), read);
      const user = t.parse(userRes, userToCopySchema, 'customer-user', opts);
      const groups = (await t.all(token, url(`users/${userId}/memberOf/microsoft.graph.group`, { $select: GROUP_SELECT }), memberOfItemSchema, 'customer-user', read)).filter(
        (g): g is CustomerGroup => g !== null,
      );
      return {
        id: user.id,
        displayName: user.displayName ?? user.userPrincipalName,
        userPrincipalName: user.userPrincipalName,
        jobTitle: user.jobTitle,
        department: user.department,
        officeLocation: user.officeLocation,
        companyName: user.companyName,
        usageLocation: user.usageLocation,
        manager: user.manager ?? undefined,
        groups,
        licenceSkuIds: user.assignedLicenses,
      };
    },
  };
}

function readMessage(text: string): string {
  try {
    const parsed = graphErrorSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data.message : '';
  } catch {
    return '';
  }
}
