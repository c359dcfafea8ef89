import { SANDBOX_IDENTITY } from '../../../src/config';
import { BotHarness, cardText, cardVerbs, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { CUSTOMERS } from '../../support/sandbox-network';
import { errorCodeOf } from '../../support/card-error-code';

jest.setTimeout(90_000);

const ADATUM = CUSTOMERS.adatum;

/** All Action.Execute buttons anywhere on a card (the customers card has one per row, inside an ActionSet). */
function allActions(card: unknown): Array<{ verb?: string; title?: string; data?: Record<string, string> }> {
  const out: Array<{ verb?: string; title?: string; data?: Record<string, string> }> = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'Action.Execute') out.push(o as never);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

/**
 * Connecting a customer over real HTTP: Adatum is not connected (the bot's app has no service principal there, so
 * Entra refuses the customer-tenant token), Ada connects it from Teams, the sandbox holds the consent, and the
 * confirmation's checklist is full. Who may not connect is refused before anything reaches Partner Center, and
 * every attempt is in the connection audit.
 */
describe('connect a customer', () => {
  const bot = new BotHarness();
  /** Grace: Admin agent, User Administrator and Cloud Application Administrator; Ada: User Administrator only. */
  let grace: TeamsUser;
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    grace = await bot.teamsUser('grace@contoso-partner.example');
    ada = await bot.teamsUser('ada@contoso-partner.example');
    for (const u of [grace, ada]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  const consentPosts = async () => (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && r.path.endsWith('/applicationconsents'));
  const adatumConsents = async () => ((await bot.sandboxState()).customers as Array<{ id: string; appConsents: Record<string, string[]> }>).find((c) => c.id === ADATUM)!.appConsents;

  async function review(user: TeamsUser, userName: string) {
    const form = { customerId: ADATUM, firstName: 'Con', lastName: 'Nect', userName, domain: 'adatum.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' };
    return invokeCard(await bot.execute(user, 'submitForm', form));
  }

  it('the customers command shows Adatum not connected (with Connect) and Fabrikam connected', async () => {
    await bot.say(grace, 'customers adatum');
    const adatumCard = cardOf(await bot.connector.waitFor(() => bot.connector.sent().find((a) => cardText(cardOf(a)).includes('Adatum Corporation'))));
    expect(cardText(adatumCard)).toContain('Not connected');
    expect(cardText(adatumCard)).toContain('AADSTS700016');
    expect(allActions(adatumCard)).toEqual([expect.objectContaining({ verb: 'connectCustomer', data: expect.objectContaining({ customerId: ADATUM }) })]);

    await bot.say(grace, 'customers fabrikam');
    const fabrikamCard = cardOf(await bot.connector.waitFor(() => bot.connector.sent().find((a) => cardText(cardOf(a)).includes('Fabrikam, Inc.'))));
    expect(cardText(fabrikamCard)).toContain('Connected');
    expect(allActions(fabrikamCard)).toEqual([]);
  });

  it('an engineer without the roles is refused with the reason, and nothing reaches Partner Center', async () => {
    const before = (await consentPosts()).length;
    const byAda = invokeCard(await bot.execute(ada, 'connectCustomer', { customerId: ADATUM }));
    expect(errorCodeOf(byAda)).toBe('ADMIN_AGENT_REQUIRED');
    const onLitware = invokeCard(await bot.execute(grace, 'connectCustomer', { customerId: CUSTOMERS.litware }));
    expect(errorCodeOf(onLitware)).toBe('CONNECT_ROLE_MISSING');
    // A request named on the card must be the clicker's: checked before anything is consented or audited.
    const gracesDraft = (await review(grace, 'not.yours').then((c) => c.actions as Array<{ verb?: string; data?: { requestId?: string } }>)).find((a) => a.verb === 'edit')!.data!.requestId!;
    const notYours = invokeCard(await bot.execute(ada, 'connectCustomer', { customerId: ADATUM, requestId: gracesDraft }));
    // Another person's request is not even found from here (requests are reached through their conversation).
    expect(errorCodeOf(notYours)).toBe('REQUEST_NOT_FOUND');
    expect((await consentPosts()).length).toBe(before);
    expect(await adatumConsents()).toEqual({});
  });

  it('Adatum: the checklist cannot read the tenant; Connect consents the app and the checklist is full', async () => {
    const first = await review(grace, 'before.connect');
    const firstText = cardText(first);
    expect(firstText).not.toContain('adatum.example is verified and managed');
    const requestId = (first.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'edit')!.data!.requestId!;
    // The checklist's notice carries the Connect action; it is clicked with exactly the card's data.
    const connect = (first.actions as Array<{ verb?: string; title?: string; data?: Record<string, string> }>).find((a) => a.verb === 'connectCustomer')!;
    expect(connect.title).toBe('Connect Adatum Corporation');
    expect(connect.data).toEqual({ verb: 'connectCustomer', customerId: ADATUM, requestId });

    const after = invokeCard(await bot.execute(grace, 'connectCustomer', connect.data!));
    const text = cardText(after);
    expect(text).toContain('Check and create');
    expect(text).toContain('adatum.example is verified and managed');
    expect(text).toContain('before.connect@adatum.example is free');
    expect(text).not.toContain('Nothing will be sent');
    expect(cardVerbs(after)).toContain('create');
    expect(cardVerbs(after)).not.toContain('connectCustomer');
    expect((after.actions as Array<{ data?: { requestId?: string } }>)[0].data?.requestId).toBe(requestId);

    expect(await adatumConsents()).toEqual({ [SANDBOX_IDENTITY.botId]: ['Domain.Read.All', 'User.Read.All', 'User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All', 'Policy.Read.AuthenticationMethod'] });
    const posted = (await consentPosts()).filter((r) => r.status === 201);
    expect(posted).toHaveLength(1);
    expect((posted[0] as { auth?: { upn?: string } }).auth?.upn).toBe('grace@contoso-partner.example');
  });

  it('connecting again replaces the consent (delete, then create) and the notice hook without a request id re-shows the newest draft', async () => {
    await review(grace, 'second.draft');
    const card = invokeCard(await bot.execute(grace, 'connectCustomer', { customerId: ADATUM }));
    expect(cardText(card)).toContain('second.draft@adatum.example is free');
    const state = await bot.sandboxState();
    expect(state.requests.filter((r) => r.method === 'DELETE' && r.path === `/v1/customers/${ADATUM}/applicationconsents/${SANDBOX_IDENTITY.botId}`)).toHaveLength(1);
    expect(await adatumConsents()).toEqual({ [SANDBOX_IDENTITY.botId]: ['Domain.Read.All', 'User.Read.All', 'User.ReadWrite.All', 'GroupMember.ReadWrite.All', 'UserAuthenticationMethod.ReadWrite.All', 'Policy.Read.AuthenticationMethod'] });
  });

  it('the audit shows every connection attempt: who, which customer, outcome, correlation id', async () => {
    await bot.say(grace, 'customers log');
    const log = (await bot.connector.waitFor(() => bot.connector.sent().find((a) => String(a.body.text ?? '').includes('Customer connections')))).body.text as string;
    const rows = log.split('\n').filter((l) => l.includes(ADATUM) || l.includes(CUSTOMERS.litware));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(new RegExp(`,${ADATUM},Adatum Corporation,grace@contoso-partner.example,[^,]+,reconnected,,,[0-9a-f-]{36},Domain.Read.All User.Read.All User.ReadWrite.All GroupMember.ReadWrite.All UserAuthenticationMethod.ReadWrite.All Policy.Read.AuthenticationMethod`));
    expect(rows[1]).toMatch(new RegExp(`,${ADATUM},Adatum Corporation,grace@contoso-partner.example,[^,]+,connected,`));
    expect(rows[2]).toMatch(new RegExp(`,${CUSTOMERS.litware},"Litware, Inc.",grace@contoso-partner.example,[^,]+,refused,CONNECT_ROLE_MISSING,`));
    expect(rows[3]).toMatch(new RegExp(`,${ADATUM},Adatum Corporation,ada@contoso-partner.example,[^,]+,refused,ADMIN_AGENT_REQUIRED,`));
    expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});
