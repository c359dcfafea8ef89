import { BotHarness, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';

/**
 * The confirmation card's onboarding block names what it will apply: licences by product name (as Partner Center
 * lists the customer's subscriptions), groups and the manager by display name (as the customer's directory has
 * them), all read by the pre-flight checks over HTTP from the sandbox. An id shows only where no name was read,
 * and says so. A name typed into the submitted card is never shown as the manager's; the buttons carry ids only.
 */
interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string }>; groups: Array<{ id: string; displayName: string }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string }>>;
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

describe('confirmation card: the onboarding block shows names, not ids', () => {
  const bot = new BotHarness();
  let ada: TeamsUser;
  let world: World;
  const fabrikam = () => world.customers.find((c) => c.id === FABRIKAM)!;
  const sku = (name: string) => fabrikam().skus.find((s) => s.name.includes(name))!;
  const group = (name: string) => fabrikam().groups.find((g) => g.displayName === name)!;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    world = (await bot.sandboxState()) as unknown as World;
  });
  afterAll(() => bot.stop());

  const form = (userName: string, extra: Record<string, string>) => ({
    customerId: FABRIKAM, firstName: 'Nora', lastName: 'Names', displayName: '', userName, domain: 'fabrikam.example', usageLocation: 'GB',
    immutableId: '', passwordMode: 'generate', password: '', forceChangePassword: 'true', ticket: 'INC-N', ...extra,
  });

  it('licences, groups and the manager chosen on the form (no template) are named as the checks read them', async () => {
    const standard = sku('Business Standard');
    const alice = world.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith('alice.smith@'))!;
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
