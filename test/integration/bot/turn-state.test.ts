import { BotHarness, cardText, invokeCard, type TeamsUser } from '../../support/bot-harness';

/**
 * teams-ai's turn state is held for the turn only (issue 16): no turn reads or writes the `conversation` or `user`
 * scope in the store (they cost two reads a turn and nothing used them), while what must outlive a turn still does.
 * Observed on better-sqlite3's statements, under the bot's store.
 */
describe('turn state', () => {
  const bot = new BotHarness();
  let ada: TeamsUser;
  const touched: string[] = [];
  const restore: Array<() => void> = [];

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    const Database = require('better-sqlite3') as new (f: string) => { prepare(s: string): object; close(): void };
    const probe = new Database(':memory:');
    const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, (...a: unknown[]) => unknown>;
    probe.close();
    for (const m of ['get', 'all', 'run']) {
      const original = proto[m];
      proto[m] = function (this: { source: string }, ...args: unknown[]) {
        if (/\bkv\b/.test(this.source)) touched.push(...args.filter((a): a is string => typeof a === 'string'));
        return original.apply(this, args);
      };
      restore.push(() => (proto[m] = original));
    }
  });
  afterAll(async () => {
    restore.forEach((r) => r());
    await bot.stop();
  });

  it('message turns, card actions and channel turns read and write no teams-ai state; sign-in still outlives the turn', async () => {
    await bot.signIn(ada);
    touched.length = 0;
    expect((await bot.say(ada, 'help')).status).toBe(200);
    expect(cardText(invokeCard(await bot.execute(ada, 'openForm', {})))).toContain('choose the customer');
    expect((await bot.post(bot.channelActivity(ada, { type: 'message', text: '<at>Partner User Desk</at> help' }))).status).toBe(200);
    // The store was used (the sign-in session, the password hand-over check), just not for teams-ai's scopes.
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.filter((k) => /^msteams\/[^/]+\/(conversations|users)\//.test(k))).toEqual([]);
  });
});
