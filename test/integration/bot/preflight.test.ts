import { BotHarness, cardText, cardVerbs, FABRIKAM, NORTHWIND, PARTNER_TENANT, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { CUSTOMERS } from '../../support/sandbox-network';
import { errorCodeOf } from '../../support/card-error-code';

const { tailspin: TAILSPIN, wideWorld: WIDE_WORLD, adatum: ADATUM, litware: LITWARE } = CUSTOMERS;

/**
 * The pre-flight checklist against the sandbox's seeded customers: every blocked case is explained on the
 * confirmation card, has no Create button, and the sandbox receives no create request for it.
 */
describe('pre-flight checklist on the confirmation card', () => {
  const bot = new BotHarness();
  const users: Record<string, TeamsUser> = {};

  beforeAll(async () => {
    await bot.start();
    for (const n of ['ada', 'ben', 'cleo']) {
      users[n] = await bot.teamsUser(`${n}@contoso-partner.example`);
      await bot.signIn(users[n]);
    }
  });
  afterAll(() => bot.stop());

  const createPosts = async () => (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /^\/v1\/customers\/[^/]+\/users$/.test(r.path)).length;

  async function review(user: TeamsUser, customerId: string, userName: string, domain: string) {
    const res = await bot.execute(user, 'submitForm', {
      customerId,
      firstName: 'Pre',
      lastName: 'Flight',
      userName,
      domain,
      usageLocation: 'US',
      passwordMode: 'generate',
      forceChangePassword: 'true',
    });
    const card = invokeCard(res);
    return { card, text: cardText(card), verbs: cardVerbs(card) };
  }

  async function expectBlocked(user: TeamsUser, customerId: string, userName: string, domain: string, says: string) {
    const before = await createPosts();
    const { text, verbs } = await review(user, customerId, userName, domain);
    expect(text).toContain(says);
    expect(text).toContain('Nothing will be sent to Partner Center');
    expect(verbs).not.toContain('create');
    expect(await createPosts()).toBe(before);
    return text;
  }

  it('healthy customer: every check ok, and one click creates', async () => {
    const { text, verbs, card } = await review(users.ada, FABRIKAM, 'healthy.one', 'fabrikam.example');
    expect(text).toContain('You hold User Administrator for this customer');
    expect(text).toContain('fabrikam.example is verified and managed');
    expect(text).toContain('healthy.one@fabrikam.example is free');
    expect(text).not.toContain('Nothing will be sent');
    expect(verbs[0]).toBe('create');
    const requestId = card.actions[0].data.requestId as string;
    await bot.execute(users.ada, 'create', { requestId }, 'pf-create');
    await bot.connector.waitFor(() => bot.connector.updates('pf-create').find((u) => cardText(cardOf(u)).includes('User created')));
  });

  it('federated domain is refused with an explanation', async () => {
    await expectBlocked(users.ada, NORTHWIND, 'fed.user', 'northwind.example', 'is federated');
  });

  it('expired relationship', async () => {
    await expectBlocked(users.ada, TAILSPIN, 'late.user', 'tailspintoys.example', 'has expired');
  });

  it('no relationship', async () => {
    await expectBlocked(users.ada, WIDE_WORLD, 'none.user', 'wideworldimporters.onmicrosoft.com', 'no GDAP relationship');
  });

  it('no assignment with a suitable role', async () => {
    await expectBlocked(users.ada, LITWARE, 'reader.only', 'litware.example', 'No active access assignment');
  });

  it('engineer not in the group', async () => {
    await expectBlocked(users.ben, FABRIKAM, 'ben.tries', 'fabrikam.example', 'not a member of any security group');
  });

  it('role granted only through a nested group is enough', async () => {
    const { text, verbs } = await review(users.cleo, FABRIKAM, 'nested.ok', 'fabrikam.example');
    expect(text).toContain('You hold User Administrator');
    expect(verbs).toContain('create');
  });

  it('relationship ending within 14 days is a warning, and Create stays', async () => {
    const { text, verbs } = await review(users.ada, ADATUM, 'soon.ending', 'adatum.example');
    expect(text).toMatch(/ends in \d+ day/);
    expect(verbs).toContain('create');
  });

  it('UPN taken', async () => {
    await expectBlocked(users.ada, FABRIKAM, 'alice.smith', 'fabrikam.example', 'already belongs to a user');
  });

  it('UPN held by a soft-deleted user: restore is offered, confirmed separately, and works', async () => {
    const before = await createPosts();
    const { card, verbs } = await review(users.ada, FABRIKAM, 'bob.jones', 'fabrikam.example');
    expect(verbs).toContain('restoreUser');
    expect(verbs).not.toContain('create');
    const requestId = card.actions.find((a: any) => a.verb === 'restoreUser').data.requestId as string;
    const confirm = invokeCard(await bot.execute(users.ada, 'restoreUser', { requestId }));
    expect(cardText(confirm)).toContain('Restore bob.jones@fabrikam.example?');
    const done = cardText(invokeCard(await bot.execute(users.ada, 'confirmRestore', { requestId })));
    expect(done).toContain('restored');
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].find((u) => u.userPrincipalName === 'bob.jones@fabrikam.example')?.state).toBe('active');
    expect(await createPosts()).toBe(before);
  });

  it('a token without MFA is stopped before anything reaches Partner Center', async () => {
    const cleoNoMfa = { ...users.cleo, aadObjectId: users.cleo.aadObjectId };
    await bot.app.teams.signIn.forget(`aad:${PARTNER_TENANT}:${cleoNoMfa.aadObjectId}`);
    const sentBefore = bot.connector.sent().length;
    await bot.signIn(cleoNoMfa, { mfa: false });
    // The sign-in itself is answered in chat with the MFA card, carrying a correlation id like every error card.
    const mfaCard = await bot.connector.waitFor(() => bot.connector.sent().slice(sentBefore).map(cardOf).find((c) => errorCodeOf(c) === 'MFA_REQUIRED'));
    expect(cardText(mfaCard)).toMatch(/correlation id [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    const before = (await bot.sandboxState()).requests.filter((r) => r.path.startsWith('/v1/')).length;
    const card = invokeCard(await bot.execute(cleoNoMfa, 'submitForm', { customerId: FABRIKAM, firstName: 'A', lastName: 'B', userName: 'no.mfa', domain: 'fabrikam.example', usageLocation: 'US' }));
    expect(errorCodeOf(card)).toBe('MFA_REQUIRED');
    expect((await bot.sandboxState()).requests.filter((r) => r.path.startsWith('/v1/')).length).toBe(before);
  });
});
