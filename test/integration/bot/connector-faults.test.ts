import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf, type ConnectorCall } from '../../support/recording-connector';

/**
 * The Teams service answering like the Bot Connector does (issue 17, point 8): 429 with Retry-After, 412, 502 and
 * 504 are retried with bounded backoff; 403 and 413 are final; a card update that fails never delays or skips the
 * creation an approval started; a burst to one channel stays under the per-conversation limits.
 */
describe('the Bot Connector throttles and fails', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 5, approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ben: TeamsUser;
  let cleo: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    [ben, cleo] = await Promise.all(['ben', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ben, cleo]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  const form = (userName: string) => ({ customerId: FABRIKAM, firstName: 'Barbara', lastName: 'Liskov', displayName: '', userName, domain: 'fabrikam.example', usageLocation: 'US', immutableId: '', passwordMode: 'generate', password: '', forceChangePassword: 'true', ticket: 'CHG-1' });

  async function raise(userName: string, cardId: string): Promise<string> {
    const card = invokeCard(await bot.executeInChannel(ben, 'submitForm', form(userName), cardId));
    return (card.actions as any[]).find((a) => a.verb === 'approve').data.requestId as string;
  }
  const createsFor = async (userName: string) => (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path) && JSON.stringify(r.body).includes(`${userName}@`));
  const putsTo = (cardId: string) => (c: ConnectorCall) => c.method === 'PUT' && c.activityId === cardId;
  const outcomeOn = (cardId: string) => bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes('Created by')), 20_000);

  it.each([
    [429, { status: 429 as const, retryAfterSeconds: 1 }],
    [412, { status: 412 as const }],
    [502, { status: 502 as const }],
    [504, { status: 504 as const }],
  ])('a card update answered %s is retried until it lands', async (status, failure) => {
    const cardId = `faults-${status}`;
    const requestId = await raise(`retry.${status}`, cardId);
    // The request's own message (posted when it was raised) is the card that is updated.
    const posted = bot.requestMessage(requestId);
    // Every update of this card fails twice before the connector accepts it.
    bot.connector.failNext(putsTo(posted), failure, failure);
    await bot.executeInChannel(cleo, 'approve', { requestId }, posted);
    await outcomeOn(posted);
    const refused = bot.connector.attempts(putsTo(posted)).filter((c) => c.status === status);
    expect(refused).toHaveLength(2);
    if (status === 429) {
      // Retry-After: 1 was honoured between the refused attempt and the next one.
      const all = bot.connector.attempts(putsTo(posted));
      const i = all.indexOf(refused[0]);
      expect(all[i + 1].at - refused[0].at).toBeGreaterThanOrEqual(900);
    }
    expect(await createsFor(`retry.${status}`)).toHaveLength(1);
  }, 60_000);

  it('a "Creating…" update refused with 403 neither skips nor delays the creation, and the outcome still reaches the card', async () => {
    const cardId = 'faults-403';
    const requestId = await raise('refused.card', cardId);
    // The request's own message (posted when it was raised) is the card that is updated.
    const posted = bot.requestMessage(requestId);
    bot.connector.failNext(putsTo(posted), { status: 403 });
    const approved = Date.now();
    await bot.executeInChannel(cleo, 'approve', { requestId }, posted);
    const deadline = Date.now() + 10_000;
    let creates = await createsFor('refused.card');
    while (creates.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      creates = await createsFor('refused.card');
    }
    expect(creates).toHaveLength(1);
    // Well inside the creation lease: the creation did not wait for the card.
    expect(Date.now() - approved).toBeLessThan(5000);
    await outcomeOn(posted);
    expect(bot.connector.attempts(putsTo(posted)).filter((c) => c.status === 403)).toHaveLength(1);
  }, 30_000);

  it('a 413 MessageSizeTooBig is final: not retried', async () => {
    const cardId = 'faults-413';
    const requestId = await raise('too.big', cardId);
    // The request's own message (posted when it was raised) is the card that is updated.
    const posted = bot.requestMessage(requestId);
    bot.connector.failNext(putsTo(posted), { status: 413 });
    await bot.executeInChannel(cleo, 'approve', { requestId }, posted);
    await outcomeOn(posted);
    const attempts = bot.connector.attempts(putsTo(posted));
    expect(attempts.filter((c) => c.status === 413)).toHaveLength(1);
    // The refused card was not sent again.
    const refused = attempts.find((c) => c.status === 413)!;
    expect(attempts.filter((c) => c !== refused && JSON.stringify(c.body) === JSON.stringify(refused.body))).toHaveLength(0);
  }, 30_000);

  it('a private message answered 429 with Retry-After reaches the person once', async () => {
    const cardId = 'faults-private';
    const requestId = await raise('private.retry', cardId);
    // The request's own message (posted when it was raised) is the card that is updated.
    const posted = bot.requestMessage(requestId);
    bot.connector.failNext((c) => c.method === 'POST' && c.conversationId === `a:1on1-${ben.teamsId}` && c.body.type === 'message', { status: 429, retryAfterSeconds: 1 });
    await bot.executeInChannel(cleo, 'approve', { requestId }, posted);
    const msg = await bot.connector.waitFor(() => bot.connector.privateTo(ben.teamsId).find((c) => cardText(cardOf(c)).includes('private.retry@')), 20_000);
    expect(msg).toBeDefined();
    await bot.app.teams.background.drain();
    expect(bot.connector.privateTo(ben.teamsId).filter((c) => cardText(cardOf(c)).includes('private.retry@'))).toHaveLength(1);
  }, 30_000);
});

describe('a burst to one channel', () => {
  it('stays under the per-conversation limit (no 429 from a connector that throttles above 7 a second)', async () => {
    const bot = new BotHarness();
    await bot.start();
    try {
      bot.connector.perConversationPerSecond = 7;
      const reference = { channelId: 'msteams', serviceUrl: bot.connector.url, conversation: { id: '19:burst@thread.tacv2', isGroup: true, conversationType: 'channel' }, bot: { id: '28:bot' } };
      const started = Date.now();
      const card = { type: 'AdaptiveCard' as const, version: '1.5', body: [{ type: 'TextBlock', text: 'expired' }] };
      // Twenty cards updated at once, as when many requests of one channel expire in the same poll.
      await Promise.all(Array.from({ length: 20 }, (_, i) => bot.app.teams.updater.update({ conversation: reference, activityId: `burst-${i}` }, card)));
      const calls = bot.connector.attempts((c) => c.conversationId === '19:burst@thread.tacv2');
      expect(calls.filter((c) => c.status === 429)).toHaveLength(0);
      expect(calls.filter((c) => c.status === 200)).toHaveLength(20);
      // Spread over time rather than refused: 20 at 6 a second takes about three seconds.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    } finally {
      await bot.stop();
    }
  }, 30_000);
});
