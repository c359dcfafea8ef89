import { BotHarness, FABRIKAM, HELPDESK_CHANNEL, PARTNER_TENANT, cardText, cardVerbs, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf, type ConnectorCall } from '../../support/recording-connector';
import { PASSING_STEP_MS } from '../../../src/teams/personal-mirror';

/**
 * Cards as the real Teams client treats them, not as the Playground does (issue 17, points 2, 4 and 9): automatic
 * refresh never asks anyone to sign in and lists the requester and the approvers; personal-chat steps are written
 * into the message itself (an invoke's card reaches the clicking device only); each channel request is its own
 * message that @mentions the known approvers.
 */
const form = (userName: string, extra: Record<string, string> = {}) => ({
  customerId: FABRIKAM,
  firstName: 'Grace',
  lastName: 'Hopper',
  userName,
  domain: 'fabrikam.example',
  usageLocation: 'US',
  passwordMode: 'generate',
  forceChangePassword: 'true',
  ...extra,
});
const requestIdOf = (card: any): string => card.refresh.action.data.requestId;
const hasPassword = (c: ConnectorCall) => JSON.stringify(cardOf(c) ?? {}).includes('"codeSnippet"');

describe('channel cards: automatic refresh, its audience, approver mentions, one message per request', () => {
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ada: TeamsUser; // User Administrator
  let ben: TeamsUser; // no role
  let cleo: TeamsUser; // role through a nested group
  let erin: TeamsUser; // Directory Writers
  const fillers = Array.from({ length: 80 }, (_, i) => ({ id: `29:member-${i}`, name: `Member ${i}` }));

  beforeAll(async () => {
    await bot.start();
    [ada, ben, cleo, erin] = await Promise.all(['ada', 'ben', 'cleo', 'erin'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ada, ben, cleo, erin]) await bot.signIn(u);
    // 84 members on four pages of 25 (Teams pages its members API): the approvers are on the last page.
    bot.connector.rosterPageLimit = 25;
    bot.connector.members = [...fillers, ...[ben, erin, cleo, ada].map((u) => ({ id: u.teamsId, name: u.name, aadObjectId: u.aadObjectId }))];
    // Here the directory cannot be read (Graph fails every group-member read): who could approve is then only
    // known from people acting, and the request is posted regardless. approvers-in-full.test.ts has the readable case.
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'GET', path: '/v1.0/groups/*/transitiveMembers/microsoft.graph.user', kind: 'status', status: 503, count: 10_000 });
  });
  afterAll(() => bot.stop());

  const raise = async (who: TeamsUser, userName: string, cardId: string) => {
    const card = invokeCard(await bot.executeInChannel(who, 'submitForm', form(userName), cardId));
    const requestId = requestIdOf(card);
    const posted = bot.connector.sent().find((c) => c.activityId === bot.requestMessage(requestId))!;
    return { card, requestId, posted };
  };

  it('reads every page of the roster; the requester comes first; at most 60; no mention while no approver is known', async () => {
    const { card, posted } = await raise(ben, 'paged.roster', 'tc-1');
    expect((await bot.sandboxState()).requests.some((r) => r.path.endsWith('/transitiveMembers/microsoft.graph.user') && r.status === 503)).toBe(true);
    const rosterReads = bot.connector.calls.filter((c) => c.method === 'GET' && c.conversationId === HELPDESK_CHANNEL);
    expect(rosterReads.map((c) => c.body.from)).toEqual([0, 25, 50, 75]);
    const ids = card.refresh.userIds as string[];
    expect(ids[0]).toBe(ben.teamsId);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
    expect((cardOf(posted)!.refresh as { userIds: string[] }).userIds).toEqual(ids);
    expect(cardOf(posted)!.msteams).toBeUndefined();
    expect(JSON.stringify(cardOf(posted))).not.toContain('<at>');
  });

  it('an automatic refresh without a session gets the observer view (200), never a sign-in request', async () => {
    const { requestId, posted } = await raise(ben, 'auto.refresh', 'tc-2');
    await bot.app.teams.signIn.forget(`aad:${PARTNER_TENANT}:${cleo.aadObjectId}`);
    const before = bot.connector.calls.length;
    const res = await bot.executeInChannel(cleo, 'refreshRequest', { requestId }, posted.activityId!, { trigger: 'automatic' });
    expect(res.status).toBe(200);
    expect(res.body.type).not.toBe('application/vnd.microsoft.activity.loginRequest');
    const card = invokeCard(res);
    expect(cardVerbs(card)).toEqual(['refreshRequest']);
    expect(cardText(card)).toContain('auto.refresh@fabrikam.example');
    expect(cardText(card)).toContain('Waiting for approval');
    // Nothing was sent anyone (no private sign-in prompt either).
    expect(bot.connector.calls.slice(before).filter((c) => c.method === 'POST')).toHaveLength(0);

    // A token Teams could not make usable on an automatic refresh: the same read-only view, not a 412.
    const unusable = await bot.executeInChannel(cleo, 'refreshRequest', { requestId }, posted.activityId!, { trigger: 'automatic', authentication: { token: 'unusable' } });
    expect(cardVerbs(invokeCard(unusable))).toEqual(['refreshRequest']);

    // A click (manual) still asks for the SSO token: only the automatic refresh is silent.
    const manual = await bot.executeInChannel(cleo, 'refreshRequest', { requestId }, posted.activityId!);
    expect(manual.body.type).toBe('application/vnd.microsoft.activity.loginRequest');

    // The card data is not trusted: the same request id from another team's channel shows nothing of it.
    const elsewhere = bot.channelActivity(cleo, {
      type: 'invoke',
      name: 'adaptiveCard/action',
      replyToId: 'tc-other',
      value: { action: { type: 'Action.Execute', verb: 'refreshRequest', data: { verb: 'refreshRequest', requestId } }, trigger: 'automatic' },
    });
    (elsewhere.conversation as { id: string }).id = '19:other-team@thread.tacv2';
    const foreign = invokeCard(await bot.post(elsewhere));
    expect(cardText(foreign)).not.toContain('auto.refresh@');
    expect(cardVerbs(foreign)).not.toContain('refreshRequest');
    await bot.signIn(cleo);
  });

  it('known approvers come right after the requester in refresh.userIds, and the next request @mentions them', async () => {
    const first = await raise(ben, 'learn.approver', 'tc-3');
    // Erin (last page of the roster, beyond the first 60) looks at the card and gets the approver's view.
    expect(cardVerbs(invokeCard(await bot.executeInChannel(erin, 'refreshRequest', { requestId: first.requestId }, first.posted.activityId!)))).toContain('approve');
    // Fay holds no role: her view is the observer's, and she is not taken for an approver.
    const fay = await bot.teamsUser('fay@contoso-partner.example');
    await bot.signIn(fay);
    expect(cardVerbs(invokeCard(await bot.executeInChannel(fay, 'refreshRequest', { requestId: first.requestId }, first.posted.activityId!)))).toEqual(['refreshRequest']);

    const next = await raise(ben, 'mention.me', 'tc-4');
    const ids = next.card.refresh.userIds as string[];
    expect(ids.slice(0, 2)).toEqual([ben.teamsId, erin.teamsId]);
    expect(ids).toHaveLength(60);
    expect(ids).not.toContain(fay.teamsId);
    const posted = cardOf(next.posted)!;
    const entities = (posted.msteams as { entities: Array<{ type: string; text: string; mentioned: { id: string; name: string } }> }).entities;
    expect(entities).toEqual([{ type: 'mention', text: `<at>${erin.name}</at>`, mentioned: { id: erin.teamsId, name: erin.name } }]);
    expect(cardText(posted)).toContain(`<at>${erin.name}</at>`);

    // A decision also makes someone a known approver (Ada rejects), newest first; the requester is never mentioned.
    invokeCard(await bot.executeInChannel(ada, 'reject', { requestId: next.requestId, reason: 'Duplicate' }, next.posted.activityId!));
    const third = await raise(erin, 'mention.two', 'tc-5');
    const mentioned = ((cardOf(third.posted)!.msteams as { entities: Array<{ mentioned: { id: string } }> }).entities).map((e) => e.mentioned.id);
    expect(mentioned).toEqual([ada.teamsId]);
    expect((third.card.refresh.userIds as string[]).slice(0, 3)).toEqual([erin.teamsId, ada.teamsId, fillers[0].id]);
  });

  it('two people submitting from one shared "Open the form" card get two request messages; the shared card is left as it was', async () => {
    const [a, b] = await Promise.all([
      bot.executeInChannel(ben, 'submitForm', form('shared.one'), 'tc-shared-form'),
      bot.executeInChannel(cleo, 'submitForm', form('shared.two'), 'tc-shared-form'),
    ]);
    const [one, two] = [requestIdOf(invokeCard(a)), requestIdOf(invokeCard(b))];
    expect(one).not.toBe(two);
    const [m1, m2] = [bot.requestMessage(one), bot.requestMessage(two)];
    expect(m1).not.toBe(m2);
    expect(cardText(cardOf(bot.connector.sent().find((c) => c.activityId === m1)))).toContain('shared.one@');
    expect(cardText(cardOf(bot.connector.sent().find((c) => c.activityId === m2)))).toContain('shared.two@');
    await bot.app.teams.background.drain();
    expect(bot.connector.attempts((c) => c.activityId === 'tc-shared-form')).toHaveLength(0);
    // Each request lives on in its own message: cancelling one updates that message only.
    invokeCard(await bot.executeInChannel(ben, 'cancel', { requestId: one }, m1));
    await bot.connector.waitFor(() => bot.connector.updates(m1).find((u) => cardText(cardOf(u)).includes('Cancelled by')));
    await bot.app.teams.background.drain();
    expect(bot.connector.updates(m2)).toHaveLength(0);
  });
});

