import { dueKeys } from '../../../../src/core/approval/due-work';
import { submitNewUserForm } from '../../../../src/core/use-cases/submit-form';
import { loadCustomerForForm } from '../../../../src/core/use-cases/customers';
import { FABRIKAM, codeOf, engineer, useCaseWorld } from '../../../support/use-case-world';

const ada = engineer('ada');
const ben = engineer('ben');
const PASSWORD = 'Typed!Passw0rd#1';

const form = (extra: Record<string, string> = {}) => ({
  customerId: FABRIKAM,
  firstName: 'Grace',
  lastName: 'Hopper',
  userName: 'grace.hopper',
  domain: 'fabrikam.example',
  usageLocation: 'us',
  passwordMode: 'manual',
  password: PASSWORD,
  forceChangePassword: 'true',
  ...extra,
});

describe('submitNewUserForm', () => {
  it('a first day without a zone chosen on the form is in the template\'s zone (the customer\'s); a zone chosen on the form wins', async () => {
    const w = useCaseWorld();
    const by = { oid: 'oid-ada', name: 'Ada' };
    const template = { id: '66666666-0000-4000-8000-000000000009', name: 'Berlin office', scope: { kind: 'customer' as const, customerId: FABRIKAM, customerName: 'Fabrikam, Inc.' }, userNameFormat: '{first}.{last}', domain: '', usageLocation: '', licences: [], groups: [], jobTitle: '', department: '', officeLocation: '', companyName: '', forceChangePassword: true, ticketRequired: false, timeZone: 'Europe/Berlin', createdAt: w.clock.now().toISOString(), updatedAt: w.clock.now().toISOString(), createdBy: by, updatedBy: by };
    await w.deps.templates.create(template, { id: 'a1', at: template.createdAt, templateId: template.id, templateName: template.name, action: 'created', by: { ...by, upn: 'ada@contoso-partner.example' }, changes: [], correlationId: 'c1' });
    const day = new Date(w.clock.now().getTime() + 10 * 86_400_000).toISOString().slice(0, 10);
    const r = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ passwordMode: 'generate', password: '', templateId: template.id, startDate: day, startTime: '12:00' }), { mode: 'personal' });
    if (r.kind !== 'ready') throw new Error(`expected ready, got ${r.kind}`);
    expect(r.request.startTimeZone).toBe('Europe/Berlin');
    // The world's clock is frozen in late November: ten days on, Berlin is on winter time (UTC+1).
    expect(r.request.startAt).toBe(`${day}T11:00:00.000Z`);
    const chosen = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ passwordMode: 'generate', password: '', userName: 'grace.two', templateId: template.id, startDate: day, startTime: '12:00', startTimeZone: 'UTC' }), { mode: 'personal' });
    if (chosen.kind !== 'ready') throw new Error(`expected ready, got ${chosen.kind}`);
    expect([chosen.request.startTimeZone, new Date(chosen.request.startAt!).getUTCHours()]).toEqual(['UTC', 12]);
  });

  it('an invalid form comes back field by field, without the password, and nothing is stored or sent', async () => {
    const w = useCaseWorld();
    const result = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ userName: '.bad', usageLocation: 'XX', password: 'short' }), { mode: 'personal' });
    if (result.kind !== 'invalid') throw new Error(`expected invalid, got ${result.kind}`);
    expect(result.issues.map((i) => i.field).sort()).toEqual(['password', 'usageLocation', 'userName']);
    expect(result.values.userName).toBe('.bad');
    expect(result.values).not.toHaveProperty('password');
    expect(await w.requests.list({ limit: 10 })).toEqual([]);
    expect(w.world.calls).toEqual([]);
    expect(w.ciphertexts.dump()).toEqual([]);
  });

  it('a valid form becomes a stored draft; the password is only in the vault, encrypted, with its erasure scheduled', async () => {
    const w = useCaseWorld();
    const result = await submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal' });
    if (result.kind !== 'ready') throw new Error(`expected ready, got ${result.kind}`);
    const stored = (await w.requests.get(result.request.id))!.value;
    expect(stored).toEqual(result.request);
    expect(stored.state).toEqual({ kind: 'draft' });
    expect(stored.requester.oid).toBe('oid-ada');
    expect(stored.customer).toEqual({ id: FABRIKAM, companyName: 'Fabrikam, Inc.', defaultDomain: 'fabrikam.example' });
    expect(stored.user).toMatchObject({ userPrincipalName: 'grace.hopper@fabrikam.example', usageLocation: 'US', displayName: 'Grace Hopper', passwordGenerated: false });
    expect(stored.msRequestId).not.toBe(stored.correlationId);
    expect(stored.createdAt).toBe(w.clock.now().toISOString());
    expect(stored.history).toEqual([{ at: stored.createdAt, event: 'drafted', actor: { oid: 'oid-ada', name: 'Ada' }, correlationId: stored.correlationId }]);

    expect(await w.deps.vault.get(stored.id)).toBe(PASSWORD);
    expect(JSON.stringify(stored)).not.toContain(PASSWORD);
    expect(w.ciphertexts.dump().join('\n')).not.toContain(PASSWORD);
    expect(w.logger.text()).not.toContain(PASSWORD);
    const due = await w.dueWork.claimDue(new Date(w.clock.now().getTime() + w.deps.settings.passwordRetentionMs), 'test', 1000, 10);
    expect(due.map((d) => [d.key, d.kind])).toEqual([[dueKeys.erasePassword(stored.id), 'erase-password']]);

    // The pre-flight ran on the stored request, as Ada, with her own Partner Center token.
    expect(result.checklist.blocked).toBe(false);
    expect(result.checklist.checks.map((c) => `${c.id}:${c.status}`)).toEqual(['customer:ok', 'gdap-role:ok', 'domain:ok', 'upn-free:ok', 'mfa:ok', 'input-rules:ok']);
    // One customer read, with the requester's token, shared by the draft and the pre-flight's customer check (issue 16).
    expect(w.callsTo('getCustomer').map((c) => c.token)).toEqual(['pc:oid-ada']);
  });

  it("the confirmation reuses the customer the form read minutes ago, per engineer; past the look-up cache's life it reads again", async () => {
    const w = useCaseWorld();
    await loadCustomerForForm(w.deps, ada.cred, FABRIKAM, 'corr-form');
    expect(w.callsTo('getCustomer').map((c) => c.token)).toEqual(['pc:oid-ada']);
    const first = await submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal' });
    if (first.kind !== 'ready') throw new Error(`expected ready, got ${first.kind}`);
    expect(first.checklist.checks[0]).toMatchObject({ id: 'customer', status: 'ok' });
    expect(first.request.customer.companyName).toBe('Fabrikam, Inc.');
    // Issue 16: one upstream call fewer a review. Ben's access is his own: his review reads with his token.
    expect(w.callsTo('getCustomer').map((c) => c.token)).toEqual(['pc:oid-ada']);
    await submitNewUserForm(w.deps, ben.cred, ben.actor, form({ userName: 'grace.ben' }), { mode: 'personal' });
    expect(w.callsTo('getCustomer').map((c) => c.token)).toEqual(['pc:oid-ada', 'pc:oid-ben']);
    // The world's look-up cache lives a minute (LOOKUP_CACHE_SECONDS in the product, 120 s by default).
    w.clock.advance(61_000);
    await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ userName: 'grace.later' }), { mode: 'personal' });
    expect(w.callsTo('getCustomer').map((c) => c.token)).toEqual(['pc:oid-ada', 'pc:oid-ben', 'pc:oid-ada']);
  });

  it("the confirmation reuses this engineer's list of the customer's deleted users for the look-up cache's life; another engineer lists with his own token", async () => {
    const w = useCaseWorld();
    const deletedListings = () => w.callsTo('listUsers').filter((c) => (c.args[1] as { deleted?: boolean }).deleted).map((c) => c.token);
    const first = await submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal' });
    if (first.kind !== 'ready') throw new Error(`expected ready, got ${first.kind}`);
    expect(first.checklist.checks.find((c) => c.id === 'upn-free')).toMatchObject({ status: 'ok' });
    expect(deletedListings()).toEqual(['pc:oid-ada']);
    // Issue 16: the next review of Ada's answers from that list, hits included (bob.jones is soft-deleted).
    const bob = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ firstName: 'Bob', lastName: 'Jones', userName: 'Bob.Jones' }), { mode: 'personal' });
    if (bob.kind !== 'ready') throw new Error(`expected ready, got ${bob.kind}`);
    expect(bob.checklist.checks.find((c) => c.id === 'upn-free')).toMatchObject({ status: 'blocked', evidence: expect.stringContaining('u-bob') });
    expect(deletedListings()).toEqual(['pc:oid-ada']);
    await submitNewUserForm(w.deps, ben.cred, ben.actor, form({ userName: 'grace.ben' }), { mode: 'personal' });
    expect(deletedListings()).toEqual(['pc:oid-ada', 'pc:oid-ben']);
    w.clock.advance(61_000);
    await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ userName: 'grace.later' }), { mode: 'personal' });
    expect(deletedListings()).toEqual(['pc:oid-ada', 'pc:oid-ben', 'pc:oid-ada']);
  });

  it("a personal draft's password is stored without waiting for the disk (its Create syncs before Partner Center is called); a request raised for approval waits for it", async () => {
    const w = useCaseWorld();
    const put = jest.spyOn(w.deps.vault, 'put');
    const personal = await submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal' });
    if (personal.kind !== 'ready') throw new Error(`expected ready, got ${personal.kind}`);
    expect(put).toHaveBeenLastCalledWith(personal.request.id, PASSWORD, { durable: false });
    const approval = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ userName: 'grace.team' }), { mode: 'approval' });
    if (approval.kind !== 'ready') throw new Error(`expected ready, got ${approval.kind}`);
    expect(put).toHaveBeenLastCalledWith(approval.request.id, PASSWORD, { durable: true });
  });

  it('a customer read that failed is not kept: the next review asks Partner Center again', async () => {
    const w = useCaseWorld();
    const unknown = '22222222-0000-4000-8000-0000000000ff';
    expect(await codeOf(() => submitNewUserForm(w.deps, ada.cred, ada.actor, form({ customerId: unknown }), { mode: 'personal' }))).toBe('TENANT_NOT_FOUND');
    expect(await codeOf(() => submitNewUserForm(w.deps, ada.cred, ada.actor, form({ customerId: unknown }), { mode: 'personal' }))).toBe('TENANT_NOT_FOUND');
    expect(w.callsTo('getCustomer')).toHaveLength(2);
  });

  it('the checklist carries the code of what blocks: a taken user name is UPN_TAKEN, yet the draft is kept for an edit', async () => {
    const w = useCaseWorld();
    const result = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ userName: 'alice.smith' }), { mode: 'personal' });
    if (result.kind !== 'ready') throw new Error(`expected ready, got ${result.kind}`);
    expect(result.checklist).toMatchObject({ blocked: true, blockingCode: 'UPN_TAKEN' });
    expect((await w.requests.get(result.request.id))?.value.state.kind).toBe('draft');
  });

  it('an unknown customer fails as Partner Center answers (TENANT_NOT_FOUND) before anything is stored', async () => {
    const w = useCaseWorld();
    const unknown = '22222222-0000-4000-8000-0000000000ff';
    expect(await codeOf(() => submitNewUserForm(w.deps, ada.cred, ada.actor, form({ customerId: unknown }), { mode: 'personal' }))).toBe('TENANT_NOT_FOUND');
    expect(await w.requests.list({ limit: 10 })).toEqual([]);
    expect(w.ciphertexts.dump()).toEqual([]);
  });

  it('an edit by the requester keeps the request, moves it back to draft, and gives the next create a new MS-RequestId', async () => {
    const w = useCaseWorld();
    const first = await submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal' });
    if (first.kind !== 'ready') throw new Error('not ready');
    w.clock.advance(60_000);
    const edited = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ userName: 'grace.h', password: 'An0ther!Passw0rd' }), { mode: 'personal', requestId: first.request.id });
    if (edited.kind !== 'ready') throw new Error('not ready');
    expect(edited.request.id).toBe(first.request.id);
    expect(edited.request.user.userPrincipalName).toBe('grace.h@fabrikam.example');
    expect(edited.request.msRequestId).not.toBe(first.request.msRequestId);
    expect(edited.request.correlationId).toBe(first.request.correlationId);
    expect(edited.request.history.map((h) => h.event)).toEqual(['drafted', 'edited']);
    expect(edited.request.updatedAt).toBe(w.clock.now().toISOString());
    expect(await w.deps.vault.get(first.request.id)).toBe('An0ther!Passw0rd');
    expect(await w.requests.list({ limit: 10 })).toHaveLength(1);
  });

  it('an edit of a failed request makes it a draft again', async () => {
    const w = useCaseWorld();
    const first = await submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal' });
    if (first.kind !== 'ready') throw new Error('not ready');
    const { value, etag } = (await w.requests.get(first.request.id))!;
    await w.requests.update({ ...value, state: { kind: 'failed', by: ada.actor, at: value.createdAt, attempt: 1, failure: { code: 'DOMAIN_FEDERATED', retryable: false } } }, etag);
    const edited = await submitNewUserForm(w.deps, ada.cred, ada.actor, form({ domain: 'fabrikamcorp.onmicrosoft.com' }), { mode: 'personal', requestId: first.request.id });
    if (edited.kind !== 'ready') throw new Error('not ready');
    expect((await w.requests.get(first.request.id))?.value.state).toEqual({ kind: 'draft' });
  });

  it("someone else's request cannot be edited (NOT_REQUESTER), an unknown one is REQUEST_NOT_FOUND, a final one ILLEGAL_TRANSITION; nothing changes", async () => {
    const w = useCaseWorld();
    const first = await submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal' });
    if (first.kind !== 'ready') throw new Error('not ready');
    const before = (await w.requests.get(first.request.id))!;

    expect(await codeOf(() => submitNewUserForm(w.deps, ben.cred, ben.actor, form({ userName: 'stolen' }), { mode: 'personal', requestId: first.request.id }))).toBe('NOT_REQUESTER');
    expect(await codeOf(() => submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal', requestId: '00000000-0000-4000-8000-999999999999' }))).toBe('REQUEST_NOT_FOUND');
    expect(await w.requests.get(first.request.id)).toEqual(before);
    expect(await w.deps.vault.get(first.request.id)).toBe(PASSWORD);

    await w.requests.update({ ...before.value, state: { kind: 'cancelled', by: ada.actor, at: before.value.createdAt } }, before.etag);
    const cancelled = (await w.requests.get(first.request.id))!;
    expect(await codeOf(() => submitNewUserForm(w.deps, ada.cred, ada.actor, form(), { mode: 'personal', requestId: first.request.id }))).toBe('ILLEGAL_TRANSITION');
    expect(await w.requests.get(first.request.id)).toEqual(cancelled);
  });
});
