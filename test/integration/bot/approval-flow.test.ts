import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BotHarness, cardText, cardVerbs, FABRIKAM, HELPDESK_CHANNEL, PARTNER_TENANT, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';
import { MovableClock } from '../../support/movable-clock';

/**
 * Channel approvals over HTTP: a requester raises the request in a channel, an approver who holds the GDAP role
 * approves it, and the user is created once, with the approver's identity; the password never reaches the channel.
 */
describe('channel approvals', () => {
  const bot = new BotHarness({
    passwordRevealMinutes: 5,
    approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false },
  });
  let ada: TeamsUser; // holds User Administrator
  let ben: TeamsUser; // first line, no role
  let cleo: TeamsUser; // role through a nested group
  let erin: TeamsUser; // Directory Writers

  beforeAll(async () => {
    await bot.start();
    [ada, ben, cleo, erin] = await Promise.all(['ada', 'ben', 'cleo', 'erin'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ada, ben, cleo, erin]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  const form = (userName: string) => ({
    customerId: FABRIKAM,
    firstName: 'Barbara',
    lastName: 'Liskov',
    displayName: '',
    userName,
    domain: 'fabrikam.example',
    usageLocation: 'US',
    immutableId: '',
    passwordMode: 'generate',
    password: '',
    forceChangePassword: 'true',
    ticket: 'CHG-1',
  });

  async function raise(requester: TeamsUser, userName: string, cardId: string): Promise<{ requestId: string; card: any }> {
    const card = invokeCard(await bot.executeInChannel(requester, 'submitForm', form(userName), cardId));
    const approve = (card.actions as any[]).find((a) => a.verb === 'approve');
    expect(approve).toBeDefined();
    return { requestId: approve.data.requestId, card };
  }

  const createsFor = async (userName: string) =>
    (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path) && JSON.stringify(r.body).includes(`${userName}@`));

  it('a request raised in the channel becomes one card with the state, the requester and the checks', async () => {
    const { card } = await raise(ben, 'req.card', 'ch-1');
    const text = cardText(card);
    expect(text).toContain('Waiting for approval');
    expect(text).toContain('req.card@fabrikam.example');
    expect(text).toContain('Ben');
    expect(cardVerbs(card)).toEqual(expect.arrayContaining(['approve', 'cancel']));
    expect(card.refresh.action.verb).toBe('refreshRequest');
    expect(card.refresh.userIds).toContain(ben.teamsId);
    expect(card.refresh.userIds.length).toBeLessThanOrEqual(60);
  });

  it('the requester cannot approve their own request', async () => {
    const { requestId } = await raise(ada, 'self.approve', 'ch-2');
    const card = invokeCard(await bot.executeInChannel(ada, 'approve', { requestId }, 'ch-2'));
    expect(errorCodeOf(card)).toBe('SELF_APPROVAL_REFUSED');
    expect(await createsFor('self.approve')).toHaveLength(0);
  });

  it('an approver without the GDAP role is refused and told why; nothing changes', async () => {
    const { requestId } = await raise(ada, 'no.role', 'ch-3');
    const card = cardText(invokeCard(await bot.executeInChannel(ben, 'approve', { requestId }, 'ch-3')));
    expect(card).toContain('No GDAP role');
    const stillPending = cardText(invokeCard(await bot.executeInChannel(ada, 'refreshRequest', { requestId }, 'ch-3')));
    expect(stillPending).toContain('Waiting for approval');
    expect(await createsFor('no.role')).toHaveLength(0);
  });

  it('approval by a role holder creates the user once, with the approver identity; the password goes privately to the requester only', async () => {
    const { requestId } = await raise(ben, 'approved.once', 'ch-4');
    const answer = cardText(invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-4')));
    expect(answer).toContain('approved by');

    const update = await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Created by')));
    expect(cardText(cardOf(update))).toContain('Cleo');
    await bot.app.teams.background.drain();

    const calls = await createsFor('approved.once');
    expect(calls).toHaveLength(1);
    expect((calls[0] as any).auth?.upn ?? '').toBe('cleo@contoso-partner.example');

    const privateMsg = await bot.connector.waitFor(() => bot.connector.privateTo(ben.teamsId).map(cardOf).find((c) => c && cardText(c).includes('approved.once@')));
    const password = findCode(privateMsg);
    expect(password.length).toBeGreaterThanOrEqual(12);
    const channelTraffic = JSON.stringify(bot.connector.calls.filter((c) => c.conversationId === HELPDESK_CHANNEL));
    expect(channelTraffic).not.toContain(password);
    expect(bot.logs.text()).not.toContain(password);
    // Nor in storage: every byte the embedded store wrote (database, WAL) is free of it, in any encoding.
    const dir = bot.app.config.dataDir;
    const stored = Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))));
    expect(stored.includes(Buffer.from(password))).toBe(false);
    expect(stored.includes(Buffer.from(password, 'utf16le'))).toBe(false);
    expect(stored.length).toBeGreaterThan(0);
  });

  it('two approvers at the same moment, and a repeated invoke: exactly one creation and one consistent card', async () => {
    const { requestId } = await raise(ben, 'race.me', 'ch-5');
    const answers = await Promise.all([
      bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-5'),
      bot.executeInChannel(erin, 'approve', { requestId }, 'ch-5'),
      bot.executeInChannel(erin, 'approve', { requestId }, 'ch-5'),
    ]);
    for (const a of answers) expect(a.body.statusCode).toBe(200);
    await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Created by')));
    await bot.app.teams.background.drain();
    expect(await createsFor('race.me')).toHaveLength(1);
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === 'race.me@fabrikam.example')).toHaveLength(1);
  });

  it('reject with a reason: the card says who, and the requester is told privately', async () => {
    const { requestId } = await raise(ben, 'rejected.one', 'ch-6');
    const card = cardText(invokeCard(await bot.executeInChannel(ada, 'reject', { requestId, reason: 'Duplicate of INC-9' }, 'ch-6')));
    expect(card).toContain('Rejected by');
    expect(card).toContain('Duplicate of INC-9');
    await bot.connector.waitFor(() => bot.connector.privateTo(ben.teamsId).map(cardOf).find((c) => c && cardText(c).includes('Duplicate of INC-9')));
    const late = cardText(invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-6')));
    expect(late).toContain('Rejected');
    expect(await createsFor('rejected.one')).toHaveLength(0);
  });

  it('a rejection needs a reason', async () => {
    const { requestId } = await raise(ben, 'no.reason', 'ch-7');
    const card = invokeCard(await bot.executeInChannel(ada, 'reject', { requestId, reason: '  ' }, 'ch-7'));
    expect(errorCodeOf(card)).toBe('VALIDATION_FAILED');
  });

  it('only the requester can cancel', async () => {
    const { requestId } = await raise(ben, 'cancel.me', 'ch-8');
    expect(errorCodeOf(invokeCard(await bot.executeInChannel(ada, 'cancel', { requestId }, 'ch-8')))).toBe('NOT_REQUESTER');
    const cancelled = invokeCard(await bot.executeInChannel(ben, 'cancel', { requestId }, 'ch-8'));
    expect(errorCodeOf(cancelled)).toBeUndefined();
    const card = cardText(cancelled);
    expect(card).toContain('Cancelled by');
  });

  it('user-specific views: approvers see Approve/Reject, the requester Cancel, others the status', async () => {
    const { requestId } = await raise(ben, 'views.one', 'ch-9');
    expect(cardVerbs(invokeCard(await bot.executeInChannel(ada, 'refreshRequest', { requestId }, 'ch-9')))).toEqual(['approve', '', 'refreshRequest']);
    expect(cardVerbs(invokeCard(await bot.executeInChannel(ben, 'refreshRequest', { requestId }, 'ch-9')))).toEqual(['cancel', 'refreshRequest']);
    // Fay holds no GDAP role anywhere: the status only, and a rejection from her is refused with the reason.
    const fay = await bot.teamsUser('fay@contoso-partner.example');
    await bot.signIn(fay);
    expect(cardVerbs(invokeCard(await bot.executeInChannel(fay, 'refreshRequest', { requestId }, 'ch-9')))).toEqual(['refreshRequest']);
    expect(cardText(invokeCard(await bot.executeInChannel(fay, 'reject', { requestId, reason: 'not mine to judge' }, 'ch-9')))).toContain('No GDAP role');
    expect(cardText(invokeCard(await bot.executeInChannel(ada, 'refreshRequest', { requestId }, 'ch-9')))).toContain('Waiting for approval');
  });

  it('an approver with no session is asked for the SSO token (401 loginRequest) and the approval goes through with it', async () => {
    const { requestId } = await raise(ben, 'login.first', 'ch-10');
    await bot.app.teams.signIn.forget(`aad:${PARTNER_TENANT}:${erin.aadObjectId}`);
    const first = await bot.executeInChannel(erin, 'approve', { requestId }, 'ch-10');
    expect(first.body.statusCode).toBe(401);
    expect(first.body.type).toBe('application/vnd.microsoft.activity.loginRequest');
    const token = await bot.ssoToken(erin.upn);
    const second = await bot.executeInChannel(erin, 'approve', { requestId }, 'ch-10', { authentication: { token } });
    expect(cardText(invokeCard(second))).toContain('approved by');
    await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Created by')));
    expect(await createsFor('login.first')).toHaveLength(1);
  });
});

