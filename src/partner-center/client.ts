import type { z } from 'zod/v4';
import { AppError } from '../core/errors';
import { zod3Issues } from '../core/zod3-compat';
import type { ApplicationConsent, AssignedLicence, CallOptions, Customer, CustomerUser, Licences, NewCustomerUser, Page, PartnerCenter, SkuAvailability, SubscribedSku } from '../core/ports';
import type { HttpMethod, UpstreamHttp, UpstreamResponse } from '../http/upstream-http';
import { partnerCenterError, type PartnerCenterResource } from './errors';
import {
  collectionSchema,
  CONTINUATION_HEADER,
  customerSchema,
  customerUserSchema,
  applicationConsentSchema,
  assignedLicenceSchema,
  licenseUpdateSchema,
  skuAvailabilitySchema,
  subscribedSkuSchema,
} from './schemas';

export interface PartnerCenterClientOptions {
  /** `https://api.partnercenter.microsoft.com`, or the sandbox. */
  baseUrl: string;
  http: UpstreamHttp;
  /** Sent as MS-PartnerCenter-Application, so Microsoft support can tell our calls apart. */
  appName: string;
  locale?: string;
}

/** The documented filter for soft-deleted users (UserState equals Inactive). */
const DELETED_USERS_FILTER = JSON.stringify({ Field: 'UserState', Value: 'Inactive', Operator: 'equals' });

interface CallSpec<S extends z.ZodType | undefined> {
  method: HttpMethod;
  /** Path segments below /v1, encoded here. */
  segments: string[];
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** What a 404 is about. */
  resource: PartnerCenterResource;
  continuationToken?: string;
  schema: S;
}

/**
 * The Partner Center REST client behind the PartnerCenter port: App+User calls with the signed-in engineer's
 * token, the headers Partner Center requires, retries (through UpstreamHttp) that reuse one MS-RequestId per
 * logical call, zod-parsed answers and errors mapped by one table (./errors.ts).
 */
