import { z } from 'zod';
import type { CustomerGroup, CustomerGroupKind, CustomerPerson } from '../core/ports';

/**
 * Customer-tenant Graph answers (groups, users, a user to copy from), parsed with zod into the ports' types.
 * Optional properties accept `null`, which Graph sends for anything unset.
 */

const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined);

/**
 * The kind from Graph's flags ("Overview of groups", learn.microsoft.com/graph/api/resources/groups-overview):
 * `Unified` in groupTypes is a Microsoft 365 group; otherwise mail-enabled and security-enabled is a mail-enabled
 * security group, mail-enabled only a distribution list, and security-enabled only a security group.
 */
function kindOf(g: { groupTypes: string[]; mailEnabled: boolean; securityEnabled: boolean }): CustomerGroupKind {
  if (g.groupTypes.includes('Unified')) return 'microsoft365';
  if (g.mailEnabled) return g.securityEnabled ? 'mail-enabled-security' : 'distribution';
  return 'security';
}

export const GROUP_SELECT = 'id,displayName,description,mail,mailEnabled,securityEnabled,groupTypes,isAssignableToRole';

export const customerGroupSchema = z
  .object({
    id: z.string().min(1),
    displayName: z.string().nullish(),
    description: optionalString,
    mail: optionalString,
    mailEnabled: z.boolean().nullish(),
    securityEnabled: z.boolean().nullish(),
    groupTypes: z.array(z.string()).nullish(),
    isAssignableToRole: z.boolean().nullish(),
  })
  .transform(
    (g): CustomerGroup => ({
      id: g.id,
      displayName: g.displayName ?? g.id,
      description: g.description,
      mail: g.mail,
      kind: kindOf({ groupTypes: g.groupTypes ?? [], mailEnabled: g.mailEnabled ?? false, securityEnabled: g.securityEnabled ?? false }),
      isAssignableToRole: g.isAssignableToRole ?? false,
    }),
  );

/** memberOf lists directory objects of several types: only groups are kept (the request casts to groups too). */
export const memberOfItemSchema = z.union([
  z.object({ '@odata.type': z.literal('#microsoft.graph.group') }).passthrough().pipe(customerGroupSchema),
  z.object({ '@odata.type': z.string() }).passthrough().transform(() => null),
]);

export const PERSON_SELECT = 'id,displayName,userPrincipalName,jobTitle,department';

export const customerPersonSchema = z
  .object({ id: z.string().min(1), displayName: z.string().nullish(), userPrincipalName: z.string().min(1), jobTitle: optionalString, department: optionalString })
  .transform((u): CustomerPerson => ({ id: u.id, displayName: u.displayName ?? u.userPrincipalName, userPrincipalName: u.userPrincipalName, jobTitle: u.jobTitle, department: u.department }));

export const COPY_SELECT = 'id,displayName,userPrincipalName,jobTitle,department,officeLocation,companyName,usageLocation,assignedLicenses';

export const userToCopySchema = z.object({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  userPrincipalName: z.string().min(1),
  jobTitle: optionalString,
  department: optionalString,
  officeLocation: optionalString,
  companyName: optionalString,
  usageLocation: optionalString,
  assignedLicenses: z
    .array(z.object({ skuId: z.string().min(1) }).passthrough())
    .nullish()
    .transform((l) => (l ?? []).map((x) => x.skuId)),
  manager: customerPersonSchema.nullish(),
});