describe('channel approvals: sign-in that cannot happen in place', () => {
  const bot = new BotHarness();
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('the approver gets a private sign-in prompt, and the approval completes right after sign-in without a second click', async () => {
    const ben = await bot.teamsUser('ben@contoso-partner.example');
    const ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ben);
    const card = invokeCard(
      await bot.executeInChannel(
        ben,
        'submitForm',
        { customerId: FABRIKAM, firstName: 'A', lastName: 'B', userName: 'private.signin', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' },
        'ch-priv',
      ),
    );
    const requestId = (card.actions as any[]).find((a) => a.verb === 'approve').data.requestId;
    // Teams handed over a token that cannot be exchanged (say, consent missing in this client).
    const answer = cardText(invokeCard(await bot.executeInChannel(ada, 'approve', { requestId }, 'ch-priv', { authentication: { token: 'unusable' } })));
    expect(answer).toContain('private chat');
    const prompt = await bot.connector.waitFor(() => bot.connector.privateTo(ada.teamsId).find((c) => JSON.stringify(c.body).includes('application/vnd.microsoft.card.oauth')));
    expect(prompt).toBeDefined();
    expect((await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path))).toHaveLength(0);

    await bot.signIn(ada);
    await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Created by')));
    await bot.app.teams.background.drain();
    const creates = (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes('private.signin@'));
    expect(creates).toHaveLength(1);
  });
});

