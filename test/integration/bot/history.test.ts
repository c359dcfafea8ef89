import { BotHarness, cardText, FABRIKAM, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

/** `history` and its audit export, over HTTP: whose requests, which customer, which days, and never a secret. */
describe('history and the audit export', () => {
  const bot = new BotHarness();
  let ada: TeamsUser;
  let ben: TeamsUser;
  const password = 'Hist0ry!Secret#42';


  beforeAll(async () => {
    await bot.start();
    [ada, ben] = await Promise.all([bot.teamsUser('ada@contoso-partner.example'), bot.teamsUser('ben@contoso-partner.example')]);
    await bot.signIn(ada);
    await bot.signIn(ben);
    await bot.reviewNewUser(ada, 'hist.one');
    const requestId = await bot.reviewNewUser(ada, 'hist.two', { passwordMode: 'manual', password, ticket: 'INC-77' });
    await bot.execute(ada, 'create', { requestId }, 'hist-card');
    await bot.connector.waitFor(() => bot.connector.updates('hist-card').find((u) => cardText(cardOf(u)).includes('User created')));
    // Ben holds no GDAP role: his request stays a draft (the confirmation card has no Create), but it is his.
    await bot.execute(ben, 'submitForm', { customerId: FABRIKAM, firstName: 'Ben', lastName: 'Draft', userName: 'hist.ben', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' });
  });
  afterAll(() => bot.stop());

  /** What the bot answered to a message (the newest message it sent to that person's chat). */
  async function answer(user: TeamsUser, text: string, channel = false): Promise<{ card?: Record<string, unknown>; text: string }> {
    const before = bot.connector.sent().length;
    const res = await bot.post(channel ? bot.channelActivity(user, { type: 'message', text }) : bot.activity(user, { type: 'message', text }));
    expect(res.status).toBe(200);
    const sent = await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((c) => c.body.type === 'message'));
    return { card: cardOf(sent), text: String(sent.body.text ?? '') };
  }

  it('in a 1:1 chat: only your own requests, newest first', async () => {
    const text = cardText((await answer(ada, 'history')).card);
    expect(text).toContain('Your requests');
    expect(text.indexOf('hist.two@')).toBeGreaterThan(-1);
    expect(text.indexOf('hist.two@')).toBeLessThan(text.indexOf('hist.one@'));
    expect(text).not.toContain('hist.ben@');
  });

  it('in a team: everyone\'s requests', async () => {
    const text = cardText((await answer(ben, 'history', true)).card);
    expect(text).toContain('All requests');
    expect(text).toContain('hist.one@');
    expect(text).toContain('hist.ben@');
  });

  it('filtered by customer and by days', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(cardText((await answer(ada, `history fabrikam since ${today}`)).card)).toContain('hist.one@');
    expect(cardText((await answer(ada, `history fabrikam until ${today}`)).card)).toContain('hist.two@');
    const none = cardText((await answer(ada, 'history since 2099-01-01')).card);
    expect(none).toContain('The last 0 request(s)');
    expect(cardText((await answer(ada, 'history northwind')).card)).toContain('The last 0 request(s)');
  });

  it('a date that is not one gets a clear answer', async () => {
    const text = cardText((await answer(ada, 'history since 2026-02-30')).card);
    expect(text).toContain('"2026-02-30" is not a date');
    expect(cardText((await answer(ada, 'history since 2026-11-05 until 2026-11-01')).card)).toContain('"since" must be on or before "until"');
  });

  it('csv: the audit trail with who, what, when and the outcome, never a password or a token', async () => {
    const { text } = await answer(ada, 'history csv');
    expect(text).toContain('request_id,created_at,state,customer_id');
    expect(text).toContain('hist.two@fabrikam.example');
    expect(text).toContain('INC-77');
    expect(text).toMatch(/created/);
    expect(text).not.toContain(password);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });
});
