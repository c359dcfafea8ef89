import { z } from 'zod/v4';
import type { AssignedLicence, Customer, CustomerUser, LicenceGroupId, SkuAvailability, SubscribedSku } from '../core/ports';

/**
 * Partner Center response shapes, parsed with zod and turned into the port's types at once. Unknown properties are
 * dropped by the parse; in particular the `passwordProfile` that Partner Center echoes on a created user never
 * leaves this file. Optional fields accept `null` too: the real API sends nulls where the docs say "optional".
 */

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

/**
 * The same values as optionalString, null kept: for the schemas parsed on every review (a customer, a page of
 * users), whose final transform turns null into undefined. One transform per object instead of one per field
 * (issue 16): written when each zod 3 transform cost ≈ 5–10 µs a value; zod 4's are cheaper, not free.
 */
const nullableString = z.string().nullish();

export const customerSchema = z
  .object({
    id: z.string().min(1),
    companyProfile: z.object({
      tenantId: nullableString,
      domain: nullableString,
      companyName: z.string(),
    }),
    relationshipToPartner: nullableString,
    allowDelegatedAccess: z.boolean().nullish(),
  })
  .transform(
    (c): Customer => ({
      id: c.id,
      tenantId: c.companyProfile.tenantId ?? c.id,
      companyName: c.companyProfile.companyName,
      defaultDomain: c.companyProfile.domain ?? '',
      relationshipToPartner: c.relationshipToPartner ?? 'unknown',
      allowDelegatedAccess: c.allowDelegatedAccess ?? undefined,
    }),
  );

/**
 * `Active` and `active` are both seen in the wild; the port speaks lowercase (done in the user's transform: a
 * check here, not a transform and a pipe, which cost a user ≈ 15 µs when this ran on zod 3; issue 16).
 */
const userState = z.string().regex(/^(active|inactive)$/i);

export const customerUserSchema = z
  .object({
    id: z.string().min(1),
    userPrincipalName: z.string().min(1),
    displayName: nullableString,
    firstName: nullableString,
    lastName: nullableString,
    usageLocation: nullableString,
    state: userState,
    userDomainType: nullableString,
    softDeletionTime: nullableString,
  })
  .transform(
    (u): CustomerUser => ({
      id: u.id,
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName ?? u.userPrincipalName,
      firstName: u.firstName ?? undefined,
      lastName: u.lastName ?? undefined,
      usageLocation: u.usageLocation ?? undefined,
      state: u.state.toLowerCase() as CustomerUser['state'],
      userDomainType: u.userDomainType ?? undefined,
      softDeletionTime: u.softDeletionTime ?? undefined,
    }),
  );

const units = z
  .number()
  .nullish()
  .transform((v) => v ?? 0);

export const subscribedSkuSchema = z
  .object({
    availableUnits: units,
    activeUnits: units,
    consumedUnits: units,
    productSku: z.object({ id: z.string().min(1), name: optionalString, skuPartNumber: optionalString }),
  })
  .transform(
    (s): SubscribedSku => ({
      skuId: s.productSku.id,
      skuPartNumber: s.productSku.skuPartNumber ?? '',
      productName: s.productSku.name ?? s.productSku.skuPartNumber ?? s.productSku.id,
      availableUnits: s.availableUnits,
      activeUnits: s.activeUnits,
      consumedUnits: s.consumedUnits,
    }),
  );

/** `links.next` of a paged collection: the next request, with the continuation token among its headers. */
const linkSchema = z.object({
  uri: nullableString,
  method: nullableString,
  headers: z.array(z.object({ key: z.string(), value: z.string() })).nullish(),
});

export const CONTINUATION_HEADER = 'MS-ContinuationToken';

/** A Partner Center collection (paged or not) of `item`, with the continuation token pulled out. */
export function collectionSchema<T extends z.ZodType>(item: T) {
  return z
    .object({
      items: z.array(item),
      continuationToken: nullableString,
      links: z.object({ next: linkSchema.nullish() }).nullish(),
    })
    .transform((c) => {
      const fromLink = c.links?.next?.headers?.find((h) => h.key.toLowerCase() === CONTINUATION_HEADER.toLowerCase())?.value;
      const token = c.continuationToken ?? fromLink;
      return { items: c.items as z.output<T>[], continuationToken: token || undefined };
    });
}

/** The license update Partner Center answers with; only its shape is checked. */
export const licenseUpdateSchema = z.looseObject({});

/** Partner Center's error body, and the throttling body (`statusCode`, `message`), read tolerantly. */
export const errorBodySchema = z
  .looseObject({
    code: z.union([z.string(), z.number()]).nullish(),
    description: z.string().nullish(),
    message: z.string().nullish(),
  })
  .transform((e) => ({
    code: e.code === null || e.code === undefined ? undefined : String(e.code),
    description: e.description ?? e.message ?? '',
  }));

/** The consent Partner Center answers with: the body is not documented (UNCONFIRMED), so only "an object" is checked. */
export const applicationConsentSchema = z.looseObject({});

/** `group1` / `Group1`: Partner Center's licence group of a product sku; absent means the default, group1. */
const licenceGroup = z
  .string()
  .nullish()
  .transform((g): LicenceGroupId => (g?.toLowerCase() === 'group2' ? 'group2' : 'group1'));

const productSkuSchema = z.object({ id: z.string().min(1), name: optionalString, skuPartNumber: optionalString, licenseGroupId: licenceGroup });

/** A subscribed sku with its seats; free seats are computed (active − consumed), not trusted from availableUnits. */
export const skuAvailabilitySchema = z
  .object({ activeUnits: units, consumedUnits: units, productSku: productSkuSchema })
  .transform(
    (s): SkuAvailability => ({
      skuId: s.productSku.id,
      skuPartNumber: s.productSku.skuPartNumber ?? '',
      productName: s.productSku.name ?? s.productSku.skuPartNumber ?? s.productSku.id,
      licenceGroupId: s.productSku.licenseGroupId,
      activeUnits: s.activeUnits,
      consumedUnits: s.consumedUnits,
      availableUnits: Math.max(0, s.activeUnits - s.consumedUnits),
    }),
  );

/** A licence assigned to a user (`License` resource: productSku, servicePlans). */
export const assignedLicenceSchema = z.object({ productSku: productSkuSchema }).transform(
  (l): AssignedLicence => ({ skuId: l.productSku.id, skuPartNumber: l.productSku.skuPartNumber ?? '', productName: l.productSku.name ?? l.productSku.skuPartNumber ?? l.productSku.id }),
);
