import { BotHarness, cardText, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { MovableClock } from '../../support/movable-clock';

/**
 * Every stored password has an end: a draft nobody creates and a failed request nobody retries lose theirs after
 * PASSWORD_RETENTION_HOURS, through the durable due-work queue. The test moves the bot's clock past the retention
 * instead of waiting for it: with a real two-second retention, a slow machine (CI under load) let it run out
 * while the review or the Create click was still being answered, and the password was gone too early.
 */
describe('stored password lifetime', () => {
  const RETENTION_HOURS = 1;
  const clock = new MovableClock();
  // No retries: the 503 below fails the creation at once. The default 10 s timeout: nothing here must be fast any
  // more, and a call cut short on a busy machine (1.5 s before) failed the review.
  const bot = new BotHarness({ passwordRetentionHours: RETENTION_HOURS, dueWorkPollMs: 100, http: { timeoutMs: 10_000, deadlineMs: 10_000, maxRetries: 0, appName: 'test' } }, { clock });
  /** The retention runs out (plus a second): the erase item is due at the next 100 ms poll. */
  const pastRetention = () => clock.advance(RETENTION_HOURS * 3_600_000 + 1_000);
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
  });
  afterAll(() => bot.stop());

  const waitUntil = async (probe: () => Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const creates = async (userName: string) => (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes(`${userName}@`)).length;

  it('a draft nobody creates loses its password; Create afterwards sends nothing to Partner Center', async () => {
    const requestId = await bot.reviewNewUser(ada, 'idle.draft');
    expect(await bot.app.useCases.vault.get(requestId)).toBeDefined();
    pastRetention();
    await waitUntil(async () => (await bot.app.useCases.vault.get(requestId)) === undefined);
    const card = cardText(invokeCard(await bot.execute(ada, 'create', { requestId }, 'act-idle')));
    expect(card).not.toContain('Temporary password');
    await bot.app.teams.background.drain();
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.state.kind).toBe('failed');
    expect(stored.state.kind === 'failed' && stored.state.failure.code).toBe('PASSWORD_UNAVAILABLE');
    expect(await creates('idle.draft')).toBe(0);
  });

  it('a failed request nobody retries loses its password at its end too', async () => {
    const requestId = await bot.reviewNewUser(ada, 'idle.failed');
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'status', status: 503, count: 1 });
    invokeCard(await bot.execute(ada, 'create', { requestId }, 'act-idle-2'));
    await waitUntil(async () => (await bot.app.useCases.requests.get(requestId))?.value.state.kind === 'failed');
    const failed = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(failed.state.kind === 'failed' && failed.state.failure.retryable).toBe(true);
    // Kept for a retry until its end...
    expect(await bot.app.useCases.vault.get(requestId)).toBeDefined();
    pastRetention();
    // ...and erased then.
    await waitUntil(async () => (await bot.app.useCases.vault.get(requestId)) === undefined);
    // Logged once the erase is complete (after its WAL checkpoint, a moment after the row is gone): waited for.
    await waitUntil(async () => bot.logs.parsed().some((l) => l.msg === 'stored password reached its end and was erased' && l.requestId === requestId));
  });
});
