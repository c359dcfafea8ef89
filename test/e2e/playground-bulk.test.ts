import { FABRIKAM, cardText } from '../support/bot-harness';
import { BAD_LINES, fabrikamBatchCsv } from '../support/bulk-csv';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';
import { UploadSink } from '../support/upload-sink';
import { parseCsv } from '../../src/core/bulk/csv';

/**
 * Issue 14 through what `npm start` runs, driven via the Agents Playground: 25 Fabrikam users pasted into the bulk
 * card, two of them bad. The checklist shows the two problems with their codes; "Create 23 users" creates each of
 * the 23 once with its licence and groups; the passwords come in one message; the results CSV (accepted as a file
 * offer into a loopback "OneDrive") matches the sandbox's state.
 */
interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string; total: number; consumed: number }>; groups: Array<{ id: string; displayName: string; members: string[] }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[] }>>;
  requests: Array<{ method: string; path: string; status: number }>;
}

describe('Agents Playground: bulk creation, end to end', () => {
  const env = new DevEnvironment('test-output/e2e-bulk-data');
  const sink = new UploadSink();
  let driver: PlaygroundDriver;
  let chat: string;
  let me: string;
  const world = async () => (await env.sandboxState()) as unknown as World;

  beforeAll(async () => {
    await sink.start();
    await env.start();
    driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
    const cfg = await driver.config();
    chat = cfg.personalChat.id as string;
    me = cfg.currentUser.id as string;
  }, 90_000);

  afterAll(async () => {
    driver?.close();
    await env.stop();
    await sink.stop();
  });

  it('25 pasted for Fabrikam, two bad: the checklist names both, the 23 others are created once each with licences and groups, the results CSV matches the sandbox', async () => {
    const before = await world();
    const fabrikamBefore = before.customers.find((c) => c.id === FABRIKAM)!;
    const { csv, good } = fabrikamBatchCsv('bk');
    const seen = new Set(driver.cards().map((c) => c.id));
    await driver.say(chat, me, 'bulk');
    const input = await driver.waitFor(() => driver.cards().find((c) => !seen.has(c.id) && cardText(c.card).includes('Bulk creation')));
    const requestsBefore = before.requests.length;

    const checklist = await driver.card(chat, me, input.id, 'bulkCheck', { customerId: FABRIKAM, csv });
    const text = JSON.stringify(checklist);
    expect(text).toContain(`"row.${BAD_LINES.badUserName}.left-out.VALIDATION_FAILED"`);
    expect(text).toContain(`"row.${BAD_LINES.unknownGroup}.left-out.GROUP_NOT_FOUND"`);
    expect(text.match(/"row\.\d+\.left-out\.[A-Z_]*"/g)).toEqual([`"row.${BAD_LINES.badUserName}.left-out.VALIDATION_FAILED"`, `"row.${BAD_LINES.unknownGroup}.left-out.GROUP_NOT_FOUND"`]);
    expect(cardText(checklist)).toContain('23 of 25 rows are ready');
    const confirm = (checklist.actions as Array<{ verb?: string; title: string; data: { batchId: string } }>).find((a) => a.verb === 'bulkConfirm')!;
    expect(confirm.title).toBe('Create 23 users');
    // Nothing was created by the check, and the reads every row shares were made once for the batch.
    const afterCheck = await world();
    expect(afterCheck.users[FABRIKAM].filter((u) => u.userPrincipalName.startsWith('bk.'))).toHaveLength(0);
    const checkCalls = afterCheck.requests.slice(requestsBefore);
    expect(checkCalls.filter((r) => r.method === 'GET' && r.path === `/v1/customers/${FABRIKAM}/subscribedskus`).length).toBeLessThanOrEqual(1);
    expect(checkCalls.filter((r) => r.method === 'GET' && r.path === `/v1/customers/${FABRIKAM}`).length).toBeLessThanOrEqual(1);
    expect(checkCalls.filter((r) => r.method === 'GET' && r.path === `/v1/customers/${FABRIKAM}/users`).length).toBeLessThanOrEqual(2);
    // Nothing written: no user, licence or membership call (the POSTs of a check are token requests and checkMemberGroups).
    expect(checkCalls.filter((r) => r.method !== 'GET' && (r.path.startsWith('/v1/customers') || /\/groups\/|\/users\//.test(r.path)))).toEqual([]);
    expect(checkCalls.filter((r) => r.path.endsWith('/checkMemberGroups')).length).toBeLessThanOrEqual(2);

    const running = await driver.card(chat, me, input.id, 'bulkConfirm', { batchId: confirm.data.batchId });
    expect(JSON.stringify(running)).toContain('"batch.running"');
    const done = await driver.waitFor(() => {
      const card = driver.messages.get(input.id)?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
      return card && JSON.stringify(card).includes('"batch.done"') ? card : undefined;
    }, 150_000);
    expect(cardText(done)).toContain('23 created, 0 failed, 2 left out');

    // The sandbox: each of the 23 exists once, with its licence and its groups; the bad rows do not exist.
    const after = await world();
    const fabrikam = after.customers.find((c) => c.id === FABRIKAM)!;
    for (const g of good) {
      const users = after.users[FABRIKAM].filter((u) => u.userPrincipalName === g.upn);
      expect(users).toHaveLength(1);
      const sku = fabrikam.skus.find((s) => s.name === g.licence)!;
      expect(users[0].licenses).toEqual([sku.id]);
      expect(fabrikam.groups.filter((gr) => gr.members.includes(users[0].id)).map((gr) => gr.displayName).sort()).toEqual([...g.groups].sort());
    }
    expect(after.users[FABRIKAM].filter((u) => /^bk[. ](bad|lost)/.test(u.userPrincipalName))).toHaveLength(0);
    // One create call per created user: no row was sent twice.
    const creates = after.requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${FABRIKAM}/users` && r.status < 300);
    expect(creates.length - before.requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${FABRIKAM}/users` && r.status < 300).length).toBe(23);
    expect(fabrikam.skus.find((s) => s.name === 'Microsoft 365 Business Standard')!.consumed).toBe(fabrikamBefore.skus.find((s) => s.name === 'Microsoft 365 Business Standard')!.consumed + 23);

    // The passwords: one message, every created user on it, in this 1:1 chat.
    const passwordMessages = driver.cards().filter((c) => JSON.stringify(c.card).includes('"passwords.shown"'));
    expect(passwordMessages).toHaveLength(1);
    const lines = String(PlaygroundDriver.formValues(passwordMessages[0].card).passwords).split('\n');
    expect(lines.map((l) => l.split(',')[0]).sort()).toEqual(good.map((g) => g.upn).sort());

    // The results CSV, accepted as a file offer: it matches the sandbox and carries no password.
    const offersBefore = driver.events.length;
    await driver.card(chat, me, input.id, 'bulkResults', { batchId: confirm.data.batchId });
    const offer = await driver.waitFor(() =>
      driver.events.slice(offersBefore).map((e) => e.message.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent')).find(Boolean),
    );
    // The Playground's invoke API takes only card and message-extension invokes, not fileConsent/invoke: the accept
    // goes to the bot's endpoint the way Teams sends it, as the Playground's user in this chat.
    const cfg = await driver.config();
    const res = await fetch(`${env.app.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'invoke',
        name: 'fileConsent/invoke',
        id: 'consent-1',
        channelId: 'msteams',
        serviceUrl: env.playground.url,
        from: { id: me, aadObjectId: cfg.currentUser.aadObjectId, name: cfg.currentUser.name },
        recipient: { id: cfg.bot.id, name: cfg.bot.name },
        conversation: { id: chat, conversationType: 'personal', tenantId: cfg.tenantId },
        channelData: { tenant: { id: cfg.tenantId } },
        value: { type: 'fileUpload', action: 'accept', context: offer!.content.acceptContext, uploadInfo: { uploadUrl: `${sink.url}/results`, name: 'bulk-results.csv', contentUrl: `${sink.url}/results`, uniqueId: 'u1', fileType: 'csv' } },
      }),
    });
    expect(`${res.status} ${await res.text()}`).toMatch(/^2/);
    const upload = await driver.waitFor(() => sink.uploads.find((u) => u.path === '/results'), 20_000);
    const [header, ...rows] = parseCsv(upload.body).map((r) => r.fields);
    const col = (name: string) => header.indexOf(name);
    const created = rows.filter((r) => r[col('outcome')] === 'created');
    expect(created).toHaveLength(23);
    for (const r of created) {
      const user = after.users[FABRIKAM].find((u) => u.userPrincipalName === r[col('user_principal_name')])!;
      expect(r[col('user_object_id')]).toBe(user.id);
      const g = good.find((x) => x.upn === user.userPrincipalName)!;
      expect(r[col('licences')]).toBe(g.licence);
      expect(r[col('groups')].split('; ').sort()).toEqual([...g.groups].sort());
    }
    expect(rows.filter((r) => r[col('outcome')] === 'left-out').map((r) => `${r[col('line')]}:${r[col('error_code')]}`).sort()).toEqual([`${BAD_LINES.unknownGroup}:GROUP_NOT_FOUND`, `${BAD_LINES.badUserName}:VALIDATION_FAILED`]);
    for (const l of lines) expect(upload.body).not.toContain(l.split(',')[1]);
  }, 240_000);
});
