import { parseTemplateForm, templateFormValues } from '../../../../src/core/templates/template-form';
import { onboardingFormValues, parseTemplateInputs, prefillFromTemplate } from '../../../../src/core/templates/template-prefill';
import { appliesTo, compareTemplates, templateChanges, userTemplateSchema, type UserTemplate } from '../../../../src/core/templates/user-template';

const FABRIKAM = '22222222-0000-4000-8000-000000000001';
const SKU = 'c42b9cae-ea4f-4ab7-9717-81576235ccac';
const GROUP = '77777777-0000-4000-8000-000000000001';
const scope = { kind: 'customer' as const, customerId: FABRIKAM, customerName: 'Fabrikam, Inc.' };

const card = {
  name: ' Office staff ',
  userNameFormat: '{first}.{last}',
  domain: 'Fabrikam.Example',
  usageLocation: 'de',
  licences: `${SKU.toUpperCase()} Microsoft 365 Business Standard\n\n`,
  groups: `${GROUP} | All staff`,
  jobTitle: 'Sales Associate',
  department: 'Sales',
  officeLocation: 'Seattle',
  companyName: 'Fabrikam, Inc.',
  forceChangePassword: 'true',
  ticketRequired: 'true',
  verb: 'saveTemplate',
};

function template(overrides: Partial<UserTemplate> = {}): UserTemplate {
  const parsed = parseTemplateForm(card, scope);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const by = { oid: 'o1', name: 'Ada' };
  return userTemplateSchema.parse({ ...parsed.value, id: '66666666-0000-4000-8000-000000000001', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', createdBy: by, updatedBy: by, ...overrides });
}

describe('the template form and model', () => {
  it('parses a filled card: trimmed, domain lower case, country upper case, ids lower case, flags as booleans', () => {
    const t = template();
    expect(t).toMatchObject({
      name: 'Office staff',
      scope,
      domain: 'fabrikam.example',
      usageLocation: 'DE',
      licences: [{ skuId: SKU, name: 'Microsoft 365 Business Standard' }],
      groups: [{ id: GROUP, name: 'All staff' }],
      forceChangePassword: true,
      ticketRequired: true,
    });
    // Shown again for editing, the same card values come back.
    const again = parseTemplateForm(templateFormValues(t), scope);
    expect(again.ok && again.value).toEqual(parseTemplateForm(card, scope).ok && (parseTemplateForm(card, scope) as { value: unknown }).value);
  });

  it('reports each bad field by its input id and keeps what was typed', () => {
    const r = parseTemplateForm(
      { ...card, name: '', userNameFormat: '{first} {last}', domain: 'not a domain', usageLocation: 'XX', licences: 'not-a-guid Office', groups: `${GROUP} A\n${GROUP} B`, department: 'x'.repeat(65), jobTitle: 'a\u0007b', ticketRequired: 'maybe' },
      scope,
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.field).sort()).toEqual(['department', 'domain', 'groups', 'jobTitle', 'licences', 'name', 'ticketRequired', 'usageLocation', 'userNameFormat'].sort());
    expect(r.values.userNameFormat).toBe('{first} {last}');
  });

  it('an empty domain and usage location mean "the customer\'s default" and "the bot\'s default"', () => {
    const r = parseTemplateForm({ ...card, domain: '', usageLocation: '', licences: '', groups: '' }, { kind: 'partner' });
    expect(r.ok && r.value).toMatchObject({ domain: '', usageLocation: '', licences: [], groups: [], scope: { kind: 'partner' } });
  });

  it('a time zone for first days: any IANA zone Intl knows, empty means none (UTC); the form takes it as its default; Apply fills it in', () => {
    const berlin = parseTemplateForm({ ...card, timeZone: ' Europe/Berlin ' }, scope);
    expect(berlin.ok && berlin.value.timeZone).toBe('Europe/Berlin');
    const none = parseTemplateForm(card, scope);
    expect(none.ok && 'timeZone' in none.value).toBe(false);
    const bad = parseTemplateForm({ ...card, timeZone: 'Berlin' }, scope);
    expect(!bad.ok && bad.issues.map((i) => i.field)).toEqual(['timeZone']);
    // A template stored before the field existed still reads.
    expect(template().timeZone).toBeUndefined();
    expect(prefillFromTemplate(template({ timeZone: 'Asia/Tokyo' }), { firstName: 'A', lastName: 'B' }, ['fabrikam.example']).values.startTimeZone).toBe('Asia/Tokyo');
    expect(templateChanges(template(), template({ timeZone: 'Asia/Tokyo' }))).toEqual([{ field: 'timeZone', from: 'UTC', to: 'Asia/Tokyo' }]);
  });

  it('the scope never comes from the card', () => {
    const r = parseTemplateForm({ ...card, scope: { kind: 'partner' } }, scope);
    expect(r.ok && r.value.scope).toEqual(scope);
  });

  it('the audit diff lists exactly the changed fields, from what to what', () => {
    const before = template();
    const after = { ...before, department: 'Marketing', ticketRequired: false };
    expect(templateChanges(before, after)).toEqual([
      { field: 'department', from: 'Sales', to: 'Marketing' },
      { field: 'ticketRequired', from: 'true', to: 'false' },
    ]);
    expect(templateChanges(undefined, before).map((c) => c.field)).toContain('userNameFormat');
    expect(templateChanges(before, undefined).every((c) => c.to === undefined && c.from !== undefined)).toBe(true);
  });

  it('a customer template applies to its customer only, a partner-wide one to all; customer ones sort first', () => {
    const own = template();
    const wide = template({ id: '66666666-0000-4000-8000-000000000002', name: 'A default', scope: { kind: 'partner' } });
    expect(appliesTo(own, FABRIKAM.toUpperCase())).toBe(true);
    expect(appliesTo(own, '22222222-0000-4000-8000-000000000002')).toBe(false);
    expect(appliesTo(wide, '22222222-0000-4000-8000-000000000002')).toBe(true);
    expect([wide, own].sort(compareTemplates).map((t) => t.name)).toEqual(['Office staff', 'A default']);
  });
});

describe('pre-filling the new-user form from a template', () => {
  it('fills the user name from the format and the template fields, keeping the names typed', () => {
    const t = template();
    const { values, notes } = prefillFromTemplate(t, { firstName: 'José', lastName: 'Müller', ticket: 'INC-1', userName: 'old' }, ['fabrikam.example', 'fabrikamcorp.onmicrosoft.com']);
    expect(values).toMatchObject({
      templateId: t.id,
      firstName: 'José',
      lastName: 'Müller',
      userName: 'jose.muller',
      domain: 'fabrikam.example',
      usageLocation: 'DE',
      jobTitle: 'Sales Associate',
      department: 'Sales',
      officeLocation: 'Seattle',
      companyName: 'Fabrikam, Inc.',
      forceChangePassword: 'true',
      licences: SKU,
      groups: GROUP,
      ticket: 'INC-1',
    });
    expect(notes).toEqual([]);
  });

  it('says what it could not fill: no names yet, a domain the customer lacks', () => {
    const { values, notes } = prefillFromTemplate(template(), { userName: 'kept' }, ['other.example']);
    expect(values.userName).toBe('kept');
    expect(values.domain).toBeUndefined();
    expect(notes).toHaveLength(2);
  });

  it('accepts only licences and groups the stored template lists, with the template\'s names', () => {
    const t = template();
    const ok = parseTemplateInputs({ templateId: t.id, licences: SKU.toUpperCase(), groups: '', jobTitle: ' Rep ' }, t);
    expect(ok.issues).toEqual([]);
    expect(ok.onboarding).toEqual({ licences: [{ skuId: SKU, name: 'Microsoft 365 Business Standard' }], groups: [], profile: { jobTitle: 'Rep' } });
    const forged = parseTemplateInputs({ templateId: t.id, licences: '11111111-1111-4111-8111-111111111111', groups: '22222222-2222-4222-8222-222222222222' }, t);
    expect(forged.issues.map((i) => i.field)).toEqual(['licences', 'groups']);
    // Without a template the customer's own skus and groups are chosen (issue #18): ids are taken as they are and the
    // onboarding checks refuse unknown ones before anything is created; what is no id is refused here.
    const free = parseTemplateInputs({ licences: '11111111-1111-4111-8111-111111111111', groups: GROUP }, undefined);
    expect(free.issues).toEqual([]);
    expect(free.onboarding?.licences).toEqual([{ skuId: '11111111-1111-4111-8111-111111111111', name: '' }]);
    expect(parseTemplateInputs({ licences: 'not-an-id' }, undefined).issues.map((i) => i.field)).toEqual(['licences']);
    expect(parseTemplateInputs({ department: 'x'.repeat(65) }, t).issues.map((i) => i.field)).toEqual(['department']);
    expect(parseTemplateInputs({ department: 'Sales\u{e0061}\u{e0064}' }, t).issues.map((i) => i.field)).toEqual(['department']);
    expect(parseTemplateInputs({}, undefined).onboarding).toBeUndefined();
  });

  it('an edited request shows its template and onboarding choices again', () => {
    expect(onboardingFormValues({ template: { id: 't1', name: 'T' }, onboarding: { licences: [{ skuId: SKU, name: 'L' }], groups: [{ id: GROUP, name: 'G' }], profile: { department: 'Sales' } } })).toEqual({
      templateId: 't1',
      jobTitle: '',
      department: 'Sales',
      officeLocation: '',
      companyName: '',
      licences: SKU,
      groups: GROUP,
      manager: '',
      employeeId: '',
      mobilePhone: '',
    });
  });
});