describe('personal chat: every step is written into the message, for the other devices and a reload', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 0.05, dueWorkPollMs: 100 });
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
  });
  afterAll(() => bot.stop());

  it('form, confirmation, then the result with the password and the result without it: a creation that ends within PASSING_STEP_MS writes no "Creating…" into the message', async () => {
    const id = 'p4-create';
    const formCard = invokeCard(await bot.execute(ada, 'pickCustomer', { customerId: FABRIKAM }, id));
    await bot.connector.waitFor(() => bot.connector.updates(id)[0]);
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form('mirror.steps'), id));
    await bot.connector.waitFor(() => bot.connector.updates(id)[1]);
    const requestId = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'create')!.data!.requestId!;
    const clicked = Date.now();
    const creating = invokeCard(await bot.execute(ada, 'create', { requestId }, id));
    expect(cardText(creating)).toContain('Creating');
    await bot.connector.waitFor(() => bot.connector.updates(id).find(hasPassword));
    const resultAfterMs = Date.now() - clicked;
    await bot.connector.waitFor(() => {
      const ups = bot.connector.updates(id);
      return ups.length >= 4 && !hasPassword(ups[ups.length - 1]) ? true : undefined;
    }, 15_000);
    await bot.app.teams.background.drain();

    const ups = bot.connector.updates(id);
    // The result came well within the window here (the sandbox answers at once), so "Creating…" never went out.
    expect(resultAfterMs).toBeLessThan(PASSING_STEP_MS);
    expect(ups.map(cardOf).slice(0, 2)).toEqual([formCard, confirm]);
    expect(ups.map(cardOf)).not.toContainEqual(creating);
    expect(ups.map(hasPassword)).toEqual([false, false, true, false]);
    expect(cardText(cardOf(ups[3]))).toContain('mirror.steps@fabrikam.example');
    // Every write went to the original message of this personal chat, none anywhere else.
    for (const u of ups) expect(u.conversationId).toMatch(/^a:personal-/);
  });

  it('a creation slower than PASSING_STEP_MS: "Creating…" is written into the message after that time, then the result, in order', async () => {
    const id = 'p4-slow';
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form('mirror.slow'), id));
    await bot.connector.waitFor(() => bot.connector.updates(id)[0]);
    const requestId = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'create')!.data!.requestId!;
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'latency', latencyMs: PASSING_STEP_MS + 1_000, count: 1 });
    const clicked = Date.now();
    const creating = invokeCard(await bot.execute(ada, 'create', { requestId }, id));
    await bot.connector.waitFor(() => bot.connector.updates(id)[1], 10_000);
    expect(Date.now() - clicked).toBeGreaterThanOrEqual(PASSING_STEP_MS - 50);
    expect(bot.connector.updates(id).some(hasPassword)).toBe(false);
    await bot.connector.waitFor(() => bot.connector.updates(id).find(hasPassword), 15_000);
    await bot.app.teams.background.drain();
    const ups = bot.connector.updates(id);
    expect(ups.map(cardOf).slice(0, 2)).toEqual([confirm, creating]);
    expect(hasPassword(ups[2])).toBe(true);
  });

  it('edit and cancel are written into the message too; a refused action is not', async () => {
    const id = 'p4-edit';
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form('mirror.edit'), id));
    const requestId = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'create')!.data!.requestId!;
    const edited = invokeCard(await bot.execute(ada, 'edit', { requestId }, id));
    const cancelled = invokeCard(await bot.execute(ada, 'cancel', { requestId }, id));
    expect(cardText(cancelled)).toContain('cancelled');
    await bot.connector.waitFor(() => bot.connector.updates(id)[2]);
    // An error answer (the request id is not a request) stays on the clicking device: the message keeps its step.
    invokeCard(await bot.execute(ada, 'edit', { requestId: '00000000-0000-4000-8000-000000000000' }, id));
    await bot.app.teams.background.drain();
    expect(bot.connector.updates(id).map(cardOf)).toEqual([confirm, edited, cancelled]);
  });
});
