import { submitNewUserForm } from '../../../../src/core/use-cases/submit-form';
import { deleteTemplate, loadTemplate, resolveNewScope, saveTemplate } from '../../../../src/core/use-cases/templates';
import { FABRIKAM, codeOf, engineer, useCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');
const ben = engineer('ben');
const SKU = 'c42b9cae-ea4f-4ab7-9717-81576235ccac';

const templateCard = (extra: Record<string, string> = {}) => ({
  name: 'Office staff',
  userNameFormat: '{first}.{last}',
  domain: 'fabrikam.example',
  usageLocation: 'US',
  licences: `${SKU} Microsoft 365 Business Standard`,
  groups: '',
  jobTitle: '',
  department: 'Sales',
  officeLocation: '',
  companyName: '',
  forceChangePassword: 'true',
  ticketRequired: 'true',
  ...extra,
});

async function fabrikamTemplate(w: ReturnType<typeof useCaseWorld>) {
  const scope = await resolveNewScope(w.deps, ada.cred, FABRIKAM, 'corr');
  const saved = await saveTemplate(w.deps, ada.cred, ada.actor, templateCard(), { scope }, 'corr');
  if (saved.kind !== 'saved') throw new Error(JSON.stringify(saved.issues));
  return saved.template;
}

describe('template use cases', () => {
  it('a customer template: the scope\'s name comes from Partner Center, the right from the GDAP resolution, and the change is audited', async () => {
    const w = useCaseWorld();
    const t = await fabrikamTemplate(w);
    expect(t).toMatchObject({ scope: { kind: 'customer', customerId: FABRIKAM, customerName: 'Fabrikam, Inc.' }, createdBy: { oid: 'oid-ada' }, department: 'Sales' });
    // Relationships with the app's own token; membership as the engineer.
    expect(w.callsTo('listRelationships').map((c) => c.token)).toEqual(['app']);
    expect(w.callsTo('checkMemberGroups').map((c) => c.token)).toEqual(['graph:oid-ada']);
    const [entry] = await w.deps.templates.auditLog(5);
    expect(entry).toMatchObject({ action: 'created', templateId: t.id, by: { oid: 'oid-ada', upn: 'ada@contoso-partner.example' }, correlationId: 'corr' });
  });

  it('Ben (no role) is refused every change, and nothing is stored or audited', async () => {
    const w = useCaseWorld();
    const t = await fabrikamTemplate(w);
    const scope = await resolveNewScope(w.deps, ben.cred, FABRIKAM, 'c').catch(() => ({ kind: 'customer' as const, customerId: FABRIKAM, customerName: 'x' }));
    expect(await codeOf(() => saveTemplate(w.deps, ben.cred, ben.actor, templateCard({ name: 'Ben' }), { scope }, 'c'))).toBe('NOT_TEMPLATE_ADMIN');
    expect(await codeOf(() => saveTemplate(w.deps, ben.cred, ben.actor, templateCard({ name: 'Ben' }), { templateId: t.id }, 'c'))).toBe('NOT_TEMPLATE_ADMIN');
    expect(await codeOf(() => deleteTemplate(w.deps, ben.cred, ben.actor, t.id, 'c'))).toBe('NOT_TEMPLATE_ADMIN');
    expect(await codeOf(() => saveTemplate(w.deps, ben.cred, ben.actor, templateCard(), { scope: { kind: 'partner' } }, 'c'))).toBe('NOT_TEMPLATE_ADMIN');
    expect((await w.deps.templates.list()).map((x) => x.name)).toEqual(['Office staff']);
    expect((await w.deps.templates.auditLog(10)).map((e) => e.action)).toEqual(['created']);
  });

  it('with TEMPLATE_ADMIN_GROUP_ID only its members may: Ben in the group may, Ada (GDAP role, not in it) may not', async () => {
    const w = useCaseWorld({ settings: { templateAdminGroupId: 'grp-template-admins' } });
    w.world.groupsOf['oid-ben'] = ['grp-template-admins'];
    const scope = { kind: 'customer' as const, customerId: FABRIKAM, customerName: 'Fabrikam, Inc.' };
    expect((await saveTemplate(w.deps, ben.cred, ben.actor, templateCard(), { scope }, 'c')).kind).toBe('saved');
    expect(await codeOf(() => saveTemplate(w.deps, ada.cred, ada.actor, templateCard(), { scope }, 'c'))).toBe('NOT_TEMPLATE_ADMIN');
    expect(w.callsTo('listRelationships')).toEqual([]);
  });

  it('an edit keeps the stored scope, records what changed, and a stale eTag is refused', async () => {
    const w = useCaseWorld();
    const t = await fabrikamTemplate(w);
    const { etag } = await loadTemplate(w.deps, t.id);
    const edited = await saveTemplate(w.deps, ada.cred, ada.actor, { ...templateCard({ department: 'Legal' }), scope: 'partner' }, { templateId: t.id, etag }, 'c2');
    expect(edited.kind === 'saved' && edited.template.scope).toEqual(t.scope);
    expect((await w.deps.templates.auditLog(1))[0].changes).toEqual([{ field: 'department', from: 'Sales', to: 'Legal' }]);
    expect(await codeOf(() => saveTemplate(w.deps, ada.cred, ada.actor, templateCard({ department: 'HR' }), { templateId: t.id, etag }, 'c3'))).toBe('CONCURRENT_UPDATE');
    expect((await loadTemplate(w.deps, t.id)).value.department).toBe('Legal');
    expect(await codeOf(() => loadTemplate(w.deps, 'not-a-guid'))).toBe('TEMPLATE_NOT_FOUND');
  });

  it('an invalid template card comes back field by field; nothing is stored', async () => {
    const w = useCaseWorld();
    const scope = await resolveNewScope(w.deps, ada.cred, FABRIKAM, 'c');
    const result = await saveTemplate(w.deps, ada.cred, ada.actor, templateCard({ userNameFormat: '{nick}', usageLocation: 'ZZ' }), { scope }, 'c');
    expect(result.kind === 'invalid' && result.issues.map((i) => i.field).sort()).toEqual(['usageLocation', 'userNameFormat']);
    expect(await w.deps.templates.list()).toEqual([]);
  });

  it('the form: a template requiring a ticket refuses a submit without one (TICKET_REQUIRED); with one, the request keeps the template and choices', async () => {
    const w = useCaseWorld();
    const t = await fabrikamTemplate(w);
    const form = { customerId: FABRIKAM, firstName: 'Grace', lastName: 'Hopper', userName: 'grace.hopper', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', templateId: t.id, licences: SKU };
    const refused = await submitNewUserForm(w.deps, ada.cred, ada.actor, form, { mode: 'personal' });
    expect(refused.kind === 'invalid' && refused.issues).toEqual([expect.objectContaining({ field: 'ticket', code: 'TICKET_REQUIRED' })]);
    expect(refused.kind === 'invalid' && refused.values).toMatchObject({ templateId: t.id, licences: SKU });
    expect(await w.requests.list({ limit: 5 })).toEqual([]);

    const ready = await submitNewUserForm(w.deps, ada.cred, ada.actor, { ...form, ticket: 'INC-1', department: 'Sales' }, { mode: 'personal' });
    if (ready.kind !== 'ready') throw new Error('expected ready');
    expect(ready.request.template).toEqual({ id: t.id, name: 'Office staff' });
    expect(ready.request.onboarding).toEqual({ licences: [{ skuId: SKU, name: 'Microsoft 365 Business Standard' }], groups: [], profile: { department: 'Sales' } });

    // A template that is not for this customer is not accepted.
    const other = await submitNewUserForm(w.deps, ada.cred, ada.actor, { ...form, customerId: '22222222-0000-4000-8000-000000000002', domain: 'adatum.example', ticket: 'INC-2' }, { mode: 'personal' });
    expect(other.kind === 'invalid' && other.issues.map((i) => i.code)).toEqual(['TEMPLATE_NOT_FOUND', undefined]);
  });
});
