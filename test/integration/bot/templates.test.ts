import { SANDBOX_TEMPLATES } from '../../../src/sandbox/seed-templates';
import { errorCodeOf } from '../../support/card-error-code';
import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

jest.setTimeout(90_000);

const [FABRIKAM_TEMPLATE, PARTNER_DEFAULT] = SANDBOX_TEMPLATES;
/** The seed's "User Desk Approvers" group: Ada, Cleo and Erin, not Grace. */
const APPROVERS_GROUP = '44444444-0000-4000-8000-000000000005';

type Action = { type?: string; verb?: string; title?: string; data?: Record<string, string> };

/** Every Action.Execute on a card, wherever it sits (rows carry theirs in an ActionSet). */
function allActions(card: unknown): Action[] {
  const out: Action[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute') out.push(o as Action);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/** Every input on a card by id. */
function inputs(card: unknown): Record<string, { value?: string; isRequired?: unknown; label?: string; choices?: Array<{ title: string; value: string }> }> {
  const out: Record<string, never> = {};
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o.type === 'string' && o.type.startsWith('Input.') && typeof o.id === 'string') out[o.id] = o as never;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

const editOf = (card: unknown, templateId: string) => allActions(card).filter((a) => a.data?.templateId === templateId).map((a) => a.verb);

/** What the template form submits, from a card shown for editing (inputs keep their values) plus changes. */
function formSubmission(card: unknown, changes: Record<string, string>): Record<string, string> {
  const values = Object.fromEntries(Object.entries(inputs(card)).map(([id, i]) => [id, String(i.value ?? '')]));
  const save = allActions(card).find((a) => a.verb === 'saveTemplate')!;
  return { ...values, ...save.data, ...changes };
}

describe('user templates over HTTP', () => {
  const bot = new BotHarness();
  let ada: TeamsUser;
  let ben: TeamsUser;
  let grace: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    ben = await bot.teamsUser('ben@contoso-partner.example');
    grace = await bot.teamsUser('grace@contoso-partner.example');
    for (const u of [ada, ben, grace]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  const store = () => bot.app.useCases.templates;
  const listCardFor = async (user: TeamsUser) => {
    const before = bot.connector.sent().length;
    await bot.say(user, 'templates');
    return cardOf(await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((a) => cardText(cardOf(a)).includes('User templates'))));
  };

  it('`templates` lists the seeded templates; Ada manages Fabrikam\'s (she holds User Administrator there), not the partner-wide one', async () => {
    const card = await listCardFor(ada);
    const text = cardText(card);
    expect(text).toContain(FABRIKAM_TEMPLATE.name);
    expect(text).toContain(PARTNER_DEFAULT.name);
    expect(text).toContain('{first}.{last}');
    expect(editOf(card, FABRIKAM_TEMPLATE.id)).toEqual(['editTemplate', 'deleteTemplate']);
    expect(editOf(card, PARTNER_DEFAULT.id)).toEqual([]);
    // `templates <customer>`: that customer's templates and the partner-wide ones.
    const before = bot.connector.sent().length;
    await bot.say(ada, 'templates northwind');
    const northwind = cardOf(await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((a) => cardText(cardOf(a)).includes('User templates'))));
    expect(cardText(northwind)).toContain(PARTNER_DEFAULT.name);
    expect(cardText(northwind)).not.toContain(FABRIKAM_TEMPLATE.name);
    // Grace is an Admin agent: without a template group, AdminAgents manage the partner-wide ones.
    expect(editOf(await listCardFor(grace), PARTNER_DEFAULT.id)).toEqual(['editTemplate', 'deleteTemplate']);
  });

  it('Ben (no GDAP role) sees them read-only, and every change he tries is refused with NOT_TEMPLATE_ADMIN; nothing changes', async () => {
    const card = await listCardFor(ben);
    expect(cardText(card)).toContain(FABRIKAM_TEMPLATE.name);
    expect(editOf(card, FABRIKAM_TEMPLATE.id)).toEqual([]);
    const auditBefore = await store().auditLog(100);
    const stored = await store().get(FABRIKAM_TEMPLATE.id);
    const refusal = 'NOT_TEMPLATE_ADMIN';
    // Hand-made clicks, as a crafted card would send them.
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'editTemplate', { templateId: FABRIKAM_TEMPLATE.id })))).toBe(refusal);
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'saveTemplate', { templateId: FABRIKAM_TEMPLATE.id, name: 'Hijacked', userNameFormat: '{first}' })))).toBe(refusal);
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'deleteTemplate', { templateId: FABRIKAM_TEMPLATE.id })))).toBe(refusal);
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'confirmDeleteTemplate', { templateId: FABRIKAM_TEMPLATE.id })))).toBe(refusal);
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'newTemplate', { scope: FABRIKAM })))).toBe(refusal);
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'saveTemplate', { scope: 'partner', name: 'Mine', userNameFormat: '{first}' })))).toBe(refusal);
    expect(await store().get(FABRIKAM_TEMPLATE.id)).toEqual(stored);
    expect(await store().auditLog(100)).toEqual(auditBefore);
  });

  it('Ada creates, edits and deletes a Fabrikam template in cards; each change is audited with who and what changed', async () => {
    const form = invokeCard(await bot.execute(ada, 'newTemplate', { scope: FABRIKAM }));
    expect(cardText(form)).toContain('New template');
    expect(cardText(form)).toContain('Fabrikam, Inc.');
    // A bad format comes back on the form, nothing stored.
    const bad = invokeCard(await bot.execute(ada, 'saveTemplate', formSubmission(form, { name: 'Interns', userNameFormat: '{first}.{surname}' })));
    expect(cardText(bad)).toContain('{surname} is not a placeholder');
    expect((await store().list()).map((t) => t.name)).not.toContain('Interns');

    const saved = invokeCard(
      await bot.execute(ada, 'saveTemplate', formSubmission(form, { name: 'Interns', userNameFormat: '{f}{last}', domain: 'fabrikamcorp.onmicrosoft.com', department: 'Operations', ticketRequired: 'false', licences: '' })),
    );
    expect(cardText(saved)).toContain('Template "Interns" created.');
    const interns = (await store().list({ customerId: FABRIKAM })).find((t) => t.name === 'Interns')!;
    expect(interns).toMatchObject({ scope: { kind: 'customer', customerId: FABRIKAM, customerName: 'Fabrikam, Inc.' }, userNameFormat: '{f}{last}', department: 'Operations', createdBy: { name: ada.name } });
    const created = (await store().auditLog(1))[0];
    expect(created).toMatchObject({ action: 'created', templateId: interns.id, by: { oid: ada.aadObjectId, upn: 'ada@contoso-partner.example' } });
    expect(created.changes.map((c) => c.field)).toEqual(expect.arrayContaining(['name', 'scope', 'userNameFormat', 'department']));

    // Edit: the form shows the stored values; the change is compared with what was stored.
    const editForm = invokeCard(await bot.execute(ada, 'editTemplate', { templateId: interns.id }));
    expect(inputs(editForm).department.value).toBe('Operations');
    const staleEtag = allActions(editForm).find((a) => a.verb === 'saveTemplate')!.data!.etag;
    invokeCard(await bot.execute(ada, 'saveTemplate', formSubmission(editForm, { department: 'Marketing' })));
    expect((await store().get(interns.id))!.value.department).toBe('Marketing');
    const updated = (await store().auditLog(1))[0];
    expect(updated).toMatchObject({ action: 'updated', templateId: interns.id, changes: [{ field: 'department', from: 'Operations', to: 'Marketing' }] });
    // The same card again (shown before that change): refused, nothing lost.
    expect(errorCodeOf(invokeCard(await bot.execute(ada, 'saveTemplate', formSubmission(editForm, { department: 'Legal', etag: staleEtag! }))))).toBe('CONCURRENT_UPDATE');
    expect((await store().get(interns.id))!.value.department).toBe('Marketing');

    // Delete asks first, then deletes.
    const confirm = invokeCard(await bot.execute(ada, 'deleteTemplate', { templateId: interns.id }));
    expect(allActions(confirm).find((a) => a.verb === 'confirmDeleteTemplate')?.data?.templateId).toBe(interns.id);
    expect(await store().get(interns.id)).toBeDefined();
    expect(cardText(invokeCard(await bot.execute(ada, 'confirmDeleteTemplate', { templateId: interns.id })))).toContain('Template "Interns" deleted.');
    expect(await store().get(interns.id)).toBeUndefined();
    expect((await store().auditLog(1))[0]).toMatchObject({ action: 'deleted', templateId: interns.id, templateName: 'Interns' });
    // A second click on the same confirmation finds nothing to delete.
    expect(errorCodeOf(invokeCard(await bot.execute(ada, 'confirmDeleteTemplate', { templateId: interns.id })))).toBe('TEMPLATE_NOT_FOUND');

    // `templates log` shows the audit, newest first.
    const before = bot.connector.sent().length;
    await bot.say(ada, 'templates log');
    const log = (await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((a) => String(a.body.text ?? '').includes('Template changes')))).body.text as string;
    const rows = log.split('\n').filter((l) => l.includes(interns.id));
    expect(rows.map((r) => r.split(',')[1])).toEqual(['deleted', 'updated', 'created']);
    expect(rows[1]).toContain('department: Operations → Marketing');
  });

  it('partner-wide templates: Ada is refused, Grace (Admin agent) creates one', async () => {
    expect(errorCodeOf(invokeCard(await bot.execute(ada, 'newTemplate', { scope: 'partner' })))).toBe('NOT_TEMPLATE_ADMIN');
    const form = invokeCard(await bot.execute(grace, 'newTemplate', { scope: 'partner' }));
    invokeCard(await bot.execute(grace, 'saveTemplate', formSubmission(form, { name: 'Contractors', userNameFormat: 'ext.{first}.{last}' })));
    const t = (await store().list()).find((x) => x.name === 'Contractors')!;
    expect(t.scope).toEqual({ kind: 'partner' });
    expect((await store().list({ customerId: '22222222-0000-4000-8000-000000000002' })).map((x) => x.name)).toContain('Contractors');
  });

  it('the new-user form offers the templates and pre-fills itself from one; everything stays editable', async () => {
    const form = invokeCard(await bot.execute(ada, 'openForm', { customerId: FABRIKAM }));
    const picker = inputs(form).templateId;
    expect(picker.choices?.map((c) => c.value)).toEqual(expect.arrayContaining([FABRIKAM_TEMPLATE.id, PARTNER_DEFAULT.id]));
    expect(inputs(form).userName.isRequired).toBe(false);
    const apply = allActions(form).find((a) => a.verb === 'applyTemplate')!;

    const filled = invokeCard(await bot.execute(ada, 'applyTemplate', { ...apply.data, firstName: 'José', lastName: "Müller-O'Neil", templateId: FABRIKAM_TEMPLATE.id, domain: 'fabrikamcorp.onmicrosoft.com', usageLocation: 'GB' }));
    const i = inputs(filled);
    expect(i.firstName.value).toBe('José');
    expect(i.userName.value).toBe('jose.muller-oneil');
    expect(i.domain.value).toBe('fabrikam.example');
    expect(i.usageLocation.value).toBe('US');
    expect(i.jobTitle.value).toBe('Sales Associate');
    expect(i.department.value).toBe('Sales');
    expect(i.officeLocation.value).toBe('Seattle');
    expect(i.companyName.value).toBe('Fabrikam, Inc.');
    expect(i.forceChangePassword.value).toBe('true');
    expect(i.licences.choices).toEqual([{ title: 'Microsoft 365 Business Standard', value: FABRIKAM_TEMPLATE.licences[0].skuId }]);
    expect(i.licences.value).toBe(FABRIKAM_TEMPLATE.licences[0].skuId);
    expect(i.groups.value).toBe(FABRIKAM_TEMPLATE.groups.map((g) => g.id).join(','));
    expect(i.ticket.isRequired).toBe(true);
    expect(i.templateId.value).toBe(FABRIKAM_TEMPLATE.id);

    // The partner-wide default uses {f}{last}.
    const byDefault = invokeCard(await bot.execute(ada, 'applyTemplate', { ...apply.data, firstName: 'Søren', lastName: 'Ærø', templateId: PARTNER_DEFAULT.id }));
    expect(inputs(byDefault).userName.value).toBe('saero');
    // A template of another customer, or one that does not exist, is not applied.
    const other = invokeCard(await bot.execute(ada, 'applyTemplate', { ...apply.data, firstName: 'A', lastName: 'B', templateId: '66666666-0000-4000-8000-0000000000ff' }));
    expect(errorCodeOf(other)).toBe('TEMPLATE_NOT_FOUND');
  });

  it('a template that requires a ticket is enforced at submit (TICKET_REQUIRED); the request keeps the template and its choices', async () => {
    const base = { customerId: FABRIKAM, firstName: 'Kath', lastName: 'Johnson', userName: 'kath.johnson', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' };
    const requestsBefore = (await bot.app.useCases.requests.list({ limit: 100 })).length;
    const refused = invokeCard(await bot.execute(ada, 'submitForm', { ...base, templateId: FABRIKAM_TEMPLATE.id, licences: FABRIKAM_TEMPLATE.licences[0].skuId, ticket: '' }));
    expect(errorCodeOf(refused)).toBe('TICKET_REQUIRED');
    expect(inputs(refused).templateId.value).toBe(FABRIKAM_TEMPLATE.id);
    expect((await bot.app.useCases.requests.list({ limit: 100 })).length).toBe(requestsBefore);

    // Licences or groups the template does not list cannot be smuggled in through the card.
    const forged = invokeCard(await bot.execute(ada, 'submitForm', { ...base, templateId: FABRIKAM_TEMPLATE.id, ticket: 'INC-7', groups: '11111111-1111-4111-8111-111111111111' }));
    expect(cardText(forged)).toContain("Choose groups from the template's list.");

    const confirm = invokeCard(
      await bot.execute(ada, 'submitForm', { ...base, templateId: FABRIKAM_TEMPLATE.id, ticket: 'INC-7', licences: FABRIKAM_TEMPLATE.licences[0].skuId, groups: FABRIKAM_TEMPLATE.groups[1].id, jobTitle: 'Account Manager', department: 'Sales' }),
    );
    const requestId = allActions(confirm).find((a) => a.verb === 'create')!.data!.requestId;
    // The confirmation shows what the template brings, applied once the user exists.
    const confirmText = cardText(confirm);
    expect(confirmText).toContain('Applied once the user exists');
    expect(confirmText).toContain('Microsoft 365 Business Standard');
    expect(confirmText).toContain(FABRIKAM_TEMPLATE.groups[1].name);
    expect(confirmText).toContain('Account Manager');
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.ticket).toBe('INC-7');
    expect(stored.template).toEqual({ id: FABRIKAM_TEMPLATE.id, name: FABRIKAM_TEMPLATE.name });
    expect(stored.onboarding).toEqual({
      licences: [FABRIKAM_TEMPLATE.licences[0]],
      groups: [FABRIKAM_TEMPLATE.groups[1]],
      profile: { jobTitle: 'Account Manager', department: 'Sales' },
    });
    // Editing the request shows the template and the choices again.
    const edit = invokeCard(await bot.execute(ada, 'edit', { requestId }));
    expect(inputs(edit).templateId.value).toBe(FABRIKAM_TEMPLATE.id);
    expect(inputs(edit).groups.value).toBe(FABRIKAM_TEMPLATE.groups[1].id);
    expect(inputs(edit).jobTitle.value).toBe('Account Manager');

    // Without a template (and TICKET_REQUIRED off) no ticket is needed.
    const plain = invokeCard(await bot.execute(ada, 'submitForm', { ...base, userName: 'kath.plain' }));
    expect(allActions(plain).map((a) => a.verb)).toContain('create');
    expect(cardText(plain)).not.toContain('Applied once the user exists');
  });

  it('a request made from a template that was deleted since: the edit form no longer offers it, and submitting it is TEMPLATE_NOT_FOUND', async () => {
    const form = invokeCard(await bot.execute(ada, 'newTemplate', { scope: FABRIKAM }));
    invokeCard(await bot.execute(ada, 'saveTemplate', formSubmission(form, { name: 'Short-lived', userNameFormat: '{first}{l}' })));
    const shortLived = (await store().list({ customerId: FABRIKAM })).find((t) => t.name === 'Short-lived')!;
    const base = { customerId: FABRIKAM, firstName: 'Lin', lastName: 'Ho', userName: 'linh', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' };
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', { ...base, templateId: shortLived.id }));
    const requestId = allActions(confirm).find((a) => a.verb === 'create')!.data!.requestId;
    expect((await bot.app.useCases.requests.get(requestId))!.value.template).toEqual({ id: shortLived.id, name: 'Short-lived' });
    invokeCard(await bot.execute(ada, 'confirmDeleteTemplate', { templateId: shortLived.id }));

    const edit = invokeCard(await bot.execute(ada, 'edit', { requestId }));
    expect(inputs(edit).templateId.value).toBe('');
    expect(inputs(edit).templateId.choices?.map((c) => c.value)).not.toContain(shortLived.id);
    const again = invokeCard(await bot.execute(ada, 'submitForm', { ...base, requestId, templateId: shortLived.id }));
    expect(errorCodeOf(again)).toBe('TEMPLATE_NOT_FOUND');
    expect((await bot.app.useCases.requests.get(requestId))!.value.template).toEqual({ id: shortLived.id, name: 'Short-lived' });
  });

  it('in a channel, `templates` is refused: 1:1 chat only', async () => {
    await bot.post(bot.channelActivity(ada, { type: 'message', text: 'templates' }));
    const card = cardOf(await bot.connector.waitFor(() => bot.connector.sent().find((a) => String(a.conversationId).startsWith('19:') && errorCodeOf(cardOf(a)) !== undefined)));
    expect(errorCodeOf(card)).toBe('PERSONAL_CHAT_ONLY');
    expect(cardText(card)).not.toContain('User templates');
  });
});

