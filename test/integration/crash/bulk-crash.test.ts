import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { ProcessHarness, type BotProcess } from '../../support/bot-process';
import { fabrikamBatchCsv } from '../../support/bulk-csv';
import { cardOf } from '../../support/recording-connector';

interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string; consumed: number }>; groups: Array<{ id: string; displayName: string; members: string[] }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[] }>>;
  requests: Array<{ method: string; path: string; status: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 14: the bot killed (SIGKILL) in the middle of a 25-row batch — some rows created, one create call whose
 * user Partner Center made but whose answer never came back, the rest not started — and started again on the same
 * SQLite store. The rows' own finish items and the batch's run item finish the batch: every good row exists once,
 * with its licence and groups, no seat is used twice, and the passwords come in one message.
 */
describe('crash in the middle of a bulk batch', () => {
  const h = new ProcessHarness({ STORAGE: 'sqlite', DATA_DIR: mkdtempSync(join(tmpdir(), 'bulk-crash-')) });
  let ada: TeamsUser;
  let bot: BotProcess;

  beforeAll(async () => {
    await h.start();
    bot = await h.launch('first');
    ada = await h.teamsUser('ada@contoso-partner.example');
    await h.signIn(ada);
  }, 90_000);
  afterAll(() => h.stop());

  it('a restart finishes the batch with every row created once', async () => {
    const before = (await h.sandboxState()) as unknown as World;
    const seatsBefore = before.customers.find((c) => c.id === FABRIKAM)!.skus.find((s) => s.name === 'Microsoft 365 Business Standard')!.consumed;
    const { csv, good } = fabrikamBatchCsv('cr');
    const checklist = invokeCard(await h.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv }, 'bc-1'));
    const batchId = (checklist.actions as any[]).find((a) => a.verb === 'bulkConfirm').data.batchId as string;

    // Slow creations (so the kill lands mid-batch), and one whose user is made but whose answer never comes back.
    await h.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: `/v1/customers/*/users`, kind: 'latency', latencyMs: 300, count: 200 });
    await h.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: `/v1/customers/*/users`, kind: 'hang', when: 'after', count: 1 });
    invokeCard(await h.execute(ada, 'bulkConfirm', { batchId }, 'bc-1'));
    const made = async () => ((await h.sandboxState()) as unknown as World).users[FABRIKAM].filter((u) => u.userPrincipalName.startsWith('cr.'));
    for (let i = 0; i < 400 && (await made()).length < 6; i++) await sleep(25);
    const atKill = (await made()).length;
    expect(atKill).toBeGreaterThanOrEqual(6);
    expect(atKill).toBeLessThan(23);
    await bot.kill();
    bot = await h.launch('after-crash');

    await h.connector.waitFor(() => h.connector.updates('bc-1').map(cardOf).find((c) => c && JSON.stringify(c).includes('"batch.done"')), 60_000);
    const after = (await h.sandboxState()) as unknown as World;
    const fabrikam = after.customers.find((c) => c.id === FABRIKAM)!;
    const sku = fabrikam.skus.find((s) => s.name === 'Microsoft 365 Business Standard')!;
    for (const g of good) {
      const users = after.users[FABRIKAM].filter((u) => u.userPrincipalName === g.upn);
      expect(users).toHaveLength(1);
      expect(users[0].licenses).toEqual([sku.id]);
      expect(fabrikam.groups.filter((gr) => gr.members.includes(users[0].id)).map((gr) => gr.displayName).sort()).toEqual([...g.groups].sort());
    }
    expect(after.users[FABRIKAM].filter((u) => u.userPrincipalName.startsWith('cr.'))).toHaveLength(23);
    // No seat taken twice.
    expect(sku.consumed).toBe(seatsBefore + 23);
    // The passwords: one message with all 23.
    const passwordMessages = h.connector.sent().map((c) => JSON.stringify(c.body)).filter((b) => b.includes('passwords.shown'));
    expect(passwordMessages).toHaveLength(1);
    for (const g of good) expect(passwordMessages[0]).toContain(g.upn);
  }, 120_000);
});