export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenter & Licences {
  const base = options.baseUrl.replace(/\/+$/, '');
  const locale = options.locale ?? 'en-US';

  async function call<S extends z.ZodType | undefined>(
    token: string,
    spec: CallSpec<S>,
    opts: CallOptions,
  ): Promise<S extends z.ZodType ? z.output<S> : undefined> {
    const url = new URL(`${base}/v1/${spec.segments.map(segment).join('/')}`);
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = {
      Authorization: `Bearer ${token}`,
      Accept: 'application/json',
      'MS-Contract-Version': 'v1',
      'MS-CorrelationId': opts.correlationId,
      'X-Locale': locale,
      'MS-PartnerCenter-Application': options.appName,
    };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    if (spec.continuationToken) headers[CONTINUATION_HEADER] = spec.continuationToken;

    const res = await options.http.send({
      method: spec.method,
      url: url.toString(),
      headers,
      body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
      correlationId: opts.correlationId,
      requestId: opts.requestId,
      requestIdHeader: 'MS-RequestId',
      signal: opts.signal,
    });
    if (res.status < 200 || res.status >= 300) throw partnerCenterError(res, spec.resource, opts.correlationId);
    return parse(res, spec.schema, opts.correlationId) as S extends z.ZodType ? z.output<S> : undefined;
  }

  const customers = collectionSchema(customerSchema);
  const users = collectionSchema(customerUserSchema);
  const skus = collectionSchema(subscribedSkuSchema);
  const availability = collectionSchema(skuAvailabilitySchema);
  const userLicences = collectionSchema(assignedLicenceSchema);
  const licenceUpdate = (skuIds: string[]) => ({
    LicensesToAssign: skuIds.map((SkuId) => ({ SkuId, ExcludedPlans: [] })),
    Attributes: { ObjectType: 'LicenseUpdate' },
  });

  return {
    async listCustomers(token, page, opts): Promise<Page<Customer>> {
      return call(token, { method: 'GET', segments: ['customers'], query: pageQuery(page), continuationToken: page.continuationToken, resource: 'customers', schema: customers }, opts);
    },

    async getCustomer(token, customerId, opts): Promise<Customer> {
      return call(token, { method: 'GET', segments: ['customers', customerId], resource: 'customer', schema: customerSchema }, opts);
    },

    async listUsers(token, customerId, query, opts): Promise<Page<CustomerUser>> {
      return call(
        token,
        {
          method: 'GET',
          segments: ['customers', customerId, 'users'],
          query: { ...pageQuery(query), filter: query.deleted ? DELETED_USERS_FILTER : undefined },
          continuationToken: query.continuationToken,
          resource: 'customer',
          schema: users,
        },
        opts,
      );
    },

    async getUser(token, customerId, userId, opts): Promise<CustomerUser> {
      return call(token, { method: 'GET', segments: ['customers', customerId, 'users', userId], resource: 'user', schema: customerUserSchema }, opts);
    },

    async createUser(token, customerId, user: NewCustomerUser, opts): Promise<CustomerUser> {
      // opts.requestId, when given, is the stored idempotency key: Partner Center answers a repeat with the first
      // result instead of creating a second user. The echoed passwordProfile is dropped by the parse.
      const body = {
        usageLocation: user.usageLocation,
        userPrincipalName: user.userPrincipalName,
        firstName: user.firstName,
        lastName: user.lastName,
        displayName: user.displayName,
        ...(user.immutableId ? { immutableId: user.immutableId } : {}),
        passwordProfile: { password: user.password, forceChangePassword: user.forceChangePassword },
        attributes: { objectType: 'CustomerUser' },
      };
      return call(token, { method: 'POST', segments: ['customers', customerId, 'users'], body, resource: 'customer', schema: customerUserSchema }, opts);
    },

    async deleteUser(token, customerId, userId, opts): Promise<void> {
      await call(token, { method: 'DELETE', segments: ['customers', customerId, 'users', userId], resource: 'user', schema: undefined }, opts);
    },

    async restoreUser(token, customerId, userId, opts): Promise<CustomerUser> {
      const body = { State: 'active', Attributes: { ObjectType: 'CustomerUser' } };
      return call(token, { method: 'PATCH', segments: ['customers', customerId, 'users', userId], body, resource: 'user', schema: customerUserSchema }, opts);
    },

    async listSubscribedSkus(token, customerId, opts): Promise<SubscribedSku[]> {
      const page = await call(token, { method: 'GET', segments: ['customers', customerId, 'subscribedskus'], resource: 'customer', schema: skus }, opts);
      return page.items;
    },

    async assignLicenses(token, customerId, userId, skuIds, opts): Promise<void> {
      await call(token, { method: 'POST', segments: ['customers', customerId, 'users', userId, 'licenseupdates'], body: licenceUpdate(skuIds), resource: 'user', schema: licenseUpdateSchema }, opts);
    },

    async listSkuAvailability(token, customerId, opts): Promise<SkuAvailability[]> {
      return (await call(token, { method: 'GET', segments: ['customers', customerId, 'subscribedskus'], resource: 'customer', schema: availability }, opts)).items;
    },

    async listUserLicences(token, customerId, userId, opts): Promise<AssignedLicence[]> {
      return (await call(token, { method: 'GET', segments: ['customers', customerId, 'users', userId, 'licenses'], resource: 'user', schema: userLicences }, opts)).items;
    },

    async assignLicences(token, customerId, userId, skuIds, opts): Promise<void> {
      if (skuIds.length === 0) throw new AppError('VALIDATION_FAILED', 'no licence to assign', { correlationId: opts.correlationId });
      // opts.requestId, when the step stores one, makes a repeat after a crash the same logical call.
      await call(token, { method: 'POST', segments: ['customers', customerId, 'users', userId, 'licenseupdates'], body: licenceUpdate(skuIds), resource: 'licence', schema: licenseUpdateSchema }, opts);
    },

    async createApplicationConsent(token, customerId, consent: ApplicationConsent, opts): Promise<void> {
      const body = {
        applicationId: consent.applicationId,
        applicationGrants: consent.grants.map((g) => ({ enterpriseApplicationId: g.enterpriseApplicationId, scope: g.scopes.join(',') })),
        ...(consent.displayName ? { displayName: consent.displayName } : {}),
      };
      await call(token, { method: 'POST', segments: ['customers', customerId, 'applicationconsents'], body, resource: 'consent', schema: applicationConsentSchema }, opts);
    },

    async deleteApplicationConsent(token, customerId, applicationId, opts): Promise<void> {
      await call(token, { method: 'DELETE', segments: ['customers', customerId, 'applicationconsents', applicationId], resource: 'consent', schema: undefined }, opts);
    },
  };
}

/** `size`, plus `seekOperation=Next` when continuing (the continuation token itself travels as a header). */
function pageQuery(page: { size?: number; continuationToken?: string }): Record<string, string | number | undefined> {
  return { size: page.size, seekOperation: page.continuationToken ? 'Next' : undefined };
}

/** Ids go into the path: refuse anything that could change the path instead of naming one resource. */
function segment(s: string): string {
  if (!s || s === '.' || s === '..') throw new AppError('VALIDATION_FAILED', `invalid path segment ${JSON.stringify(s)}`);
  return encodeURIComponent(s);
}

/**
 * A 2xx answer through its schema. No schema (DELETE) accepts any body. A body that is not JSON or does not fit
 * fails UPSTREAM_INVALID_RESPONSE, naming only the paths that failed: the raw body (which may echo a password)
 * is never attached.
 */
function parse(res: UpstreamResponse, schema: z.ZodType | undefined, correlationId: string): unknown {
  if (!schema) return undefined;
  const invalid = (why: string) =>
    new AppError('UPSTREAM_INVALID_RESPONSE', `Partner Center answered ${res.status} with ${why}`, { httpStatus: res.status, correlationId });
  let json: unknown;
  try {
    json = res.text.trim() === '' ? {} : JSON.parse(res.text);
  } catch {
    throw invalid('a body that is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw invalid(`an unexpected shape at ${zod3Issues(parsed.error).map((i) => i.path.join('.') || '(root)').slice(0, 5).join(', ')}`);
  }
  return parsed.data;
}
