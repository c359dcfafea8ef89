import { BotHarness, FABRIKAM, type TeamsUser } from '../../support/bot-harness';
import { CUSTOMERS } from '../../support/sandbox-network';

/**
 * Issue #18, type-ahead for groups and people on the new-user form (Data.Query, `application/search` over HTTP):
 * scoped to the card's customer, which is re-checked against the person's own customers, and offering only the
 * groups that can be managed here.
 */
interface World {
  customers: Array<{ id: string; groups: Array<{ id: string; displayName: string }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string }>>;
}

describe('type-ahead for groups and people on the new-user form', () => {
  const bot = new BotHarness({});
  let ada: TeamsUser;
  let world: World;
  const fabrikamGroups = () => world.customers.find((c) => c.id === FABRIKAM)!.groups;
  const search = async (dataset: string, queryText = '') => bot.invoke(ada, 'application/search', { dataset, queryText, queryOptions: { top: 25, skip: 0 } });
  const results = (res: { body: any }): Array<{ title: string; value: string }> => res.body?.value?.results ?? [];

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    world = (await bot.sandboxState()) as unknown as World;
  });
  afterAll(() => bot.stop());

  it('groups of the card\'s customer: only the manageable ones (no role-assignable, distribution or mail-enabled security group)', async () => {
    const res = await search(`groups:${FABRIKAM}`);
    const byName = (n: string) => fabrikamGroups().find((g) => g.displayName === n)!.id;
    expect(results(res).map((r) => r.value).sort()).toEqual(['All Staff', 'Engineering', 'Sales Team', 'Project Phoenix'].map(byName).sort());
    const typed = await search(`groups:${FABRIKAM}`, 'Sales');
    expect(results(typed).map((r) => r.value)).toEqual([byName('Sales Team')]);
  });

  it('people of the card\'s customer match what was typed', async () => {
    const res = await search(`people:${FABRIKAM}`, 'carol');
    const carol = world.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith('carol.white@'))!;
    expect(results(res).map((r) => r.value)).toEqual([carol.id]);
  });

  it('a customer the person may not act on is refused with CUSTOMER_NOT_FOUND, not answered', async () => {
    for (const id of [CUSTOMERS.notACustomer, 'not-a-guid']) {
      const res = await search(`groups:${id}`);
      expect(res.body?.type).toBe('application/vnd.microsoft.error');
      expect(res.body?.value?.code).toBe('CUSTOMER_NOT_FOUND');
    }
  });

  it('a person whose GDAP roles do not read the directory (fay: in no GDAP group) is refused with GDAP_ROLE_MISSING', async () => {
    const fay = await bot.teamsUser('fay@contoso-partner.example');
    await bot.signIn(fay);
    const res = await bot.invoke(fay, 'application/search', { dataset: `people:${FABRIKAM}`, queryText: '', queryOptions: { top: 25, skip: 0 } });
    expect(res.body?.value?.code).toBe('GDAP_ROLE_MISSING');
  });
});