describe('user templates with TEMPLATE_ADMIN_GROUP_ID', () => {
  const bot = new BotHarness({ templateAdminGroupId: APPROVERS_GROUP });
  let ada: TeamsUser;
  let grace: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    grace = await bot.teamsUser('grace@contoso-partner.example');
    for (const u of [ada, grace]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  it('only the group manages templates: Ada (member) edits the partner-wide one; Grace (GDAP role, Admin agent, not a member) is refused', async () => {
    const form = invokeCard(await bot.execute(ada, 'editTemplate', { templateId: PARTNER_DEFAULT.id }));
    invokeCard(await bot.execute(ada, 'saveTemplate', formSubmission(form, { ticketRequired: 'true' })));
    expect((await bot.app.useCases.templates.get(PARTNER_DEFAULT.id))!.value.ticketRequired).toBe(true);
    for (const templateId of [PARTNER_DEFAULT.id, FABRIKAM_TEMPLATE.id]) {
      expect(errorCodeOf(invokeCard(await bot.execute(grace, 'editTemplate', { templateId })))).toBe('NOT_TEMPLATE_ADMIN');
    }
    // Grace's list offers no "New template" and no Edit.
    const before = bot.connector.sent().length;
    await bot.say(grace, 'templates');
    const card = cardOf(await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((a) => cardText(cardOf(a)).includes('User templates'))));
    expect(allActions(card).map((a) => a.verb)).toEqual([]);
  });
});
