import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { CUSTOMERS } from '../../support/sandbox-network';

/**
 * Issue #18, "copy from an existing user", over HTTP: the form's Copy reads the chosen user of the customer from
 * its tenant (as the engineer) and fills the form; what was filled goes through the same checks as any choice.
 */
interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string }>; groups: Array<{ id: string; displayName: string }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[]; managerId?: string }>>;
}

describe('copy from an existing user', () => {
  const bot = new BotHarness({});
  let ada: TeamsUser;
  let world: World;
  const user = (prefix: string) => world.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith(prefix))!;
  const group = (name: string) => world.customers.find((c) => c.id === FABRIKAM)!.groups.find((g) => g.displayName === name)!;
  /** The value an input of the card shows. */
  const inputValue = (card: any, id: string): unknown => {
    let found: unknown;
    JSON.stringify(card, (k, v) => {
      if (v && typeof v === 'object' && v.id === id && typeof v.type === 'string' && v.type.startsWith('Input.')) found = v.value;
      return v;
    });
    return found;
  };

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    world = (await bot.sandboxState()) as unknown as World;
  });
  afterAll(() => bot.stop());

  it('Copy from carol (Fabrikam) fills her licences, manageable groups, department, job title, office, manager and usage location; typed names are kept', async () => {
    const form = invokeCard(await bot.execute(ada, 'pickCustomer', { customerId: FABRIKAM }));
    expect(JSON.stringify(form)).toContain('"id":"copyFrom"');
    const carol = user('carol.white@');
    const alice = user('alice.smith@');
    const card = invokeCard(await bot.execute(ada, 'copyFromUser', { customerId: FABRIKAM, requestId: '', firstName: 'Nora', lastName: 'Quist', usageLocation: 'US', copyFrom: carol.id }));
    expect(inputValue(card, 'firstName')).toBe('Nora');
    expect(inputValue(card, 'department')).toBe('Sales');
    expect(inputValue(card, 'jobTitle')).toBe('Account Executive');
    expect(inputValue(card, 'officeLocation')).toBe('London');
    expect(inputValue(card, 'usageLocation')).toBe('GB');
    expect(inputValue(card, 'manager')).toBe(alice.id);
    expect(String(inputValue(card, 'licences')).split(',')).toEqual(carol.licenses.map((l) => l.toLowerCase()));
    // Her distribution list is Exchange's: not copied, and the card says so.
    expect(String(inputValue(card, 'groups')).split(',').sort()).toEqual([group('All Staff').id, group('Sales Team').id].sort());
    expect(cardText(card)).toContain('Not copied (cannot be managed here): Fabrikam Announcements');
    // Copied values are ordinary choices: submitted, every onboarding check passes.
    const v = (id: string) => String(inputValue(card, id) ?? '');
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', {
      customerId: FABRIKAM, firstName: 'Nora', lastName: 'Quist', displayName: '', userName: 'nora.copied', domain: 'fabrikam.example', usageLocation: v('usageLocation'),
      immutableId: '', passwordMode: 'generate', password: '', forceChangePassword: 'true', ticket: 'INC-18',
      licences: v('licences'), groups: v('groups'), manager: v('manager'), jobTitle: v('jobTitle'), department: v('department'), officeLocation: v('officeLocation'),
    }));
    for (const id of ['licences', 'groups', 'manager', 'profile']) expect(JSON.stringify(confirm)).toMatch(new RegExp(`"check\\.${id}\\.ok\\.`));
  });

  it('an id that is no user of the customer is refused on the form with USER_NOT_FOUND', async () => {
    const card = invokeCard(await bot.execute(ada, 'copyFromUser', { customerId: FABRIKAM, copyFrom: '99999999-0000-4000-8000-000000000000' }));
    expect(JSON.stringify(card)).toContain('"id":"error.USER_NOT_FOUND"');
  });

  it('a customer whose tenant is not connected (Adatum) shows copy as unavailable, with the reason', async () => {
    const form = invokeCard(await bot.execute(ada, 'pickCustomer', { customerId: CUSTOMERS.adatum }));
    expect(JSON.stringify(form)).not.toContain('"id":"copyFrom"');
    expect(JSON.stringify(form)).toContain('"id":"copy.unavailable"');
    expect(cardText(form)).toContain('Copy from an existing user is not available');
  });
});
