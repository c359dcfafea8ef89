import { BotHarness, cardText, cardVerbs, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

/**
 * Partner Center lists a customer's users only for Directory Reader, Global reader or User Administrator ("Get a
 * list of all user accounts for a customer"); Directory Writers may create users but not list them. Erin holds only
 * Directory Writers on Fabrikam: the user-name check becomes a notice and she still creates; Ada (User
 * Administrator) keeps the full checklist. Over HTTP against the sandbox, which refuses the list as Partner Center does.
 */

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  auth: { oid?: string } | null;
}

const REVIEW = { firstName: 'Dir', lastName: 'Writer', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' };

async function review(bot: BotHarness, user: TeamsUser, userName: string) {
  const card = invokeCard(await bot.execute(user, 'submitForm', { customerId: FABRIKAM, userName, domain: 'fabrikam.example', ...REVIEW }));
  return { card, text: cardText(card), verbs: cardVerbs(card) };
}

async function createAndWait(bot: BotHarness, user: TeamsUser, card: any, cardId: string, until: string) {
  const requestId = card.actions.find((a: { verb?: string }) => a.verb === 'create').data.requestId as string;
  await bot.execute(user, 'create', { requestId }, cardId);
  const update = await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes(until)));
  return cardOf(update);
}

const userListPath = `/v1/customers/${FABRIKAM}/users`;

describe('default seed: Erin (Directory Writers only) on Fabrikam', () => {
  const bot = new BotHarness();
  let erin: TeamsUser;
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    [erin, ada] = await Promise.all([bot.teamsUser('erin@contoso-partner.example'), bot.teamsUser('ada@contoso-partner.example')]);
    await bot.signIn(erin);
    await bot.signIn(ada);
  });
  afterAll(() => bot.stop());

  it('gets a user-name notice instead of a stop, and creates the user', async () => {
    const before = ((await bot.sandboxState()).requests as unknown as LoggedRequest[]).length;
    const { card, text, verbs } = await review(bot, erin, 'dw.created');
    expect(text).toContain('You hold Directory Writers for this customer');
    expect(text).toContain('fabrikam.example is verified and managed');
    expect(text).toContain('**User name free**: dw.created@fabrikam.example is not taken by an active user, but deleted users were not checked');
    expect(text).toContain('Directory Readers, Global Reader or User Administrator');
    expect(text).toContain('Partner Center still refuses a user name that is taken when it creates the user');
    expect(text).toContain('restoring one instead is not offered');
    expect(text).toMatch(/GDAP\\?_ROLE\\?_MISSING · upstream 900150/);
    expect(text).not.toContain('Nothing will be sent to Partner Center');
    expect(text).toContain('were not made; they do not stop the creation');
    expect(verbs[0]).toBe('create');
    // Partner Center really refused Erin's list (the deleted-users query) with 403.
    const log = ((await bot.sandboxState()).requests as unknown as LoggedRequest[]).slice(before);
    const lists = log.filter((r) => r.method === 'GET' && r.path === userListPath);
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.every((r) => r.status === 403)).toBe(true);

    const done = await createAndWait(bot, erin, card, 'dw-create', 'User created');
    expect(cardText(done)).toContain('dw.created@fabrikam.example');
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].find((u) => u.userPrincipalName === 'dw.created@fabrikam.example')?.state).toBe('active');
  });

  it('a name held by an active user is still stopped (Graph answered that half)', async () => {
    const { text, verbs } = await review(bot, erin, 'alice.smith');
    expect(text).toContain('alice.smith@fabrikam.example already belongs to a user');
    expect(verbs).not.toContain('create');
  });

  it('a name held by a deleted user: no restore offer; Partner Center refuses it at creation, with "Edit and retry"', async () => {
    const { card, text, verbs } = await review(bot, erin, 'bob.jones');
    expect(text).toContain('deleted users were not checked');
    expect(verbs).not.toContain('restoreUser');
    expect(verbs).toContain('create');
    const failed = await createAndWait(bot, erin, card, 'dw-deleted', 'was not created');
    expect(cardText(failed)).toMatch(/UPN\\?_TAKEN/);
    expect(cardVerbs(failed)).toContain('edit');
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === 'bob.jones@fabrikam.example').map((u) => u.state)).toEqual(['inactive']);
  });

  it("Ada (User Administrator) keeps the full checklist: the list answers, and the deleted user's restore is offered", async () => {
    const full = await review(bot, ada, 'ua.full');
    expect(full.text).toContain('ua.full@fabrikam.example is free.');
    expect(full.text).not.toContain('Not checked');
    expect(full.text).not.toContain('not checked');
    const deleted = await review(bot, ada, 'bob.jones');
    expect(deleted.verbs).toContain('restoreUser');
  });
});

describe('single-tenant registration: Erin on Fabrikam, neither Graph nor the list can answer', () => {
  const bot = new BotHarness({ sandboxAppRegistration: 'single-tenant' });
  let erin: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    erin = await bot.teamsUser('erin@contoso-partner.example');
    await bot.signIn(erin);
  });
  afterAll(() => bot.stop());

  it('a connectable notice for the user name, and the user is created', async () => {
    const { card, text, verbs } = await review(bot, erin, 'dw.single');
    expect(text).toContain('**User name free**: Not checked: Partner Center lists a customer\'s users only for Directory Readers, Global Reader or User Administrator');
    expect(text).toContain("this bot's app is not connected to the customer's tenant");
    expect(text).toContain('You hold Directory Writers for this customer');
    expect(text).not.toContain('Nothing will be sent to Partner Center');
    expect(verbs).toContain('create');
    expect(verbs).toContain('connectCustomer');
    const done = await createAndWait(bot, erin, card, 'dws-create', 'User created');
    expect(cardText(done)).toContain('dw.single@fabrikam.example');
  });
});
