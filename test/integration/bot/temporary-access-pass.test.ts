import { BotHarness, cardText, cardVerbs, FABRIKAM, invokeCard, NORTHWIND, type TeamsUser } from '../../support/bot-harness';
import { CUSTOMERS } from '../../support/sandbox-network';
import { cardOf } from '../../support/recording-connector';

/**
 * A Temporary Access Pass as the first credential, end to end over HTTP: the form's choice, the pre-flight's
 * first-credential check on the confirmation card, the creation sequence's pass step against the sandbox's Graph,
 * and the pass delivered like a password (only on the requester's 1:1 card, removed after its time, never logged).
 */
describe('personal chat: a Temporary Access Pass as the first credential', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 0.01 });
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
  });
  afterAll(() => bot.stop());

  const form = (customerId: string, domain: string, userName: string, extra: Record<string, string> = {}) => ({
    customerId,
    firstName: 'First',
    lastName: 'Day',
    displayName: '',
    userName,
    domain,
    usageLocation: 'US',
    immutableId: '',
    passwordMode: 'generate',
    password: '',
    forceChangePassword: 'true',
    ticket: 'INC-19',
    firstCredential: 'tap',
    tapUsage: 'once',
    tapLifetime: '480',
    ...extra,
  });

  it('Fabrikam: the pass is checked, made after the user, shown once with its validity on the 1:1 card, then removed; the password never shown', async () => {
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(FABRIKAM, 'fabrikam.example', 'tap.user')));
    expect(cardText(confirm)).toContain('A one-time Temporary Access Pass for 8 hour(s), valid at once.');
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;

    const cardId = 'act-tap-1';
    await bot.execute(ada, 'create', { requestId }, cardId);
    const update = await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes('User created')));
    const card = cardOf(update)!;
    const text = cardText(card);
    expect(text).toContain('Temporary Access Pass (only in this chat');
    expect(text).toMatch(/Valid from/);
    expect(text).toMatch(/Expires/);
    const shown = (findByType(card, 'CodeBlock') as any).codeSnippet as string;
    expect(shown).toHaveLength(12); // Fabrikam's policy: 12 characters

    await bot.app.teams.background.drain();
    const state = await bot.sandboxState();
    const user = state.users[FABRIKAM].find((u) => u.userPrincipalName === 'tap.user@fabrikam.example')!;
    const passes = (state.customers as any[]).find((c) => c.id === FABRIKAM).temporaryAccessPasses;
    expect(passes[user.id]).toMatchObject({ lifetimeInMinutes: 480, isUsableOnce: true });
    const expiresAt = new Date(new Date(passes[user.id].startDateTime).getTime() + 480 * 60_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(text).toContain(expiresAt);
    // The pass went out once, with the creator's token, after the user existed; the password sent to Partner
    // Center is another secret, never shown.
    const tapPosts = state.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/authentication/temporaryAccessPassMethods'));
    expect(tapPosts.map((r) => [r.status, r.path.includes(user.id), (r as { auth?: { upn?: string } }).auth?.upn])).toEqual([[201, true, 'ada@contoso-partner.example']]);

    const removed = await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes('The Temporary Access Pass was shown here once and has been removed')));
    expect(JSON.stringify(removed.body)).not.toContain(shown);
    expect(bot.logs.text()).not.toContain(shown);
  });

  it('a first day within the lead time: created now, the pass valid from then (Graph startDateTime = the start), and the card says so', async () => {
    const soon = new Date(Math.ceil((Date.now() + 30 * 60_000) / 60_000) * 60_000);
    const [day, time] = [soon.toISOString().slice(0, 10), soon.toISOString().slice(11, 16)];
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(FABRIKAM, 'fabrikam.example', 'tap.later', { startDate: day, startTime: time })));
    const shownDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(soon).replace(/,/g, '');
    expect(cardText(confirm)).toContain(`First day ${shownDay} ${time} UTC`);
    expect(cardText(confirm)).toContain(`valid from ${day} ${time} UTC`);
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;
    await bot.execute(ada, 'create', { requestId }, 'act-tap-2');
    const update = await bot.connector.waitFor(() => bot.connector.updates('act-tap-2').find((u) => cardText(cardOf(u)).includes('User created')));
    expect(cardText(cardOf(update)!)).toContain(`${day} ${time} UTC`);
    await bot.app.teams.background.drain();
    const post = (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && r.path.endsWith('/authentication/temporaryAccessPassMethods')).pop()!;
    expect(post.body).toEqual({ lifetimeInMinutes: 480, isUsableOnce: true, startDateTime: soon.toISOString() });
  });

  it('a first day days ahead: Create schedules it (nothing created, no pass), and `history` lists it as scheduled', async () => {
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(FABRIKAM, 'fabrikam.example', 'tap.monday', { startDate: day })));
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;
    const answer = cardText(invokeCard(await bot.execute(ada, 'create', { requestId }, 'act-tap-3')));
    expect(answer).toContain('Scheduled');
    // The first day as cards show it (start-date.ts formatStart): weekday, date, time and zone.
    const shown = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(`${day}T08:00:00Z`)).replace(/,/g, '');
    expect(answer).toContain(`starts on ${shown} 08:00 UTC`);
    await bot.app.teams.background.drain();
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].some((u) => u.userPrincipalName === 'tap.monday@fabrikam.example')).toBe(false);
    const before = bot.connector.sent().length;
    await bot.say(ada, 'history');
    const reply = await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((c) => cardText(cardOf(c)).includes('tap.monday@')));
    expect(cardText(cardOf(reply))).toMatch(/Scheduled/);
  });

  it('Northwind (policy disabled) is caught on the checklist: blocked, no Create', async () => {
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(NORTHWIND, 'northwindtraders.onmicrosoft.com', 'tap.blocked')));
    expect(cardVerbs(confirm)).not.toContain('create');
    expect(cardText(confirm)).toContain('Temporary Access Pass disabled');
  });

  it('Adatum (not connected): blocked with the Connect action', async () => {
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(CUSTOMERS.adatum, 'adatum.example', 'tap.adatum')));
    expect(cardVerbs(confirm)).not.toContain('create');
    expect(cardVerbs(confirm)).toContain('connectCustomer');
  });
});

function findByType(card: unknown, type: string): unknown {
  let found: unknown;
  const walk = (n: any) => {
    if (!n || typeof n !== 'object' || found) return;
    if (n.type === type) found = n;
    for (const v of Object.values(n)) walk(v);
  };
  walk(card);
  return found;
}
