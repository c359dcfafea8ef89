import type { AccessAssignment, DelegatedAdminRelationship, Directory, TokenProvider, UserCredential } from '../../../../src/core/ports';
import { assertTemplateAdmin, mayManageTemplates } from '../../../../src/core/templates/template-permission';
import { USER_CREATION_ROLES } from '../../../../src/core/preflight/gdap-role';

const CUSTOMER = '22222222-0000-4000-8000-000000000001';
const USER_ADMINS = 'g-user-admins';
const READERS = 'g-readers';
const TEMPLATE_ADMINS = 'g-template-admins';
const ADMIN_AGENTS = 'g-admin-agents';
const USER_ADMIN_ROLE = Object.keys(USER_CREATION_ROLES)[0];

/**
 * A directory at the boundary: one customer with one relationship, whose assignments grant User Administrator to
 * one group and Directory Readers to another; each person is in the groups listed. It records who asked what.
 */
function world(memberships: Record<string, string[]>, relationship: Partial<DelegatedAdminRelationship> = {}) {
  const calls: string[] = [];
  const rel: DelegatedAdminRelationship = { id: 'rel-1', displayName: 'Fabrikam GDAP', status: 'active', customerTenantId: CUSTOMER, roleDefinitionIds: [USER_ADMIN_ROLE], ...relationship };
  const assignments: AccessAssignment[] = [
    { id: 'a1', status: 'active', groupId: USER_ADMINS, roleDefinitionIds: [USER_ADMIN_ROLE] },
    { id: 'a2', status: 'active', groupId: READERS, roleDefinitionIds: ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b'] },
  ];
  const directory = {
    listRelationships: async (token: string, customerTenantId: string) => (calls.push(`relationships ${token} ${customerTenantId}`), customerTenantId === CUSTOMER ? [rel] : []),
    listAccessAssignments: async (token: string, id: string) => (calls.push(`assignments ${token} ${id}`), id === rel.id ? assignments : []),
    checkMemberGroups: async (token: string, groupIds: string[]) => (calls.push(`member ${token} ${groupIds.join(',')}`), groupIds.filter((g) => (memberships[token] ?? []).includes(g))),
  } as unknown as Directory;
  const tokens = {
    partnerGraph: async (cred: UserCredential) => ({ token: cred.user.oid, expiresOn: new Date(), mfa: true }),
    partnerGraphApp: async () => ({ token: 'app', expiresOn: new Date(), mfa: false }),
  } as unknown as TokenProvider;
  return { deps: { directory, tokens }, calls };
}

const person = (oid: string): UserCredential => ({ user: { oid, tenantId: 't', upn: `${oid}@partner.example`, mfa: true }, assertion: 'x' });
const customerScope = { kind: 'customer' as const, customerId: CUSTOMER, customerName: 'Fabrikam' };

describe('who may manage templates', () => {
  const memberships = { ada: [USER_ADMINS], ben: [READERS], grace: [ADMIN_AGENTS], tess: [TEMPLATE_ADMINS] };

  it('without a template group: a customer\'s templates by whoever holds the user-creation GDAP role there', async () => {
    const { deps, calls } = world(memberships);
    expect(await mayManageTemplates(deps, person('ada'), customerScope, {}, 'c')).toBe(true);
    expect(await mayManageTemplates(deps, person('ben'), customerScope, {}, 'c')).toBe(false);
    // Relationships and assignments with the app's token; membership asked as the engineer, only for the role groups.
    expect(calls).toContain(`relationships app ${CUSTOMER}`);
    expect(calls).toContain(`member ben ${USER_ADMINS}`);
    await expect(assertTemplateAdmin(deps, person('ben'), customerScope, {}, 'c')).rejects.toMatchObject({ code: 'NOT_TEMPLATE_ADMIN' });
  });

  it('an expired relationship grants nothing', async () => {
    const { deps } = world(memberships, { status: 'expired' });
    expect(await mayManageTemplates(deps, person('ada'), customerScope, {}, 'c')).toBe(false);
  });

  it('without a template group: partner-wide templates by the AdminAgents group; with neither, by nobody', async () => {
    const { deps } = world(memberships);
    expect(await mayManageTemplates(deps, person('grace'), { kind: 'partner' }, { adminAgentsGroupId: ADMIN_AGENTS }, 'c')).toBe(true);
    expect(await mayManageTemplates(deps, person('ada'), { kind: 'partner' }, { adminAgentsGroupId: ADMIN_AGENTS }, 'c')).toBe(false);
    expect(await mayManageTemplates(deps, person('grace'), { kind: 'partner' }, {}, 'c')).toBe(false);
  });

  it('with a template group: its members for every scope, and nobody else (a GDAP role no longer suffices)', async () => {
    const { deps, calls } = world(memberships);
    const settings = { templateAdminGroupId: TEMPLATE_ADMINS, adminAgentsGroupId: ADMIN_AGENTS };
    expect(await mayManageTemplates(deps, person('tess'), customerScope, settings, 'c')).toBe(true);
    expect(await mayManageTemplates(deps, person('tess'), { kind: 'partner' }, settings, 'c')).toBe(true);
    expect(await mayManageTemplates(deps, person('ada'), customerScope, settings, 'c')).toBe(false);
    expect(await mayManageTemplates(deps, person('grace'), { kind: 'partner' }, settings, 'c')).toBe(false);
    expect(calls.some((c) => c.startsWith('relationships'))).toBe(false);
  });
});
