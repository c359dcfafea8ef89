import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotHarness, cardText, cardVerbs, FABRIKAM } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';

/**
 * A bot that dies during the Partner Center call, and a new one started on the same data folder: the request is
 * neither lost nor created twice. The new bot finishes it with the creator's kept sign-in, repeating the call with
 * the same MS-RequestId (Partner Center answers with the first result), and the card shows the user and password.
 * Without the kept sign-in, it becomes "Interrupted" and "Try again" finishes it the same way.
 */
describe('restart during a creation', () => {
  const firsts: BotHarness[] = [];
  const seconds: BotHarness[] = [];
  afterAll(async () => {
    for (const b of seconds) await b.stop();
    for (const b of firsts) await b.stop().catch(() => undefined);
  });

  it.each([
    ['finished by the new bot with the kept sign-in', 'restart.me', true],
    ['interrupted when no sign-in was kept, then retried', 'restart.two', false],
  ])('%s: exactly one user and a card that tells the truth', async (_name, userName, keepSignIn) => {
    // The first bot "dies" in the test (its store is closed under it); stopping it afterwards need not give its hung
    // call the default 20 s of grace, which only made the file wait at the end.
    const first = new BotHarness({ dataDir: mkdtempSync(join(tmpdir(), 'restart-')), http: { timeoutMs: 20_000, deadlineMs: 20_000, maxRetries: 0, appName: 'test' }, shutdownGraceMs: 500 });
    firsts.push(first);
    await first.start();
    const dataDir = first.app.config.dataDir;
    const ada = await first.teamsUser('ada@contoso-partner.example');
    await first.signIn(ada);
    const requestId = await first.reviewNewUser(ada, userName);

    // Partner Center creates the user but the answer never comes back; the bot then dies (its store is gone).
    await first.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'hang', when: 'after', count: 1 });
    await first.execute(ada, 'create', { requestId }, 'act-restart');
    const sawCreate = async () => (await first.sandboxState()).requests.some((r) => r.method === 'POST' && JSON.stringify(r.body).includes(`${userName}@`));
    for (let i = 0; i < 100 && !(await sawCreate()); i++) await new Promise((r) => setTimeout(r, 50));
    // Dying between the state change and keeping the sign-in (a window of one write) leaves nothing to finish with.
    if (!keepSignIn) await first.app.useCases.credentials.erase(requestId);
    (first.app.useCases.requests as unknown as { store: { close(): void } }).store.close();

    // A new bot on the same data folder and the same sandbox (same Partner Center).
    const sandboxUrl = first.sandboxUrl;
    const second = new BotHarness({ dataDir, sandboxPort: Number(new URL(sandboxUrl).port), sandboxUrl, partnerCenterBaseUrl: sandboxUrl, graphBaseUrl: sandboxUrl }, { startSandbox: false });
    seconds.push(second);
    await second.start();
    // Ada's 1:1 chat is the same Teams conversation for both bots (only the service URL differs).
    type WithChats = { conversations: Map<string, string> };
    (second as unknown as WithChats).conversations = (first as unknown as WithChats).conversations;
    // The card lives where the first bot posted it (the same Teams conversation).
    if (keepSignIn) {
      const created = await first.connector.waitFor(() => first.connector.updates('act-restart').find((u) => cardText(cardOf(u)).includes('User created')));
      expect(JSON.stringify(cardOf(created))).toMatch(/codeSnippet/); // the password, shown once, to Ada only
    } else {
      const interrupted = await first.connector.waitFor(() => first.connector.updates('act-restart').find((u) => errorCodeOf(cardOf(u)) === 'CREATION_INTERRUPTED'));
      expect(cardVerbs(cardOf(interrupted))).toContain('retry');
      await second.signIn(ada);
      await second.execute(ada, 'retry', { requestId }, 'act-restart');
      await second.connector.waitFor(() => second.connector.updates('act-restart').find((u) => cardText(cardOf(u)).includes('User created')));
    }

    const state = await second.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
    const posts = state.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes(`${userName}@`));
    expect(new Set(posts.map((r) => r.headers['ms-requestid'])).size).toBe(1);
    // Settled: the kept sign-in and the password are erased, nothing is left due.
    for (let i = 0; i < 50 && (await second.app.useCases.credentials.get(requestId)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await second.app.useCases.credentials.get(requestId)).toBeUndefined();
    expect(await second.app.useCases.vault.get(requestId)).toBeUndefined();
  });
});

describe('a late, duplicate finish item', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('does not take a password off the result card before its time', async () => {
    const ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    const requestId = await bot.reviewNewUser(ada, 'late.item');
    await bot.execute(ada, 'create', { requestId }, 'act-late');
    await bot.connector.waitFor(() => bot.connector.updates('act-late').find((u) => cardText(cardOf(u)).includes('Temporary password')));
    await bot.app.teams.background.drain();
    const updates = bot.connector.updates('act-late').length;

    // A click that lost the race but stalled scheduled its finish item after the winner had settled.
    await bot.app.useCases.dueWork.schedule({ key: `finish:${requestId}`, kind: 'finish-request', requestId, dueAt: new Date().toISOString() });
    await bot.app.teams.dueWork.runDue(); // or the runner's own poll got there first:
    await bot.app.teams.dueWork.stop(); // waits for a round in progress
    expect(await bot.app.useCases.dueWork.claimDue(new Date(), 'probe', 60_000, 10)).toEqual([]);
    expect(bot.connector.updates('act-late')).toHaveLength(updates);
  });
});
