import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { errorCodeOf } from '../../support/card-error-code';
import { ProcessHarness, type BotProcess } from '../../support/bot-process';
import { cardOf, type ConnectorCall } from '../../support/recording-connector';
import { startAzurite, type Azurite } from '../../support/azurite';
import { SQLITE_FILE_NAME } from '../../../src/storage/sqlite-store';

const form = (userName: string) => ({
  customerId: FABRIKAM,
  firstName: 'Grace',
  lastName: 'Hopper',
  userName,
  domain: 'fabrikam.example',
  usageLocation: 'US',
  passwordMode: 'generate',
  forceChangePassword: 'true',
  ticket: 'CHG-7',
});

/** Ben raises a request in the channel; its card is the message `cardId`. */
async function raise(h: ProcessHarness, ben: TeamsUser, userName: string, cardId: string): Promise<string> {
  const card = invokeCard(await h.executeInChannel(ben, 'submitForm', form(userName), cardId));
  const approve = ((card.actions ?? []) as any[]).find((a) => a.verb === 'approve');
  if (!approve) {
    const warnings = h.bots.flatMap((b) => b.logs().filter((l) => Number(l.level) >= 40).map((l) => `${b.name}: ${JSON.stringify(l)}`));
    throw new Error(`no request raised for ${userName} (${errorCodeOf(card) ?? 'not an error card'}): ${cardText(card).slice(0, 300)}\nbot warnings:\n${warnings.slice(-15).join('\n')}`);
  }
  return approve.data.requestId as string;
}

const isCard = (cardId: string, text: string) => (c: ConnectorCall) => c.method === 'PUT' && c.activityId === cardId && cardText(cardOf(c)).includes(text);

const createsFor = async (h: ProcessHarness, userName: string) =>
  (await h.sandboxState()).requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path) && JSON.stringify(r.body).includes(`${userName}@`));

