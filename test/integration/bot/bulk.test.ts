import { createServer, type Server } from 'node:http';
import { BotHarness, FABRIKAM, cardText, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { errorCodeOf } from '../../support/card-error-code';
import { listenOnLoopback } from '../../support/free-port';
import { cardOf, type ConnectorCall } from '../../support/recording-connector';
import { FILE_DOWNLOAD_INFO } from '../../../src/teams/bulk/bulk-files';
import { FILE_CONSENT_CARD } from '../../../src/teams/file-consent';
import { BULK_TEMPLATE_CSV } from '../../../src/core/bulk/bulk-limits';
import { parseCsv } from '../../../src/core/bulk/csv';
import { MovableClock } from '../../support/movable-clock';

interface World {
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[] }>>;
  requests: Array<{ method: string; path: string; status: number; headers: Record<string, string>; at?: string }>;
}

/**
 * Bulk creation at the bot level (issue 14), over real HTTP with the sandbox and the recording connector: a CSV
 * attached to the 1:1 chat (Teams' file download info, fetched from a loopback "OneDrive"), its refusals (encoding,
 * size, an address that is not OneDrive), who may act on a batch and a file, a double confirm, and Partner Center
 * throttling (429 + Retry-After) during a batch.
 */
describe('bulk creation in the 1:1 chat', () => {
  const clock = new MovableClock();
  const bot = new BotHarness({ passwordRevealMinutes: 5 }, { clock });
  let ada: TeamsUser;
  let ben: TeamsUser;
  let files: Server;
  let filesUrl = '';
  const served = new Map<string, { body: Buffer; headers?: Record<string, string> }>();

  beforeAll(async () => {
    files = createServer((req, res) => {
      const f = served.get(req.url ?? '');
      if (!f) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv', ...f.headers });
      res.end(f.body);
    });
    const port = await listenOnLoopback(files);
    filesUrl = `http://127.0.0.1:${port}`;
    await bot.start();
    [ada, ben] = await Promise.all(['ada', 'ben'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ada, ben]) await bot.signIn(u);
  }, 90_000);
  afterAll(async () => {
    await bot.stop();
    await new Promise<void>((r) => files.close(() => r()));
  });

  const csvOf = (prefix: string, n: number) =>
    ['firstName,lastName,userName,domain,usageLocation,licences,groups', ...Array.from({ length: n }, (_, i) => `Ann${i},Lee,${prefix}${i},fabrikam.example,US,Microsoft 365 Business Standard,All Staff`)].join('\r\n');

  /** Sends a file to the bot as Teams does in a 1:1 chat; resolves with the card the bot answered with. */
  async function attach(user: TeamsUser, name: string, url: string): Promise<any> {
    const before = bot.connector.sent().length;
    const res = await bot.post(bot.activity(user, { type: 'message', text: '', attachments: [{ contentType: FILE_DOWNLOAD_INFO, name, contentUrl: url, content: { downloadUrl: url, uniqueId: 'u1', fileType: name.split('.').pop() } }] }));
    expect(res.status).toBe(200);
    const call: ConnectorCall = await bot.connector.waitFor(() => bot.connector.sent().slice(before).find((c) => cardOf(c)));
    return cardOf(call);
  }
  const fileIdOf = (card: any): string => (card.actions as any[]).find((a) => a.verb === 'bulkCheck').data.fileId;
  const world = async () => (await bot.sandboxState()) as unknown as World;

  it('a CSV attached in the 1:1 chat is checked like a paste; throttled creates wait for Retry-After and repeat with the same MS-RequestId', async () => {
    served.set('/three.csv', { body: Buffer.from(`\uFEFF${csvOf('att', 3)}`, 'utf8') });
    const input = await attach(ada, 'three.csv', `${filesUrl}/three.csv`);
    expect(cardText(input)).toContain('three.csv');
    const checklist = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, fileId: fileIdOf(input) }, 'bulk-att'));
    expect(cardText(checklist)).toContain('3 of 3 rows are ready');
    const batchId = (checklist.actions as any[]).find((a) => a.verb === 'bulkConfirm').data.batchId as string;

    // Someone else can neither use this file nor act on this batch.
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'bulkCheck', { customerId: FABRIKAM, fileId: fileIdOf(input) })))).toBe('BULK_FILE_UNAVAILABLE');
    expect(errorCodeOf(invokeCard(await bot.execute(ben, 'bulkConfirm', { batchId })))).toBe('BATCH_NOT_FOUND');

    // Partner Center throttles the first two creates (429, Retry-After 1 s): the HTTP client waits and repeats.
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'status', status: 429, retryAfterSeconds: 1, count: 2 });
    const before = (await world()).requests.length;
    // Two clicks at once: the batch starts once.
    const [a, b] = await Promise.all([bot.execute(ada, 'bulkConfirm', { batchId }, 'bulk-att'), bot.execute(ada, 'bulkConfirm', { batchId }, 'bulk-att')]);
    for (const r of [a, b]) expect(JSON.stringify(invokeCard(r))).toMatch(/"batch\.(running|done)"/);
    await bot.connector.waitFor(() => bot.connector.updates('bulk-att').map(cardOf).find((c) => c && JSON.stringify(c).includes('"batch.done"')), 30_000);
    const after = await world();
    for (let i = 0; i < 3; i++) expect(after.users[FABRIKAM].filter((u) => u.userPrincipalName === `att${i}@fabrikam.example`)).toHaveLength(1);
    const creates = after.requests.slice(before).filter((r) => r.method === 'POST' && r.path === `/v1/customers/${FABRIKAM}/users`);
    expect(creates.filter((r) => r.status === 429)).toHaveLength(2);
    expect(creates.filter((r) => r.status < 300)).toHaveLength(3);
    // Every throttled call was repeated with its own MS-RequestId (one logical call per row).
    const ids = new Set(creates.map((r) => r.headers['ms-requestid']));
    expect(ids.size).toBe(3);
    // One message with the three passwords, to Ada's 1:1 chat.
    const passwords = bot.connector.sent().filter((c) => JSON.stringify(c.body).includes('passwords.shown'));
    expect(passwords).toHaveLength(1);
  }, 90_000);

  /** Accepts the newest file offer like Teams does (an upload session in the person's OneDrive); resolves with the uploaded text. */
  async function acceptOffer(user: TeamsUser, since: number): Promise<string> {
    const call = await bot.connector.waitFor(() => bot.connector.sent().slice(since).find((c) => JSON.stringify(c.body).includes(FILE_CONSENT_CARD)));
    const offer = (call.body.attachments as any[]).find((a) => a.contentType === FILE_CONSENT_CARD);
    const session = bot.connector.uploadSession(offer.name);
    const uploads = bot.connector.uploads.length;
    const res = await bot.invoke(user, 'fileConsent/invoke', { type: 'fileUpload', action: 'accept', context: offer.content.acceptContext, uploadInfo: session });
    expect(res.status).toBe(200);
    const upload = await bot.connector.waitFor(() => bot.connector.uploads[uploads]);
    return upload.text;
  }

  it('the CSV template, the full report of a check and the results are file offers; the passwords leave their message on time and the stored copies are erased', async () => {
    let since = bot.connector.sent().length;
    const input = invokeCard(await bot.execute(ada, 'bulkTemplate', { customerId: FABRIKAM }));
    expect(cardText(input)).toContain('Bulk creation');
    expect(await acceptOffer(ada, since)).toBe(BULK_TEMPLATE_CSV);

    const csv = `${csvOf('rep', 2)}
Bad,Row,bad row,fabrikam.example,US,,
`;
    const checklist = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv }, 'bulk-rep'));
    const batchId = (checklist.actions as any[]).find((a) => a.verb === 'bulkConfirm').data.batchId as string;
    since = bot.connector.sent().length;
    invokeCard(await bot.execute(ada, 'bulkReport', { batchId }, 'bulk-rep'));
    const report = parseCsv(await acceptOffer(ada, since)).map((r) => r.fields);
    expect(report.map((r) => `${r[0]}:${r[1]}:${r[3]}`)).toEqual(['line:verdict:problem_codes', '2:ready:', '3:ready:', '4:left out:VALIDATION_FAILED']);

    invokeCard(await bot.execute(ada, 'bulkConfirm', { batchId }, 'bulk-rep'));
    await bot.connector.waitFor(() => bot.connector.updates('bulk-rep').map(cardOf).find((c) => c && JSON.stringify(c).includes('"batch.done"')), 30_000);
    since = bot.connector.sent().length;
    invokeCard(await bot.execute(ada, 'bulkResults', { batchId }, 'bulk-rep'));
    const results = await acceptOffer(ada, since);
    const rows = parseCsv(results).map((r) => r.fields);
    expect(rows.map((r) => `${r[0]}:${r[1]}:${r[2]}`)).toEqual(['line:outcome:user_principal_name', '2:created:rep0@fabrikam.example', '3:created:rep1@fabrikam.example', '4:left-out:bad row@fabrikam.example']);

    // The passwords' message: shown once, with both users; the stored copies erased as soon as it was shown.
    const message = bot.connector.sent().find((c) => JSON.stringify(c.body).includes('passwords.shown') && JSON.stringify(c.body).includes('rep0@'))!;
    const passwords = [...JSON.stringify(message.body).matchAll(/rep\d@fabrikam\.example,([^\\"]+)/g)].map((m) => m[1]);
    expect(passwords).toHaveLength(2);
    for (const p of passwords) expect(results).not.toContain(p);
    const requestIds = rows.slice(1, 3).map((r) => r[9]);
    for (const id of requestIds) expect(await bot.app.useCases.vault.get(id)).toBeUndefined();
    // Five minutes later (PASSWORD_REVEAL_MINUTES) the message keeps its title, without the passwords.
    clock.advance(6 * 60_000);
    await bot.app.teams.dueWork.runDue();
    const hidden = await bot.connector.waitFor(() => bot.connector.updates(message.activityId).map(cardOf).find((c) => c && JSON.stringify(c).includes('passwords.hidden')));
    for (const p of passwords) expect(JSON.stringify(hidden)).not.toContain(p);
  }, 90_000);

  it('a long batch is answered at once with "Checking…", and the checklist replaces it when done', async () => {
    const csv = ['firstName,lastName,userName,domain', ...Array.from({ length: 60 }, (_, i) => `Long,Row${i},long${i},fabrikam.example`)].join('\n');
    const answer = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv }, 'bulk-long'));
    expect(cardText(answer)).toContain('Checking 60 rows');
    const checklist = await bot.connector.waitFor(() => bot.connector.updates('bulk-long').map(cardOf).find((c) => c && JSON.stringify(c).includes('"batch.checked"')), 30_000);
    expect(cardText(checklist)).toContain('60 of 60 rows are ready');
    expect(cardText(checklist)).toContain('The first 15 of 60 rows');
  }, 60_000);

  it('a long batch whose check fails in the background shows an error card whose correlation id finds the failure in the log', async () => {
    const csv = ['firstName,lastName,userName,domain', ...Array.from({ length: 55 }, (_, i) => `Fail,Row${i},fail${i},fabrikam.example`)].join('\n');
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'GET', path: '/v1/customers/*', kind: 'status', status: 503, count: 20 });
    try {
      const answer = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv }, 'bulk-fails'));
      expect(cardText(answer)).toContain('Checking 55 rows');
      const card = await bot.connector.waitFor(() => bot.connector.updates('bulk-fails').map(cardOf).find((c) => c && errorCodeOf(c)), 60_000);
      expect(errorCodeOf(card)).toBe('PARTNER_CENTER_UNAVAILABLE');
      const failed = bot.logs.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'turn failed' && l.turn === 'bulk check');
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ code: 'PARTNER_CENTER_UNAVAILABLE', httpStatus: 503, rows: 55 });
      expect(cardText(card)).toContain(String(failed[0].correlationId));
    } finally {
      await bot.sandbox('DELETE', '/_sandbox/faults');
    }
  }, 90_000);

  it('a template by name fills what a row leaves empty, a manager by user name; seats are counted across the rows', async () => {
    const state = (await bot.sandboxState()) as unknown as { customers: Array<{ id: string; skus: Array<{ id: string; name: string; total: number; consumed: number }>; groups: Array<{ id: string; displayName: string; members: string[] }> }>; users: World['users'] };
    const fabrikam = state.customers.find((c) => c.id === FABRIKAM)!;
    const standard = fabrikam.skus.find((s) => s.name === 'Microsoft 365 Business Standard')!;
    const free = standard.total - standard.consumed;
    const alice = state.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith('alice.'))!;
    // The template row takes a seat too; then every free seat asked for by one row each, plus one too many: the
    // count leaves the last two rows out.
    const seatRows = Array.from({ length: free + 1 }, (_, i) => `Seat,Row${i},seat${i},fabrikam.example,,Microsoft 365 Business Standard,,,T-1`);
    const csv = ['firstName,lastName,userName,domain,template,licences,groups,manager,ticket', `Marie,Curie,,,Fabrikam office staff,,,${alice.userPrincipalName},T-1`, ...seatRows].join('\n');
    expect(free + 2).toBeLessThanOrEqual(50);
    const checklist = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv }, 'bulk-tpl'));
    expect(JSON.stringify(checklist).match(/"row\.\d+\.left-out\.[A-Z_]*"/g)).toEqual([`"row.${free + 2}.left-out.NO_FREE_SEAT"`, `"row.${free + 3}.left-out.NO_FREE_SEAT"`]);
    // Create only the template row: a batch of its own, with the rest of the rows left out of it.
    const one = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv: csv.split('\n').slice(0, 2).join('\n') }, 'bulk-tpl'));
    const batchId = (one.actions as any[]).find((a) => a.verb === 'bulkConfirm').data.batchId as string;
    invokeCard(await bot.execute(ada, 'bulkConfirm', { batchId }, 'bulk-tpl'));
    await bot.connector.waitFor(() => bot.connector.updates('bulk-tpl').map(cardOf).find((c) => c && JSON.stringify(c).includes('"batch.done"')), 30_000);
    const after = (await bot.sandboxState()) as unknown as { customers: typeof state.customers; users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[]; managerId?: string; profile?: Record<string, string> }>> };
    const marie = after.users[FABRIKAM].filter((u) => u.userPrincipalName === 'marie.curie@fabrikam.example');
    expect(marie).toHaveLength(1);
    expect(marie[0].licenses).toEqual([standard.id]);
    expect(marie[0].managerId).toBe(alice.id);
    const groups = after.customers.find((c) => c.id === FABRIKAM)!.groups.filter((g) => g.members.includes(marie[0].id)).map((g) => g.displayName);
    expect(groups.sort()).toEqual(['All Staff', 'Sales Team']);
  }, 90_000);

  it('refuses a UTF-16 file, a file over the size limit, a file outside OneDrive and a paste without the required columns, each with its code', async () => {
    served.set('/utf16.csv', { body: Buffer.from(`\uFEFF${csvOf('u', 1)}`, 'utf16le') });
    expect(errorCodeOf(await attach(ada, 'utf16.csv', `${filesUrl}/utf16.csv`))).toBe('BULK_CSV_ENCODING');
    served.set('/big.csv', { body: Buffer.alloc(300 * 1024, 'a') });
    expect(errorCodeOf(await attach(ada, 'big.csv', `${filesUrl}/big.csv`))).toBe('BULK_TOO_LARGE');
    expect(errorCodeOf(await attach(ada, 'far.csv', 'https://files.example.com/far.csv'))).toBe('BULK_FILE_UNAVAILABLE');
    expect(errorCodeOf(await attach(ada, 'sheet.xlsx', `${filesUrl}/three.csv`))).toBe('BULK_FILE_UNAVAILABLE');
    const pasted = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv: 'firstName,lastName\nA,B\n' }));
    expect(errorCodeOf(pasted)).toBe('BULK_CSV_COLUMNS');
    // The paste is kept on the card, to be corrected.
    expect(JSON.stringify(pasted)).toContain('firstName,lastName');
  }, 60_000);
});
