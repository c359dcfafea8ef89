import { BotHarness, cardText, FABRIKAM, invokeCard } from '../../support/bot-harness';
import { errorCodeOf } from '../../support/card-error-code';

/** When the store fails under the bot, people get a clear, retryable "storage not reachable", never a 500. */
describe('the store fails while the bot runs', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop().catch(() => undefined));

  it('a card action answers with STORAGE_UNAVAILABLE and a reference, and the turn is logged with the code', async () => {
    const ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    // The SQLite file is closed under the running bot (a full disk or a lost volume looks the same to it).
    (bot.app.useCases.requests as unknown as { store: { close(): void } }).store.close();
    const res = await bot.execute(ada, 'submitForm', { customerId: FABRIKAM, firstName: 'Disk', lastName: 'Full', userName: 'disk.full', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' });
    expect(res.status).toBe(200);
    const card = invokeCard(res);
    expect(errorCodeOf(card)).toBe('STORAGE_UNAVAILABLE');
    const text = cardText(card);
    expect(text).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/); // a correlation id to quote
    expect(bot.logs.parsed().some((l) => l.code === 'STORAGE_UNAVAILABLE')).toBe(true);
    expect((await bot.sandboxState()).requests.some((r) => r.method === 'POST' && JSON.stringify(r.body).includes('disk.full@'))).toBe(false);
  });
});
