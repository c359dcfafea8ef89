import { BotHarness, cardText, cardVerbs, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { errorCodeOf } from '../../support/card-error-code';
import { cardOf } from '../../support/recording-connector';
import { sandboxClient } from '../../support/sandbox-network';
import { SANDBOX_TEMPLATES } from '../../../src/sandbox/seed-templates';

/**
 * Issue #18 over HTTP: a request that asks for licences, groups, a manager and profile attributes is checked
 * for every step before anything is created, and after Partner Center creates the user the steps run under the
 * same engineer's identity; the sandbox's state then shows them on the user.
 */
interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string; total: number; consumed: number }>; groups: Array<{ id: string; displayName: string; members: string[] }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[]; managerId?: string; profile: Record<string, string> }>>;
  requests: Array<{ method: string; path: string; status: number }>;
}

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The onboarding block's rows (title → value) of a rendered confirmation card. */
function onboardingRows(card: unknown): Record<string, string> {
  let block: Array<Record<string, any>> | undefined;
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, any>;
    if (Array.isArray(o.items) && typeof o.items[0]?.text === 'string' && o.items[0].text.startsWith('Applied once the user exists')) block = o.items[1].items;
    Object.values(o).forEach(walk);
  };
  walk(card);
  expect(block).toBeDefined();
  return Object.fromEntries(block!.map((row) => [row.columns[0].items[0].text, row.columns[1].items[0].text]));
}

