import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotHarness, cardText, cardVerbs, FABRIKAM, invokeCard } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

/**
 * A bot that dies during the Partner Center call, and a new one started on the same data folder: the request is
 * neither lost nor created twice. The new bot marks it interrupted (never re-sending blindly), its card says so,
 * and "Try again" repeats the call with the same MS-RequestId, which Partner Center answers with the first result.
 */
describe('restart during a creation', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'restart-'));
  const first = new BotHarness({ dataDir, http: { timeoutMs: 20_000, deadlineMs: 20_000, maxRetries: 0, appName: 'test' } });
  let second: BotHarness | undefined;

  beforeAll(() => first.start());
  afterAll(async () => {
    await second?.stop();
    await first.stop().catch(() => undefined);
  });

  it('ends with exactly one user and a card that tells the truth', async () => {
    const ada = await first.teamsUser('ada@contoso-partner.example');
    await first.signIn(ada);
    const confirm = invokeCard(
      await first.execute(ada, 'submitForm', { customerId: FABRIKAM, firstName: 'Kath', lastName: 'Johnson', userName: 'restart.me', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' }),
    );
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;

    // Partner Center creates the user but the answer never comes back; the bot then dies (its store is gone).
    await first.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'hang', when: 'after', count: 1 });
    await first.execute(ada, 'create', { requestId }, 'act-restart');
    const sawCreate = async () => (await first.sandboxState()).requests.some((r) => r.method === 'POST' && JSON.stringify(r.body).includes('restart.me@'));
    for (let i = 0; i < 100 && !(await sawCreate()); i++) await new Promise((r) => setTimeout(r, 50));
    (first.app.useCases.requests as unknown as { store: { close(): void } }).store.close();

    // A new bot on the same data folder and the same sandbox (same Partner Center).
    const sandboxUrl = first.sandboxUrl;
    second = new BotHarness({ dataDir, sandboxPort: Number(new URL(sandboxUrl).port), sandboxUrl, partnerCenterBaseUrl: sandboxUrl, graphBaseUrl: sandboxUrl }, { startSandbox: false });
    await second.start();
    // The card lives where the first bot posted it (the same Teams conversation).
    const interrupted = await first.connector.waitFor(() => first.connector.updates('act-restart').find((u) => cardText(cardOf(u)).includes('Interrupted')));
    expect(cardVerbs(cardOf(interrupted))).toContain('retry');

    await second.signIn(ada);
    await second.execute(ada, 'retry', { requestId }, 'act-restart');
    await second.connector.waitFor(() => second!.connector.updates('act-restart').find((u) => cardText(cardOf(u)).includes('User created')));

    const state = await second.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === 'restart.me@fabrikam.example')).toHaveLength(1);
    const posts = state.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes('restart.me@'));
    expect(new Set(posts.map((r) => r.headers['ms-requestid'])).size).toBe(1);
  });
});
