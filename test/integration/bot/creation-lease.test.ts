import { BotHarness, FABRIKAM, cardText, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf, type ConnectorCall } from '../../support/recording-connector';

const hasPassword = (c: ConnectorCall) => JSON.stringify(cardOf(c) ?? {}).includes('"codeSnippet"');

/**
 * A creation slower than its lease (Partner Center answering slowly, as under Retry-After): the lease is renewed
 * while the creation runs, so the finish item never starts a second creation beside the live one. One user, one
 * password message per person entitled, each hidden at its time, and the request `created`.
 */
describe('a creation that outlives its lease', () => {
  const LEASE_MS = 1500;
  const SLOW_MS = 6000;
  const bot = new BotHarness({
    creationLeaseMs: LEASE_MS,
    dueWorkPollMs: 100,
    passwordRevealMinutes: 0.05,
    approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: true },
  });
  let ada: TeamsUser;
  let cleo: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    [ada, cleo] = await Promise.all(['ada', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ada, cleo]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  const slowCreate = () => bot.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'latency', latencyMs: SLOW_MS, count: 1 });
  const createsFor = async (userName: string) => (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path) && JSON.stringify(r.body).includes(`${userName}@`));

  it('personal chat: one creation, one password on the card, hidden later', async () => {
    const requestId = await bot.reviewNewUser(ada, 'slow.lease');
    await slowCreate();
    invokeCard(await bot.execute(ada, 'create', { requestId }, 'act-slow'));
    // Another instance polling the same store never finds the finish item due while the creation runs.
    const stolen: string[] = [];
    const probe = setInterval(() => {
      void bot.app.useCases.dueWork.claimDue(new Date(), 'instance-b', 60_000, 50).then((items) => stolen.push(...items.filter((i) => i.requestId === requestId).map((i) => i.key)));
    }, 150);
    await bot.connector.waitFor(() => bot.connector.updates('act-slow').find(hasPassword), SLOW_MS + 5000);
    clearInterval(probe);
    expect(stolen).toEqual([]);
    // The password leaves the card at its time (3 s after creation).
    await bot.connector.waitFor(() => {
      const ups = bot.connector.updates('act-slow');
      const last = ups[ups.length - 1];
      return last && !hasPassword(last) && ups.some(hasPassword) ? last : undefined;
    }, 15_000);
    await bot.app.teams.background.drain();
    // The hide's round ends with a WAL sync and then the item's removal: the card and the request show the hide
    // before the item leaves the queue (CI once checked the queue in between).
    await bot.app.teams.dueWork.idle();

    expect(await createsFor('slow.lease')).toHaveLength(1);
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === 'slow.lease@fabrikam.example')).toHaveLength(1);
    expect(bot.connector.updates('act-slow').filter(hasPassword)).toHaveLength(1);
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.state.kind).toBe('created');
    expect(stored.state.kind === 'created' && stored.state.passwordRevealUntil).toBeUndefined();
    expect(await bot.app.useCases.vault.get(requestId)).toBeUndefined();
    expect(await bot.app.useCases.dueWork.claimDue(new Date(Date.now() + 3_600_000), 'probe', 1000, 50)).toEqual([]);
  }, 40_000);

  it('channel approval: one creation; the requester and the approver each get one password message, both hidden later', async () => {
    const card = invokeCard(
      await bot.executeInChannel(ada, 'submitForm', { customerId: FABRIKAM, firstName: 'Slow', lastName: 'Approval', userName: 'slow.approval', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' }, 'ch-slow'),
    );
    const requestId = (card.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')!.data!.requestId!;
    await slowCreate();
    expect(cardText(invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-slow')))).toContain('approved by');
    const passwordMessages = () => [...bot.connector.privateTo(ada.teamsId), ...bot.connector.privateTo(cleo.teamsId)].filter((c) => hasPassword(c) && cardText(cardOf(c)).includes('slow.approval@'));
    await bot.connector.waitFor(() => passwordMessages().length >= 2 || undefined, SLOW_MS + 5000);
    // Each message that carried the password is edited to the result without it.
    await bot.connector.waitFor(() => passwordMessages().every((m) => bot.connector.updates(m.activityId).some((u) => !hasPassword(u))) || undefined, 15_000);
    await bot.app.teams.background.drain();

    expect(await createsFor('slow.approval')).toHaveLength(1);
    expect(passwordMessages()).toHaveLength(2);
    expect(bot.connector.privateTo(ada.teamsId).filter((c) => hasPassword(c) && cardText(cardOf(c)).includes('slow.approval@'))).toHaveLength(1);
    expect((await bot.app.useCases.requests.get(requestId))!.value.state.kind).toBe('created');
  }, 40_000);
});

describe('"user name taken" by the user this request made', () => {
  const bot = new BotHarness({ http: { timeoutMs: 1500, deadlineMs: 1500, maxRetries: 0, appName: 'test' } });
  afterAll(() => bot.stop());

  it('a retry whose first answer was lost, without idempotency memory upstream, ends created, not failed', async () => {
    await bot.start();
    const ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
    const requestId = await bot.reviewNewUser(ada, 'lost.answer');
    // Partner Center creates the user but its answer never arrives; the bot gives up and the request fails.
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'hang', when: 'after', count: 1 });
    invokeCard(await bot.execute(ada, 'create', { requestId }, 'act-lost'));
    for (let i = 0; i < 150 && (await bot.app.useCases.requests.get(requestId))?.value.state.kind !== 'failed'; i++) await new Promise((r) => setTimeout(r, 100));
    expect((await bot.app.useCases.requests.get(requestId))?.value.state.kind).toBe('failed');
    await bot.app.teams.background.drain();
    // Upstream no longer remembers the MS-RequestId: the repeated call meets "user name taken", by our own user.
    await bot.sandbox('DELETE', '/_sandbox/idempotency');
    invokeCard(await bot.execute(ada, 'retry', { requestId }, 'act-lost'));
    await bot.connector.waitFor(() => bot.connector.updates('act-lost').find(hasPassword), 15_000);
    await bot.app.teams.background.drain();
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.state.kind).toBe('created');
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === 'lost.answer@fabrikam.example')).toHaveLength(1);
    expect(bot.logs.text()).toContain('user name taken by the user this request made');
  }, 40_000);
});