/** What must hold after any crash or race: one user, one MS-RequestId, the card final, the password only to Ben. */
async function expectOneUserAndTruthfulCards(h: ProcessHarness, ben: TeamsUser, userName: string, cardId: string, approver: string): Promise<void> {
  await h.connector.waitFor(() => h.connector.calls.find(isCard(cardId, `Created by ${approver}`)), 30_000);
  const password = await h.connector.waitFor(() => h.connector.privateTo(ben.teamsId).find((c) => cardText(cardOf(c)).includes(`${userName}@`) && cardText(cardOf(c)).includes('Temporary password')), 15_000);
  const state = await h.sandboxState();
  expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
  const creates = await createsFor(h, userName);
  expect(creates.length).toBeGreaterThanOrEqual(1);
  expect(new Set(creates.map((r) => r.headers['ms-requestid'])).size).toBe(1);
  // The password went to Ben's 1:1 chat and nowhere in the channel.
  const secret = (JSON.stringify(cardOf(password)).match(/"codeSnippet":"([^"]+)"/) ?? [])[1];
  expect(secret).toBeTruthy();
  const channel = h.connector.calls.filter((c) => c.conversationId.startsWith('19:'));
  expect(JSON.stringify(channel)).not.toContain(secret!);
  // The last word on the shared card is the final state.
  const last = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === cardId).pop();
  expect(cardText(cardOf(last))).toContain(`Created by ${approver}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Waits until the bot process has settled a creation in its SQLite file (the outcome reached people, the stored
 * password erased, the finish item removed), read from the file itself: seeing the card is not enough, since the
 * card is shown before these writes and a kill in between takes another path (the restarted bot shows it again).
 */
async function settledInStore(dataDir: string, requestId: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true, fileMustExist: true });
    try {
      if (!db.prepare('SELECT 1 FROM due_work WHERE key = ?').get(`finish:${requestId}`)) return;
    } finally {
      db.close();
    }
    if (Date.now() > deadline) throw new Error(`creation ${requestId} not settled in the store`);
    await sleep(50);
  }
}

/**
 * The bot killed with SIGKILL at every step of a channel request, then started again on the same SQLite file:
 * every request ends created, its card says so, the password reaches the requester privately, and Partner Center
 * holds exactly one user, asked for under one MS-RequestId. Also a graceful SIGTERM in the middle of a creation.
 */
describe('crash matrix: SIGKILL at each step, restart on the same store', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crash-matrix-'));
  const h = new ProcessHarness({ STORAGE: 'sqlite', DATA_DIR: dataDir });
  let ben: TeamsUser;
  let cleo: TeamsUser;
  let bot: BotProcess;

  beforeAll(async () => {
    await h.start();
    bot = await h.launch('first');
    [ben, cleo] = await Promise.all([h.teamsUser('ben@contoso-partner.example'), h.teamsUser('cleo@contoso-partner.example')]);
  }, 90_000);
  afterAll(() => h.stop());

  /** A SIGKILL, then the same deployment started again: the same settings (`env`) on the same store. */
  async function restart(name: string, env: Record<string, string> = {}): Promise<void> {
    await bot.kill();
    bot = await h.launch(name, env);
  }

  it('after submit: the request waits in the store and is approved on the restarted bot', async () => {
    const requestId = await raise(h, ben, 'crash.submit', 'cm-1');
    const card1 = h.requestMessage(requestId); // the request's own message in the channel
    await restart('after-submit');
    const answer = cardText(invokeCard(await h.executeInChannel(cleo, 'approve', { requestId }, card1)));
    expect(answer).toMatch(/Creating|Created/);
    await expectOneUserAndTruthfulCards(h, ben, 'crash.submit', card1, 'Cleo');
  }, 90_000);

  it('after approval, before Partner Center acts on the call: the restarted bot finishes the creation', async () => {
    const requestId = await raise(h, ben, 'crash.approved', 'cm-2');
    const card2 = h.requestMessage(requestId); // the request's own message in the channel
    // The approval's own uncached pre-flight is the creation's final check, so the create call follows the approval
    // at once: it is held before Partner Center acts on it, and the process dies with the approval stored, nothing
    // created, and "Creating…" not yet on the card.
    await h.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'hang', when: 'before', count: 1 });
    const held = h.connector.hold(isCard(card2, 'Creating'));
    await h.executeInChannel(cleo, 'approve', { requestId }, card2);
    await held;
    for (let i = 0; i < 200 && (await createsFor(h, 'crash.approved')).length === 0; i++) await sleep(50);
    expect((await h.sandboxState()).users[FABRIKAM].filter((u) => u.userPrincipalName === 'crash.approved@fabrikam.example')).toHaveLength(0);
    await restart('after-approval');
    await expectOneUserAndTruthfulCards(h, ben, 'crash.approved', card2, 'Cleo');
  }, 90_000);

  it('during the Partner Center call (the user made, the answer lost): finished with the same MS-RequestId', async () => {
    const requestId = await raise(h, ben, 'crash.during', 'cm-3');
    const card3 = h.requestMessage(requestId); // the request's own message in the channel
    await h.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'hang', when: 'after', count: 1 });
    await h.executeInChannel(cleo, 'approve', { requestId }, card3);
    for (let i = 0; i < 200 && (await createsFor(h, 'crash.during')).length === 0; i++) await sleep(50);
    expect(await createsFor(h, 'crash.during')).toHaveLength(1);
    await restart('during-call');
    await expectOneUserAndTruthfulCards(h, ben, 'crash.during', card3, 'Cleo');
  }, 90_000);

  it('after the call, before the card update: the restarted bot shows the outcome and hands over the password', async () => {
    const requestId = await raise(h, ben, 'crash.after', 'cm-4');
    const card4 = h.requestMessage(requestId); // the request's own message in the channel
    const held = h.connector.hold(isCard(card4, 'Created by Cleo'));
    await h.executeInChannel(cleo, 'approve', { requestId }, card4);
    await held;
    // The password is handed over person by person before the shared card says where it went, so the crash
    // comes after Ben has it: once, and never again after the restart.
    const toBen = () => h.connector.privateTo(ben.teamsId).filter((c) => cardText(cardOf(c)).includes('crash.after@') && cardText(cardOf(c)).includes('Temporary password'));
    expect(toBen()).toHaveLength(1);
    await restart('after-call');
    // The user exists and only the result card is left: the restart brings the finish item forward (in-flight.ts).
    await expectOneUserAndTruthfulCards(h, ben, 'crash.after', card4, 'Cleo');
    expect(toBen()).toHaveLength(1);
  }, 90_000);

  it('SIGTERM during a creation: the creation finishes before the process exits 0', async () => {
    const requestId = await raise(h, ben, 'graceful.stop', 'cm-5');
    const card5 = h.requestMessage(requestId); // the request's own message in the channel
    await h.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'latency', latencyMs: 2500, count: 1 });
    await h.executeInChannel(cleo, 'approve', { requestId }, card5);
    // "Creating…" is shown right before the final checks and the call, which Partner Center answers slowly.
    await h.connector.waitFor(() => h.connector.calls.find(isCard(card5, 'Creating')));
    await sleep(500);
    expect(await createsFor(h, 'graceful.stop')).toHaveLength(0); // still in flight when the signal arrives
    expect(await bot.terminate()).toBe(0);
    // Finished by the stopping process itself, not by a later one.
    await expectOneUserAndTruthfulCards(h, ben, 'graceful.stop', card5, 'Cleo');
    expect(bot.logs().some((l) => l.msg === 'stopping with work in flight; its finish items will complete it')).toBe(false);
    bot = await h.launch('after-sigterm');
  }, 90_000);

  // The two tests below run the bot with short times, and the restarted bot with the same ones (the same
  // deployment started again): requests expire 7.2 s after they are raised, passwords leave their card 6 s after
  // they are shown.
  const quick = { APPROVAL_EXPIRE_HOURS: '0.002', PASSWORD_REVEAL_MINUTES: '0.1' };

  it('expiry and password removal are stored: after a SIGKILL the restarted bot does both at their time', async () => {
    await bot.kill();
    bot = await h.launch('quick-times', quick);
    const ada = await h.teamsUser('ada@contoso-partner.example');
    const card6 = h.requestMessage(await raise(h, ben, 'crash.expire', 'cm-6')); // the request's own message in the channel
    const confirm = invokeCard(await h.execute(ada, 'submitForm', { ...form('crash.hide'), customerId: FABRIKAM }, 'cm-7'));
    const requestId = (confirm.actions as any[]).find((a) => a.verb === 'create').data.requestId;
    await h.execute(ada, 'create', { requestId }, 'cm-7');
    await h.connector.waitFor(() => h.connector.calls.find(isCard('cm-7', 'Temporary password')), 15_000);
    // The kill comes after the bot stored that the password is on its card; a kill before that is the next test.
    await settledInStore(dataDir, requestId);

    expect(h.connector.calls.find(isCard(card6, 'Expired at'))).toBeUndefined();
    await restart('after-quick-times', quick);
    // Both are due within 7.2 s of the restart at the latest, and run at the next 200 ms poll; the rest of each
    // bound is room for a slow machine (CI runs on two busy cores).
    await h.connector.waitFor(() => h.connector.calls.find(isCard(card6, 'Expired at')), 20_000);
    const hidden = await h.connector.waitFor(() => h.connector.calls.find(isCard('cm-7', 'has been removed from this message')), 20_000);
    expect(JSON.stringify(cardOf(hidden))).not.toContain('codeSnippet');
    // Shown once, never again after the restart, and the card's last word has no password.
    expect(h.connector.calls.filter(isCard('cm-7', 'Temporary password'))).toHaveLength(1);
    const last = h.connector.calls.filter((c) => c.method === 'PUT' && c.activityId === 'cm-7').pop();
    expect(JSON.stringify(cardOf(last))).not.toContain('codeSnippet');
    await h.connector.waitFor(() => h.connector.privateTo(ben.teamsId).find((c) => cardText(cardOf(c)).includes('crash.expire@') && cardText(cardOf(c)).includes('expired')));
  }, 90_000);

  it('a SIGKILL after the password reached its card but before the bot stored that: shown again, then removed at its time', async () => {
    const ada = await h.teamsUser('ada@contoso-partner.example');
    const confirm = invokeCard(await h.execute(ada, 'submitForm', { ...form('crash.reshow'), customerId: FABRIKAM }, 'cm-8'));
    const requestId = (confirm.actions as any[]).find((a) => a.verb === 'create').data.requestId;
    // Teams got the card with the password, but its answer never reaches the bot, which dies waiting for it.
    const held = h.connector.hold(isCard('cm-8', 'Temporary password'));
    await h.execute(ada, 'create', { requestId }, 'cm-8');
    await held;
    const before = h.connector.calls.length;
    await restart('after-unrecorded-password', quick);
    // The restarted bot cannot know the card was updated, so it shows the password again (the finish item is due
    // at once after a restart), for the full reveal time from then (present-step.ts)...
    const updates = () => h.connector.calls.slice(before).filter((c) => c.method === 'PUT' && c.activityId === 'cm-8');
    const shownAgain = () => updates().filter(isCard('cm-8', 'Temporary password'));
    await h.connector.waitFor(() => shownAgain()[0], 15_000);
    // ...and takes it away 6 s later (plus a 200 ms poll; the rest of the bound is room for a slow machine). When
    // the restart took longer than the 6 s the killed bot gave the password, that bot's stored removal is due as
    // well and runs beside the finish: the card may lose the password before it is shown again, or just after.
    // What counts is a removal after the password was shown again, and no password on the card's last version.
    const removedAfterShownAgain = () => {
      const all = updates();
      const shown = all.findIndex(isCard('cm-8', 'Temporary password'));
      return shown >= 0 && all.slice(shown + 1).some(isCard('cm-8', 'has been removed from this message'));
    };
    await h.connector.waitFor(removedAfterShownAgain, 20_000);
    expect(shownAgain()).toHaveLength(1);
    const last = updates().pop();
    expect(cardText(cardOf(last))).toContain('has been removed from this message');
    expect(JSON.stringify(cardOf(last))).not.toContain('codeSnippet');
  }, 90_000);
});

/**
 * Two bot processes behind one bot registration, sharing one Azure Blob container (Azurite) and one Partner
 * Center: the two clicks of a race land on different instances, and an instance killed mid-creation is finished
 * by the other one.
 */
describe('two instances on one Blob container', () => {
  let azurite: Azurite;
  let h: ProcessHarness;
  let a: BotProcess;
  let b: BotProcess;
  let ben: TeamsUser;
  let cleo: TeamsUser;
  let erin: TeamsUser;

  beforeAll(async () => {
    azurite = await startAzurite();
    h = new ProcessHarness({ STORAGE: 'blob', STORAGE_CONNECTION_STRING: azurite.connectionString, STORAGE_CONTAINER: 'two-instances' });
    await h.start();
    // Requests expire after 10.8 s here, so one can be left to expire while both instances poll.
    [a, b] = await Promise.all([h.launch('a', { APPROVAL_EXPIRE_HOURS: '0.003' }), h.launch('b', { APPROVAL_EXPIRE_HOURS: '0.003' })]);
    [ben, cleo, erin] = await Promise.all(['ben', 'cleo', 'erin'].map((n) => h.teamsUser(`${n}@contoso-partner.example`)));
  }, 120_000);
  afterAll(async () => {
    await h?.stop();
    await azurite?.stop();
  });

  it('two approvals racing on different instances: one creation, one consistent card, the loser sees the state', async () => {
    const requestId = await raise(h.via(a), ben, 'race.two', 'ti-1');
    const ti1 = h.requestMessage(requestId); // the request's own message in the channel
    const [byCleo, byErin] = await Promise.all([
      h.executeInChannel(cleo, 'approve', { requestId }, ti1, {}, a.url),
      h.executeInChannel(erin, 'approve', { requestId }, ti1, {}, b.url),
    ]);
    const answers = [cardText(invokeCard(byCleo)), cardText(invokeCard(byErin))];
    // Both answers show the one state the winner produced; neither is an error.
    const winner = answers.every((t) => /Cleo/.test(t)) ? 'Cleo' : 'Erin';
    for (const t of answers) expect(t).toMatch(new RegExp(`(Creating|Created).*${winner}|${winner}.*(Creating|Created)`, 's'));
    await expectOneUserAndTruthfulCards(h, ben, 'race.two', ti1, winner);
    expect(await createsFor(h, 'race.two')).toHaveLength(1);
  }, 90_000);

  it('an instance killed mid-creation: the other finishes the request when the lease runs out', async () => {
    const requestId = await raise(h.via(a), ben, 'failover.one', 'ti-2');
    const ti2 = h.requestMessage(requestId); // the request's own message in the channel
    await h.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'hang', when: 'after', count: 1 });
    await h.via(a).executeInChannel(cleo, 'approve', { requestId }, ti2);
    for (let i = 0; i < 200 && (await createsFor(h, 'failover.one')).length === 0; i++) await sleep(50);
    await a.kill();
    await expectOneUserAndTruthfulCards(h, ben, 'failover.one', ti2, 'Cleo');
    expect(b.logs().some((l) => l.msg === 'finishing a creation whose process stopped' && l.requestId === requestId)).toBe(true);
  }, 90_000);

  it('an expiry due while both instances poll happens once: one card update, one notice', async () => {
    if (!a.alive) a = await h.launch('a-again', { APPROVAL_EXPIRE_HOURS: '0.003' }); // the failover test killed it
    const ti3 = h.requestMessage(await raise(h.via(b), ben, 'expire.once', 'ti-3')); // the request's own message
    await h.connector.waitFor(() => h.connector.calls.find(isCard(ti3, 'Expired at')), 30_000);
    await sleep(2_000); // time for a second instance to have done it too, if it were going to
    expect(h.connector.calls.filter(isCard(ti3, 'Expired at'))).toHaveLength(1);
    expect(h.connector.privateTo(ben.teamsId).filter((c) => cardText(cardOf(c)).includes('expire.once@') && cardText(cardOf(c)).includes('expired'))).toHaveLength(1);
  }, 60_000);
});
