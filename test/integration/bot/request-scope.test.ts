import { randomUUID } from 'node:crypto';
import { BotHarness, FABRIKAM, HELPDESK_CHANNEL, PARTNER_TENANT, cardText, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';

/**
 * Attacks on request ids: a request id is not a capability. Ben, in a conversation where a request does not live,
 * clicks every verb with an id copied from Ada's 1:1 chat or from another team's channel. Each answer must be
 * indistinguishable from an id that never existed (same code, same card), nothing may change upstream or in store,
 * and the request's card must stay where it was raised.
 */
describe('request ids from another conversation', () => {
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ada: TeamsUser;
  let ben: TeamsUser;
  let cleo: TeamsUser;
  const OTHER_TEAM = '19:other-team-general@thread.tacv2';

  beforeAll(async () => {
    await bot.start();
    [ada, ben, cleo] = await Promise.all(['ada', 'ben', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ada, ben, cleo]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  /** A click in a team channel other than the helpdesk one. */
  const executeInTeam = (user: TeamsUser, channel: string, verb: string, data: Record<string, unknown>, cardId: string, trigger = 'manual') =>
    bot.post({
      ...bot.activity(user, { type: 'invoke', name: 'adaptiveCard/action', replyToId: cardId, value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger } }),
      conversation: { id: `${channel};messageid=${cardId}`, conversationType: 'channel', isGroup: true, tenantId: PARTNER_TENANT },
      channelData: { tenant: { id: PARTNER_TENANT }, team: { id: channel }, channel: { id: channel } },
    });

  const form = (userName: string) => ({ customerId: FABRIKAM, firstName: 'Grace', lastName: 'Hopper', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', ticket: 'CHG-7' });

  /** What the error card says, without its per-turn correlation id. */
  const withoutReference = (card: unknown) => cardText(card).replace(/correlation id [0-9a-f-]+/g, '');
  const codesLogged = (requestId: string) =>
    bot.logs
      .parsed()
      .filter((l) => l.msg === 'turn failed' && l.requestId === requestId)
      .map((l) => l.code);
  const upstreamWrites = async () => (await bot.sandboxState()).requests.filter((r) => r.method !== 'GET').length;

  const VERBS = ['refreshRequest', 'approve', 'reject', 'cancel', 'retry', 'create', 'edit', 'restoreUser', 'confirmRestore', 'cancelForm'];

  it("Ben in a team channel, with an id from Ada's 1:1 chat: every verb answers like an unknown id, and nothing changes", async () => {
    const requestId = await bot.reviewNewUser(ada, 'ada.private');
    const before = await bot.app.useCases.requests.get(requestId);
    const writes = await upstreamWrites();
    const unknownId = randomUUID();
    const unknown = invokeCard(await bot.executeInChannel(ben, 'refreshRequest', { requestId: unknownId }, 'ch-x'));
    expect(codesLogged(unknownId)).toEqual(['REQUEST_NOT_FOUND']);
    for (const verb of VERBS) {
      const card = invokeCard(await bot.executeInChannel(ben, verb, { requestId, reason: 'because' }, 'ch-x'));
      expect(withoutReference(card)).toBe(withoutReference(unknown));
      expect(cardText(card)).not.toContain('ada.private');
    }
    // Even an edit submitted with the id (a crafted form) is refused the same way, in the channel and in Ben's 1:1.
    invokeCard(await bot.executeInChannel(ben, 'submitForm', { ...form('stolen.edit'), requestId }, 'ch-x'));
    const fromBen1on1 = invokeCard(await bot.execute(ben, 'submitForm', { ...form('stolen.edit'), requestId }));
    expect(withoutReference(fromBen1on1)).toBe(withoutReference(unknown));
    for (const verb of VERBS) expect(withoutReference(invokeCard(await bot.execute(ben, verb, { requestId, reason: 'x' })))).toBe(withoutReference(unknown));
    expect(new Set(codesLogged(requestId))).toEqual(new Set(['REQUEST_NOT_FOUND']));
    expect(codesLogged(requestId)).toHaveLength(VERBS.length * 2 + 2);

    const after = await bot.app.useCases.requests.get(requestId);
    expect(after?.etag).toBe(before?.etag);
    expect(await upstreamWrites()).toBe(writes);
    // Ada herself, in her own 1:1 chat, still sees and uses it.
    const own = invokeCard(await bot.execute(ada, 'edit', { requestId }));
    expect(errorCodeOf(own)).toBeUndefined();
    expect(cardText(own)).toContain('ada.private'); // the form, filled with her request as she left it
    expect(cardText(own)).not.toContain('stolen.edit');
  });

  it('Ben in another team, with the id of a helpdesk channel request: refresh, approve and retry neither show it nor move its card', async () => {
    const raised = invokeCard(await bot.executeInChannel(ada, 'submitForm', form('helpdesk.only'), 'ch-home'));
    const requestId = (raised.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')!.data!.requestId!;
    const home = bot.requestMessage(requestId);
    const unknown = invokeCard(await executeInTeam(cleo, OTHER_TEAM, 'refreshRequest', { requestId: randomUUID() }, 'other-1'));
    for (const verb of ['refreshRequest', 'approve', 'retry', 'reject', 'cancel']) {
      const card = invokeCard(await executeInTeam(cleo, OTHER_TEAM, verb, { requestId, reason: 'x' }, 'other-1', verb === 'refreshRequest' ? 'automatic' : 'manual'));
      expect(withoutReference(card)).toBe(withoutReference(unknown));
    }
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.state.kind).toBe('pending-approval');
    expect((stored.card?.conversation as { conversation?: { id?: string } }).conversation?.id?.split(';')[0]).toBe(HELPDESK_CHANNEL);
    expect(stored.card?.activityId).toBe(home);
    // Nothing was posted or updated there (the roster read is the refresh audience learning the team, not a card).
    expect(bot.connector.calls.filter((c) => c.conversationId.startsWith(OTHER_TEAM) && c.method !== 'GET')).toHaveLength(0);

    // Cleo approves where the request lives, from a different message of the same channel: the card stays put.
    const approved = cardText(invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-elsewhere')));
    expect(approved).toContain('approved by');
    await bot.connector.waitFor(() => bot.connector.updates(home).find((u) => cardText(cardOf(u)).includes('Created by')));
    await bot.app.teams.background.drain();
    expect((await bot.app.useCases.requests.get(requestId))!.value.card?.activityId).toBe(home);
    expect(bot.connector.updates('ch-elsewhere')).toHaveLength(0);
  });

  it('the sign-in resume is judged from where the click came: an approval clicked in another team is not carried out', async () => {
    const raised = invokeCard(await bot.executeInChannel(ada, 'submitForm', form('resume.scope'), 'ch-resume'));
    const requestId = (raised.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')!.data!.requestId!;
    const answer = await bot.post({
      ...bot.activity(cleo, { type: 'invoke', name: 'adaptiveCard/action', replyToId: 'other-2', value: { action: { type: 'Action.Execute', verb: 'approve', data: { verb: 'approve', requestId } }, trigger: 'manual', authentication: { token: 'unusable' } } }),
      conversation: { id: OTHER_TEAM, conversationType: 'channel', isGroup: true, tenantId: PARTNER_TENANT },
      channelData: { tenant: { id: PARTNER_TENANT }, team: { id: OTHER_TEAM }, channel: { id: OTHER_TEAM } },
    });
    expect(answer.status).toBe(200);
    await bot.signIn(cleo);
    await bot.app.teams.background.drain();
    expect((await bot.app.useCases.requests.get(requestId))!.value.state.kind).toBe('pending-approval');
    expect(codesLogged(requestId)).toContain('REQUEST_NOT_FOUND');
    expect((await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes('resume.scope@'))).toHaveLength(0);
  });
});