describe('onboarding steps: licences, groups, manager, profile', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 0.01 });
  let ada: TeamsUser;
  let world: World;
  const fabrikam = () => world.customers.find((c) => c.id === FABRIKAM)!;
  const sku = (name: string) => fabrikam().skus.find((s) => s.name.includes(name))!;
  const group = (name: string) => fabrikam().groups.find((g) => g.displayName === name)!;
  const user = (w: World, prefix: string) => w.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith(prefix))!;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    world = (await bot.sandboxState()) as unknown as World;
  });
  afterAll(() => bot.stop());

  const form = (userName: string, extra: Record<string, string>) => ({
    customerId: FABRIKAM, firstName: 'Nora', lastName: 'Quist', displayName: '', userName, domain: 'fabrikam.example', usageLocation: 'GB',
    immutableId: '', passwordMode: 'generate', password: '', forceChangePassword: 'true', ticket: 'INC-18', ...extra,
  });
  /** `status.CODE` of one check on a confirmation card (its invisible element id `check.<id>.<status>.<code>`). */
  const checkCode = (card: unknown, id: string): string | undefined => {
    const m = JSON.stringify(card).match(new RegExp(`"check\\.${id}\\.([a-z-]+)\\.([A-Z_]*)"`));
    return m ? `${m[1]}.${m[2]}` : undefined;
  };

  it('the form offers the customer\'s licences with free seats, its groups (with those that cannot be used here marked) and a manager', async () => {
    const form = invokeCard(await bot.execute(ada, 'pickCustomer', { customerId: FABRIKAM }));
    const input = (id: string) => JSON.stringify(form).includes(`"id":"${id}"`);
    for (const id of ['licences', 'groups', 'manager', 'employeeId', 'mobilePhone']) expect(input(id)).toBe(true);
    const text = cardText(form);
    const standard = sku('Business Standard');
    expect(text).toContain(`${standard.name} — ${standard.total - standard.consumed} of ${standard.total} free`);
    expect(text).toContain('Fabrikam Announcements (distribution list) — needs Exchange: not here');
    expect(text).toContain('alice.smith@fabrikam.example');
  });

  it('a licence, two groups, a manager and a profile: checked first, then on the user in the customer tenant', async () => {
    const standard = sku('Business Standard');
    const freeBefore = standard.total - standard.consumed;
    const alice = user(world, 'alice.smith');
    const confirm = invokeCard(
      await bot.execute(ada, 'submitForm', form('nora.quist', { licences: standard.id, groups: `${group('All Staff').id},${group('Sales Team').id}`, manager: alice.id, jobTitle: 'Account Executive', department: 'Sales' })),
    );
    expect(cardVerbs(confirm)).toContain('create');
    for (const id of ['licences', 'groups', 'manager', 'profile']) expect(checkCode(confirm, id)).toBe('ok.');
    const text = cardText(confirm);
    expect(text).toContain(`${freeBefore} of ${standard.total} free`);
    expect(text).toContain('All Staff, Sales Team');
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;

    const cardId = 'act-onboard-1';
    await bot.execute(ada, 'create', { requestId }, cardId);
    const result = await bot.connector.waitFor(() => bot.connector.updates(cardId).map(cardOf).find((c) => c && cardText(c).includes('User created')));
    await bot.app.teams.background.drain();

    const after = (await bot.sandboxState()) as unknown as World;
    const nora = user(after, 'nora.quist@');
    expect(nora.licenses).toEqual([standard.id]);
    expect(after.customers.find((c) => c.id === FABRIKAM)!.groups.filter((g) => g.members.includes(nora.id)).map((g) => g.displayName).sort()).toEqual(['All Staff', 'Sales Team']);
    expect(nora.managerId).toBe(alice.id);
    expect(nora.profile).toMatchObject({ jobTitle: 'Account Executive', department: 'Sales' });

    // The result card lists every step with its mark.
    const steps = cardText(result);
    for (const s of ['Licences', 'Groups', 'Manager', 'Profile']) expect(steps).toContain(`✓ ${s}`);
  });

  it('a licence with no free seat and a distribution list are caught on the checklist with their codes; nothing is created', async () => {
    const exchange = sku('Exchange');
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form('nora.blocked', { licences: exchange.id, groups: group('Fabrikam Announcements').id })));
    expect(cardVerbs(confirm)).not.toContain('create');
    expect(checkCode(confirm, 'licences')).toBe('blocked.NO_FREE_SEAT');
    expect(checkCode(confirm, 'groups')).toBe('blocked.GROUP_NEEDS_EXCHANGE');
    const state = (await bot.sandboxState()) as unknown as World;
    expect(state.users[FABRIKAM].some((u) => u.userPrincipalName.startsWith('nora.blocked@'))).toBe(false);

    // "Continue without" each blocked step: the checks run again without it, and Create is offered.
    const requestId = confirm.actions.find((a: any) => a.verb === 'edit').data.requestId as string;
    const leaveOuts = (confirm.actions as any[]).filter((a) => a.verb === 'leaveOut').map((a) => a.data.step);
    expect(leaveOuts.sort()).toEqual(['groups', 'licences']);
    invokeCard(await bot.execute(ada, 'leaveOut', { requestId, step: 'licences' }));
    const without = invokeCard(await bot.execute(ada, 'leaveOut', { requestId, step: 'groups' }));
    expect(checkCode(without, 'licences')).toBeUndefined();
    expect(cardVerbs(without)).toContain('create');
    await bot.execute(ada, 'create', { requestId }, 'act-onboard-leave-out');
    const done = await bot.connector.waitFor(() => bot.connector.updates('act-onboard-leave-out').map(cardOf).find((c) => c && cardText(c).includes('User created')));
    expect(JSON.stringify(done)).toContain('"step.assign-licences.left-out."');
    await bot.app.teams.background.drain();
    const after = (await bot.sandboxState()) as unknown as World;
    expect(user(after, 'nora.blocked@').licenses).toEqual([]);
  });

  it('a step that fails after the user exists shows ✗ with its code; Retry the failed steps finishes it without creating again', async () => {
    const dave = user(world, 'dave.');
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form('nora.retry', { manager: dave.id })));
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;
    // The manager is removed after every check passed and the user was created, while the manager call is slow.
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'PUT', path: '/v1.0/users/*/manager/$ref', kind: 'latency', latencyMs: 1500, count: 1 });
    const sb = sandboxClient(bot.sandboxUrl);
    const pcToken = await sb.accessToken('ada@contoso-partner.example');
    const cardId = 'act-onboard-retry';
    await bot.execute(ada, 'create', { requestId }, cardId);
    for (let i = 0; i < 200 && !((await bot.sandboxState()) as unknown as World).users[FABRIKAM].some((u) => u.userPrincipalName.startsWith('nora.retry@')); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await sb.pc(pcToken, 'DELETE', `/v1/customers/${FABRIKAM}/users/${dave.id}`)).status).toBe(204);

    const failed = await bot.connector.waitFor(() => bot.connector.updates(cardId).map(cardOf).find((c) => c && JSON.stringify(c).includes('step.set-manager.failed')));
    expect(JSON.stringify(failed)).toContain('"step.set-manager.failed.USER_NOT_FOUND"');
    expect(cardVerbs(failed)).toContain('retrySteps');
    await bot.app.teams.background.drain();

    expect((await sb.pc(pcToken, 'PATCH', `/v1/customers/${FABRIKAM}/users/${dave.id}`, { body: { State: 'active', Attributes: { ObjectType: 'CustomerUser' } } })).status).toBe(200);
    const creates = () => bot.sandboxState().then((st) => st.requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${FABRIKAM}/users` && r.status === 201).length);
    const createsBefore = await creates();
    const retried = invokeCard(await bot.execute(ada, 'retrySteps', { requestId }, cardId));
    expect(JSON.stringify(retried)).toContain('"step.set-manager.done."');
    expect(cardVerbs(retried)).not.toContain('retrySteps');
    const after = (await bot.sandboxState()) as unknown as World;
    expect(user(after, 'nora.retry@').managerId).toBe(dave.id);
    expect(await creates()).toBe(createsBefore);

    // Someone else cannot retry another person's 1:1 request.
    const erin = await bot.teamsUser('erin@contoso-partner.example');
    await bot.signIn(erin);
    const refused = await bot.execute(erin, 'retrySteps', { requestId });
    expect(['NOT_REQUESTER', 'REQUEST_NOT_FOUND']).toContain(errorCodeOf(refused.body?.value ?? refused.body));
  });

  it('from the Fabrikam template: its licence and both groups flow into the steps, with a manager chosen on the form', async () => {
    const template = SANDBOX_TEMPLATES.find((t) => t.name === 'Fabrikam office staff')!;
    const carol = user(world, 'carol.');
    const values = {
      templateId: template.id,
      licences: template.licences.map((l) => l.skuId).join(','),
      groups: template.groups.map((g) => g.id).join(','),
      manager: carol.id,
      managerName: 'Carol',
      jobTitle: template.jobTitle,
      department: template.department,
    };
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form('nora.template', values)));
    for (const id of ['licences', 'groups', 'manager']) expect(checkCode(confirm, id)).toBe('ok.');
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;
    await bot.execute(ada, 'create', { requestId }, 'act-onboard-template');
    await bot.connector.waitFor(() => bot.connector.updates('act-onboard-template').map(cardOf).find((c) => c && cardText(c).includes('✓ Manager')));
    await bot.app.teams.background.drain();
    const after = (await bot.sandboxState()) as unknown as World;
    const nora = user(after, 'nora.template@');
    expect(nora.licenses).toEqual(template.licences.map((l) => l.skuId));
    expect(after.customers.find((c) => c.id === FABRIKAM)!.groups.filter((g) => g.members.includes(nora.id)).map((g) => g.id).sort()).toEqual(template.groups.map((g) => g.id).sort());
    expect(nora.managerId).toBe(carol.id);
  });

  // The confirmation card's onboarding block names what it will apply, as the checks read it over HTTP: licences by
  // product name, groups and the manager by display name. An id shows only where no name was read, and says so; a
  // name typed into the submitted card is never shown as the manager's, and the buttons carry ids only.
  it('licences, groups and the manager chosen on the form (no template) are named as the checks read them', async () => {
    const standard = sku('Business Standard');
    const alice = user(world, 'alice.smith@');
    const confirm = invokeCard(
      await bot.execute(ada, 'submitForm', form('nora.names', {
        licences: standard.id,
        groups: `${group('All Staff').id},${group('Sales Team').id}`,
        manager: alice.id,
        // What a crafted card could say about the manager: not shown.
        managerName: 'Evil Boss',
      })),
    );
    const rows = onboardingRows(confirm);
    expect(rows.Licences).toBe(standard.name);
    expect(rows.Groups).toBe('All Staff, Sales Team');
    expect(rows.Manager).toMatch(/^\S.* \(alice\.smith@fabrikam\.example\)$/);
    for (const value of Object.values(rows)) expect(value).not.toMatch(GUID);
    expect(JSON.stringify(confirm)).not.toContain('Evil Boss');
    // The buttons carry the request id (and a step), never a name: the server re-reads the stored ids.
    for (const a of confirm.actions as Array<{ data: Record<string, string> }>) {
      expect(Object.keys(a.data).every((k) => ['verb', 'requestId', 'step', 'customerId'].includes(k))).toBe(true);
      expect(JSON.stringify(a.data)).not.toMatch(/All Staff|Sales Team|alice|Business Standard/);
    }
  });

  it('an id no check could name is shown as the id, saying the name is unknown', async () => {
    const missingGroup = '0d0d0d0d-1111-4222-8333-444444444444';
    const missingSku = '0e0e0e0e-1111-4222-8333-555555555555';
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form('nora.unnamed', { licences: missingSku, groups: `${group('All Staff').id},${missingGroup}` })));
    const rows = onboardingRows(confirm);
    expect(rows.Licences).toBe(`${missingSku} (name unknown)`);
    // The first group was read before the missing one stopped the check.
    expect(rows.Groups).toBe(`All Staff, ${missingGroup} (name unknown)`);
  });
});