describe('a request raised in a 1:1 chat and sent to the approvers\' channel', () => {
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false, channelId: HELPDESK_CHANNEL } });
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  const form = { customerId: FABRIKAM, firstName: 'Ida', lastName: 'Rhodes', userName: 'from.personal', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', sendForApproval: 'true' };

  it('is posted as the request card in the channel and approved there', async () => {
    const ben = await bot.teamsUser('ben@contoso-partner.example');
    const ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ben);
    await bot.signIn(ada);
    const pickForm = invokeCard(await bot.execute(ben, 'pickCustomer', { customerId: FABRIKAM }));
    expect(JSON.stringify(pickForm)).toContain('sendForApproval');

    // The bot has not seen the channel yet: it says so instead of losing the request.
    expect(cardText(invokeCard(await bot.execute(ben, 'submitForm', form)))).toContain('not reachable yet');

    await bot.post(bot.channelActivity(ada, { type: 'message', text: '<at>Partner User Desk</at> help' }));
    const sent = cardText(invokeCard(await bot.execute(ben, 'submitForm', form)));
    expect(sent).toContain('Sent for approval');
    const posted = await bot.connector.waitFor(() => bot.connector.sent().find((c) => c.conversationId === HELPDESK_CHANNEL && cardText(cardOf(c)).includes('from.personal@')));
    const requestId = (cardOf(posted)!.actions as any[]).find((a) => a.verb === 'approve').data.requestId;
    await bot.executeInChannel(ada, 'approve', { requestId }, posted.activityId!);
    await bot.connector.waitFor(() => bot.connector.updates(posted.activityId).find((u) => cardText(cardOf(u)).includes('Created by')));
    await bot.connector.waitFor(() => bot.connector.privateTo(ben.teamsId).find((c) => cardText(cardOf(c)).includes('from.personal@')));
  });
});

describe('channel approvals: expiry', () => {
  // The request's hour runs out when the test moves the bot's clock, after the submission was answered: with a
  // real one-second expiry, a slow machine could expire the request before its card was posted and its answer
  // drawn ("Waiting for approval" then failed, or the expiry found no card to update).
  const clock = new MovableClock();
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 1, passwordToApprover: false }, dueWorkPollMs: 100 }, { clock });
  beforeAll(() => bot.start());
  afterAll(() => bot.stop());

  it('an undecided request expires: the card says so and the requester is told', async () => {
    const ben = await bot.teamsUser('ben@contoso-partner.example');
    await bot.signIn(ben);
    const card = invokeCard(
      await bot.executeInChannel(
        ben,
        'submitForm',
        { customerId: FABRIKAM, firstName: 'A', lastName: 'B', userName: 'expire.me', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' },
        'ch-exp',
      ),
    );
    expect(cardText(card)).toContain('Waiting for approval');
    const requestId = (card.actions as any[]).find((a) => a.verb === 'cancel').data.requestId;
    expect(bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Expired'))).toBeUndefined();
    clock.advance(3_600_000 + 1_000);
    // Due at once now, run at the next 100 ms poll; the rest of the bound is room for a slow machine.
    await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Expired')), 10_000);
    await bot.connector.waitFor(() => bot.connector.privateTo(ben.teamsId).map(cardOf).find((c) => c && cardText(c).includes('expired')));
  });
});

function findCode(card: unknown): string {
  let code = '';
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'CodeBlock' && typeof o.codeSnippet === 'string') code = o.codeSnippet;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return code;
}
