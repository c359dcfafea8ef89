import { AppError } from '../core/errors';
import type { TemplateStore } from '../core/templates/template-store';
import { templateChanges, userTemplateSchema, type UserTemplate } from '../core/templates/user-template';
import { stableGuid } from './world';

const FABRIKAM = '22222222-0000-4000-8000-000000000001';
const SEED_BY = { oid: '00000000-0000-4000-8000-000000005eed', name: 'Sandbox seed' };

/**
 * The sample templates `npm start` shows: one for Fabrikam (its Business Standard SKU and its "All Staff" and
 * "Sales Team" groups, with the ids the sandbox gives them, and a ticket required) and a partner-wide default.
 */
export const SANDBOX_TEMPLATES: UserTemplate[] = [
  {
    id: '66666666-0000-4000-8000-000000000001',
    name: 'Fabrikam office staff',
    scope: { kind: 'customer', customerId: FABRIKAM, customerName: 'Fabrikam, Inc.' },
    userNameFormat: '{first}.{last}',
    domain: 'fabrikam.example',
    usageLocation: 'US',
    licences: [{ skuId: stableGuid(FABRIKAM, 'sku', 'O365_BUSINESS_PREMIUM'), name: 'Microsoft 365 Business Standard' }],
    groups: [
      { id: stableGuid(FABRIKAM, 'group', 'All Staff'), name: 'All Staff' },
      { id: stableGuid(FABRIKAM, 'group', 'Sales Team'), name: 'Sales Team' },
    ],
    jobTitle: 'Sales Associate',
    department: 'Sales',
    officeLocation: 'Seattle',
    companyName: 'Fabrikam, Inc.',
    forceChangePassword: true,
    ticketRequired: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    createdBy: SEED_BY,
    updatedBy: SEED_BY,
  },
  {
    id: '66666666-0000-4000-8000-000000000002',
    name: 'Partner default',
    scope: { kind: 'partner' },
    userNameFormat: '{f}{last}',
    domain: '',
    usageLocation: '',
    licences: [],
    groups: [],
    jobTitle: '',
    department: '',
    officeLocation: '',
    companyName: '',
    forceChangePassword: true,
    ticketRequired: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    createdBy: SEED_BY,
    updatedBy: SEED_BY,
  },
].map((t) => userTemplateSchema.parse(t));

/**
 * Seeds the sample templates into an empty template store (no template and no audit entry yet), so templates a
 * person deleted in the Playground do not come back on the next start. The seeding is audited like any change.
 */
export async function seedSandboxTemplates(store: TemplateStore, now: Date): Promise<number> {
  if ((await store.list()).length > 0 || (await store.auditLog(1)).length > 0) return 0;
  for (const [i, t] of SANDBOX_TEMPLATES.entries()) {
    await store
      .create(t, {
        id: stableGuid('template-seed', t.id),
        at: new Date(now.getTime() + i).toISOString(),
        templateId: t.id,
        templateName: t.name,
        action: 'created',
        by: { oid: SEED_BY.oid, upn: 'sandbox-seed', name: SEED_BY.name },
        changes: templateChanges(undefined, t),
        correlationId: stableGuid('template-seed-correlation', t.id),
      })
      // Another instance starting on the same store seeded it at the same moment: nothing left to do.
      .catch((e: unknown) => {
        if (!(e instanceof AppError && e.code === 'CONCURRENT_UPDATE')) throw e;
      });
  }
  return SANDBOX_TEMPLATES.length;
}
