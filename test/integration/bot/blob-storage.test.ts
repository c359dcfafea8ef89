import { BotHarness, cardText } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { startAzurite } from '../../support/azurite';

/** The same bot on the scale-out store (STORAGE=blob, Azurite): a request is stored, created once, and listed. */
describe('bot on Azure Blob storage (Azurite)', () => {
  let azurite: Awaited<ReturnType<typeof startAzurite>>;
  let bot: BotHarness;

  beforeAll(async () => {
    azurite = await startAzurite();
    bot = new BotHarness({ storage: 'blob', blob: { connectionString: azurite.connectionString, container: 'bot-e2e' } });
    await bot.start();
  });
  afterAll(async () => {
    await bot?.stop();
    await azurite?.stop();
  });

  it('creates a user and keeps the request in Blob storage', async () => {
    const ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    const requestId = await bot.reviewNewUser(ada, 'blob.store');
    await bot.execute(ada, 'create', { requestId }, 'act-blob');
    await bot.connector.waitFor(() => bot.connector.updates('act-blob').find((u) => cardText(cardOf(u)).includes('User created')));
    await bot.app.teams.background.drain();
    const stored = await bot.app.useCases.requests.get(requestId);
    expect(stored?.value.state.kind).toBe('created');
    expect((await bot.app.useCases.requests.list({ requesterOid: ada.aadObjectId, limit: 5 })).map((r) => r.id)).toContain(requestId);
  });
});
