import { BotHarness, FABRIKAM, cardText, cardVerbs, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

/**
 * Request life-cycle holes found by review: views that spent the partner's throttling budget, an edited approval
 * request created without approval, and a restore sent before the request was won.
 */
describe('request life cycle', () => {
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ada: TeamsUser;
  let ben: TeamsUser;
  let cleo: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    [ada, ben, cleo] = await Promise.all(['ada', 'ben', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ada, ben, cleo]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  const form = (userName: string) => ({ customerId: FABRIKAM, firstName: 'Hedy', lastName: 'Lamarr', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', ticket: 'CHG-9' });
  const raise = async (requester: TeamsUser, userName: string, cardId: string) => {
    const card = invokeCard(await bot.executeInChannel(requester, 'submitForm', form(userName), cardId));
    return (card.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')!.data!.requestId!;
  };
  const createsFor = async (userName: string) => (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path) && JSON.stringify(r.body).includes(`${userName}@`));

  it('views are cheap: automatic refreshes use cached look-ups only, bounded by the cache, not by the number of refreshes', async () => {
    const requestId = await raise(ben, 'cheap.view', 'ch-view');
    const before = (await bot.sandboxState()).requests.length;
    const N = 12;
    for (let i = 0; i < N; i++) {
      const card = invokeCard(await bot.executeInChannel(cleo, 'refreshRequest', { requestId }, 'ch-view', { trigger: 'automatic' }));
      expect(cardVerbs(card)).toContain('approve');
    }
    const during = (await bot.sandboxState()).requests.slice(before);
    // Cleo's first view fills at most the GDAP look-ups (relationships, access assignments, her membership) and
    // one token; the other refreshes are answered from the caches. Nothing per refresh reaches Partner Center.
    expect(during.length).toBeLessThanOrEqual(4);
    expect(during.filter((r) => r.path.startsWith('/v1/'))).toHaveLength(0);
    expect(during.filter((r) => /\/users/.test(r.path))).toHaveLength(0);
    // A decision still checks upstream, uncached.
    const beforeDecision = (await bot.sandboxState()).requests.length;
    expect(cardText(invokeCard(await bot.executeInChannel(cleo, 'reject', { requestId, reason: 'test over' }, 'ch-view')))).toContain('Rejected by');
    expect((await bot.sandboxState()).requests.length).toBeGreaterThan(beforeDecision);
  });

  it('a failed approval request edited in the 1:1 chat goes back for approval; Create there creates nothing', async () => {
    const requestId = await raise(ada, 'taken.later', 'ch-edit');
    // The user name is taken meanwhile (Ada creates it herself in her 1:1 chat), so the approved creation fails.
    const personal = await bot.reviewNewUser(ada, 'taken.later');
    invokeCard(await bot.execute(ada, 'create', { requestId: personal }));
    await bot.app.teams.background.drain();
    invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-edit'));
    await bot.app.teams.background.drain();
    expect((await bot.app.useCases.requests.get(requestId))!.value.state.kind).toBe('failed');

    // Ada edits it privately: a new user name, then Create, as a crafted or stale card would let her click.
    const answer = invokeCard(await bot.execute(ada, 'submitForm', { ...form('edited.name'), requestId }));
    expect(cardVerbs(answer)).not.toContain('create');
    const afterEdit = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(afterEdit.state.kind).toBe('pending-approval');
    expect(afterEdit.mode).toBe('approval');
    expect(afterEdit.card?.activityId).toBe(bot.requestMessage(requestId));
    const created = await bot.execute(ada, 'create', { requestId });
    expect(created.body.statusCode).toBe(200);
    await bot.app.teams.background.drain();
    expect(await createsFor('edited.name')).toHaveLength(0);
    expect((await bot.app.useCases.requests.get(requestId))!.value.state.kind).toBe('pending-approval');
    // The team's card says it is waiting again, with the new name.
    const synced = await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).map(cardOf).find((c) => c && cardText(c).includes('edited.name@') && cardText(c).includes('Waiting for approval')));
    expect(cardVerbs(synced)).toContain('approve');

    // An approver approves the edited request: created once, by the approver.
    invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-edit'));
    await bot.app.teams.background.drain();
    const calls = await createsFor('edited.name');
    expect(calls).toHaveLength(1);
    expect((calls[0] as { auth?: { upn?: string } }).auth?.upn).toBe('cleo@contoso-partner.example');
  });

  it('restore instead of create: two clicks at once send one restore', async () => {
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', { ...form('bob.jones'), ticket: '' }));
    const requestId = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'restoreUser')!.data!.requestId!;
    invokeCard(await bot.execute(ada, 'restoreUser', { requestId }));
    const answers = await Promise.all([bot.execute(ada, 'confirmRestore', { requestId }), bot.execute(ada, 'confirmRestore', { requestId }), bot.execute(ada, 'confirmRestore', { requestId })]);
    for (const a of answers) expect(a.body.statusCode).toBe(200);
    expect(answers.filter((a) => cardText(a.body.value).includes('restored'))).toHaveLength(1);
    const patches = (await bot.sandboxState()).requests.filter((r) => r.method === 'PATCH' && /\/users\//.test(r.path));
    expect(patches).toHaveLength(1);
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.state.kind).toBe('cancelled');
    expect(stored.history.map((h) => h.event)).toEqual(expect.arrayContaining(['restore-started', 'restored-instead']));
    expect(await bot.app.useCases.vault.get(requestId)).toBeUndefined();
  });
});
