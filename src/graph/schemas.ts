import { z } from 'zod/v4';
import type { AccessAssignment, CustomerDomain, DelegatedAdminRelationship } from '../core/ports';

/**
 * Microsoft Graph v1.0 answers the Directory port needs, parsed with zod and mapped to the port's types. Unknown
 * properties are dropped; optional ones accept `null`, which Graph sends freely.
 */

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

const unifiedRoles = z
  .object({ unifiedRoles: z.array(z.object({ roleDefinitionId: z.string() })).nullish() })
  .nullish()
  .transform((d) => (d?.unifiedRoles ?? []).map((r) => r.roleDefinitionId));

export const relationshipSchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string(),
    status: z.string(),
    endDateTime: optionalString,
    customer: z.object({ tenantId: z.string(), displayName: optionalString }),
    accessDetails: unifiedRoles,
  })
  .transform(
    (r): DelegatedAdminRelationship => ({
      id: r.id,
      displayName: r.displayName,
      status: r.status,
      endDateTime: r.endDateTime,
      customerTenantId: r.customer.tenantId,
      customerDisplayName: r.customer.displayName,
      roleDefinitionIds: r.accessDetails,
    }),
  );

export const accessAssignmentSchema = z
  .object({
    id: z.string().min(1),
    status: z.string(),
    accessContainer: z.object({ accessContainerId: z.string().min(1), accessContainerType: optionalString }),
    accessDetails: unifiedRoles,
  })
  .transform(
    (a): AccessAssignment => ({
      id: a.id,
      status: a.status,
      groupId: a.accessContainer.accessContainerId,
      roleDefinitionIds: a.accessDetails,
    }),
  );

export const domainSchema = z
  .object({
    id: z.string().min(1),
    authenticationType: z.string(),
    isVerified: z.boolean(),
    isDefault: z.boolean().nullish().transform((v) => v ?? false),
    isInitial: z.boolean().nullish().transform((v) => v ?? false),
  })
  .transform((d): CustomerDomain => d);

export const userRefSchema = z.object({ id: z.string().min(1), userPrincipalName: z.string().min(1) }).transform((u) => ({ id: u.id, userPrincipalName: u.userPrincipalName }));

/** A user in a `transitiveMembers/microsoft.graph.user` page; the name may be withheld (null) by Graph. */
export const groupUserSchema = z.object({ id: z.string().min(1), displayName: z.string().nullish() }).transform((u) => ({ id: u.id, displayName: u.displayName ?? null }));

export const memberGroupsSchema = z.object({ value: z.array(z.string()) });

/**
 * An OData collection page of `item`. Built once per item schema (issue 16): every paged read asked for it, and
 * building a zod object schema costs more than parsing a small page with it.
 */
export function odataPageSchema<T extends z.ZodType>(item: T): OdataPage<T> {
  const built = pageSchemas.get(item) as OdataPage<T> | undefined;
  if (built) return built;
  const schema = z
    .object({ value: z.array(item), '@odata.nextLink': optionalString })
    .transform((p) => ({ items: p.value as z.output<T>[], nextLink: p['@odata.nextLink'] }));
  pageSchemas.set(item, schema);
  return schema;
}

type OdataPage<T extends z.ZodType> = z.ZodType<{ items: z.output<T>[]; nextLink: string | undefined }>;
const pageSchemas = new WeakMap<z.ZodType, z.ZodType>();

/** Graph's error body `{error: {code, message}}`, read tolerantly. */
export const graphErrorSchema = z
  .object({ error: z.object({ code: optionalString, message: optionalString }) })
  .transform((e) => ({ code: e.error.code, message: e.error.message ?? '' }));
