import { z } from 'zod/v4';
import type { CustomerGroup, CustomerGroupKind, CustomerPerson } from '../core/ports';

/**
 * Customer-tenant Graph answers (groups, users, a user to copy from), parsed with zod into the ports' types.
 * Optional properties accept `null`, which Graph sends for anything unset.
 */

/** null as undefined; `.optional()` keeps an absent field absent in an object (zod 4 would add it as undefined). */
const optionalString = z
  .string()
  .nullish()
  .transform((v) => v ?? undefined)
  .optional();

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

const groupFields = {
  id: z.string().min(1),
  displayName: z.string().nullish(),
  description: optionalString,
  mail: optionalString,
  mailEnabled: z.boolean().nullish(),
  securityEnabled: z.boolean().nullish(),
  groupTypes: z.array(z.string()).nullish(),
  isAssignableToRole: z.boolean().nullish(),
};

function toGroup(g: z.output<z.ZodObject<typeof groupFields>>): CustomerGroup {
  return {
    id: g.id,
    displayName: g.displayName ?? g.id,
    description: g.description,
    mail: g.mail,
    kind: kindOf({ groupTypes: g.groupTypes ?? [], mailEnabled: g.mailEnabled ?? false, securityEnabled: g.securityEnabled ?? false }),
    isAssignableToRole: g.isAssignableToRole ?? false,
  };
}

export const customerGroupSchema = z.object(groupFields).transform(toGroup);

/**
 * memberOf lists directory objects of several types: only groups are kept (the request casts to groups too). A
 * group is read with the group's own fields (zod 4 types a pipe into customerGroupSchema as needing its input's
 * `@odata.type`, so the fields are shared instead).
 */
export const memberOfItemSchema = z.union([
  z.object({ '@odata.type': z.literal('#microsoft.graph.group'), ...groupFields }).transform(toGroup),
  z.looseObject({ '@odata.type': z.string() }).transform(() => null),
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
    .array(z.looseObject({ skuId: z.string().min(1) }))
    .nullish()
    .transform((l) => (l ?? []).map((x) => x.skuId)),
  manager: customerPersonSchema.nullish(),
});
