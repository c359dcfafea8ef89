import { FABRIKAM, cardText } from '../support/bot-harness';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * Issue #18 through what `npm start` runs, driven via the Agents Playground's own HTTP and WebSocket API: a new
 * Fabrikam user from the "Fabrikam office staff" template (its licence and two groups) with a manager chosen on
 * the form, checked, created, every step shown on the result card, and then on the user in the sandbox's state.
 */
interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string; total: number; consumed: number }>; groups: Array<{ id: string; displayName: string; members: string[] }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[]; managerId?: string; profile: Record<string, string> }>>;
}

const TEMPLATE = 'Fabrikam office staff';

describe('Agents Playground: onboarding from a template, end to end', () => {
  const env = new DevEnvironment('test-output/e2e-onboarding-data');
  let driver: PlaygroundDriver;
  let chat: string;
  let me: string;

  const world = async () => (await env.sandboxState()) as unknown as World;
  const fabrikam = (w: World) => w.customers.find((c) => c.id === FABRIKAM)!;

  beforeAll(async () => {
    await env.start();
    driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
    const cfg = await driver.config();
    chat = cfg.personalChat.id as string;
    me = cfg.currentUser.id as string;
  }, 90_000);

  afterAll(async () => {
    driver?.close();
    await env.stop();
  });

  it('Fabrikam template + a manager: checklist all ok, Create, each step ✓ on the card, then licence, both groups and the manager on the user', async () => {
    const before = await world();
    const carol = before.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith('carol.'))!;
    const { pickerId, form } = await driver.openNewUserForm(chat, me, FABRIKAM);
    // The form offers the template by name: a choice on its template picker.
    const templateId = PlaygroundDriver.choiceValue(form, 'templateId', TEMPLATE);
    expect(templateId).toMatch(/^[0-9a-f-]{36}$/);

    const applied = await driver.card(chat, me, pickerId, 'applyTemplate', { customerId: FABRIKAM, ...PlaygroundDriver.formValues(form), templateId: templateId!, firstName: 'Marie', lastName: 'Curie' });
    const values = PlaygroundDriver.formValues(applied);
    const standard = fabrikam(before).skus.find((s) => s.name === 'Microsoft 365 Business Standard')!;
    const groupId = (name: string) => fabrikam(before).groups.find((g) => g.displayName === name)!.id;
    // The template filled the user name (its {first}.{last} format), the domain, the licence and both groups.
    expect(values).toMatchObject({ templateId, userName: 'marie.curie', domain: 'fabrikam.example', licences: standard.id });
    expect(values.groups.split(',').sort()).toEqual([groupId('All Staff'), groupId('Sales Team')].sort());

    // Keep the template's licence and groups, choose a manager; the template requires a ticket.
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', { ...values, customerId: FABRIKAM, passwordMode: 'generate', password: '', manager: carol.id, ticket: 'E2E-18' });
    for (const id of ['licences', 'groups', 'manager']) expect(PlaygroundDriver.checkCode(confirm, id)).toBe('ok.');
    expect(JSON.stringify(confirm)).not.toMatch(/"check\.[a-z-]+\.blocked\./);
    const create = confirm.actions.find((a: any) => a.verb === 'create');
    expect(create).toBeDefined();

    const creating = await driver.card(chat, me, pickerId, 'create', { requestId: create.data.requestId });
    expect(cardText(creating)).toContain('Creating');
    const result = await driver.waitFor(() => {
      const card = driver.messages.get(pickerId)?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
      return card && cardText(card).includes('User created') && cardText(card).includes('Manager') ? card : undefined;
    }, 30_000);
    const steps = PlaygroundDriver.stepCodes(result);
    expect(steps).toMatchObject({ 'assign-licences': 'done.', 'set-manager': 'done.' });
    expect(Object.keys(steps).some((s) => s.includes('group'))).toBe(true);
    for (const [name, status] of Object.entries(steps)) expect(`${name}: ${status}`).toBe(`${name}: done.`);
    for (const s of ['Licences', 'Groups', 'Manager']) expect(cardText(result)).toContain(`✓ ${s}`);

    // The sandbox's state: the licence, both memberships and the manager are on the created user.
    const after = await world();
    const marie = after.users[FABRIKAM].filter((u) => u.userPrincipalName === 'marie.curie@fabrikam.example');
    expect(marie).toHaveLength(1);
    expect(marie[0].licenses).toEqual([standard.id]);
    expect(fabrikam(after).groups.filter((g) => g.members.includes(marie[0].id)).map((g) => g.displayName).sort()).toEqual(['All Staff', 'Sales Team']);
    expect(marie[0].managerId).toBe(carol.id);
    expect(fabrikam(after).skus.find((s) => s.id === standard.id)!.consumed).toBe(standard.consumed + 1);
  }, 180_000);

  it('a licence with no free seat and a distribution-list group are caught on the checklist with their codes; nothing is created', async () => {
    const before = await world();
    const full = fabrikam(before).skus.find((s) => s.consumed >= s.total)!;
    const list = fabrikam(before).groups.find((g) => g.displayName === 'Fabrikam Announcements')!;
    expect(full).toBeDefined();
    const { pickerId, form } = await driver.openNewUserForm(chat, me, FABRIKAM);
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', {
      ...PlaygroundDriver.formValues(form),
      customerId: FABRIKAM,
      firstName: 'Pierre',
      lastName: 'Blocked',
      userName: 'pierre.blocked',
      domain: 'fabrikam.example',
      usageLocation: 'FR',
      passwordMode: 'generate',
      password: '',
      licences: full.id,
      groups: list.id,
      ticket: 'E2E-18b',
    });
    expect(PlaygroundDriver.checkCode(confirm, 'licences')).toBe('blocked.NO_FREE_SEAT');
    expect(PlaygroundDriver.checkCode(confirm, 'groups')).toBe('blocked.GROUP_NEEDS_EXCHANGE');
    expect((confirm.actions as Array<{ verb?: string }>).map((a) => a.verb)).not.toContain('create');

    const after = await world();
    expect(after.users[FABRIKAM].some((u) => u.userPrincipalName.startsWith('pierre.blocked@'))).toBe(false);
  }, 120_000);
});
