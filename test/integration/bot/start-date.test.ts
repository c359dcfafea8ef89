import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BotHarness, cardText, cardVerbs, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { MovableClock } from '../../support/movable-clock';
import { cardOf, type ConnectorCall } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A request with a first day, over HTTP with the whole bot and a domain clock the test moves: scheduled for
 * tomorrow (Europe/Berlin), listed in `history`; a restarted bot and a second instance on the same SQLite file;
 * the clock past start minus the lead, the due work run on both at once: one ready card, as a new message in
 * Ada's 1:1 chat; "Review and create" runs the checks with her sign-in now, Create makes exactly one user.
 * Reminders and the expiry on a second request the same way.
 */
describe('a first day: scheduled, ready card, reminder, expiry (clock moved, restart, two instances)', () => {
  const clock = new MovableClock();
  const dataDir = mkdtempSync(join(tmpdir(), 'start-date-'));
  const first = new BotHarness({ dataDir }, { clock });
  const later: BotHarness[] = [];
  let ada: TeamsUser;

  beforeAll(async () => {
    await first.start();
    ada = await first.teamsUser('ada@contoso-partner.example');
    await first.signIn(ada);
  });
  afterAll(async () => {
    for (const b of later) await b.stop();
    await first.stop();
  });

  /** Another bot on the same data folder and the same sandbox, with Ada's 1:1 chat (the same Teams conversation). */
  async function anotherInstance(): Promise<BotHarness> {
    const sandboxUrl = first.sandboxUrl;
    const bot = new BotHarness({ dataDir, sandboxPort: Number(new URL(sandboxUrl).port), sandboxUrl, partnerCenterBaseUrl: sandboxUrl, graphBaseUrl: sandboxUrl, dueWorkPollMs: 3_600_000 }, { startSandbox: false, clock });
    later.push(bot);
    await bot.start();
    type WithChats = { conversations: Map<string, string> };
    (bot as unknown as WithChats).conversations = (first as unknown as WithChats).conversations;
    await bot.signIn(ada);
    return bot;
  }

  /** Tomorrow's date in Berlin, as the form's date input sends it. */
  const tomorrowIn = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(clock.now().getTime() + DAY));

  async function schedule(userName: string): Promise<{ requestId: string; startAt: Date }> {
    const day = tomorrowIn('Europe/Berlin');
    const confirm = invokeCard(await first.execute(ada, 'submitForm', { customerId: FABRIKAM, firstName: 'First', lastName: 'Day', userName, domain: 'fabrikam.example', usageLocation: 'DE', passwordMode: 'generate', forceChangePassword: 'true', ticket: 'INC-19', startDate: day, startTime: '09:00', startTimeZone: 'Europe/Berlin' }));
    expect(cardText(confirm)).toContain('Europe/Berlin');
    const requestId = confirm.actions.find((a: { verb?: string }) => a.verb === 'create').data.requestId as string;
    const answer = invokeCard(await first.execute(ada, 'create', { requestId }, `act-${userName}`));
    expect(cardText(answer)).toContain('Scheduled');
    const stored = (await first.app.useCases.requests.get(requestId))!.value;
    expect(stored.state.kind).toBe('scheduled');
    expect(stored.startTimeZone).toBe('Europe/Berlin');
    // 09:00 in Berlin is 08:00 UTC in winter, 07:00 UTC in summer.
    const startAt = new Date(stored.startAt!);
    expect([7, 8]).toContain(startAt.getUTCHours());
    expect(cardText(answer)).toContain(`09:00 Europe/Berlin (${String(startAt.getUTCHours()).padStart(2, '0')}:00 UTC)`);
    return { requestId, startAt };
  }

  /** Messages (not updates) that carry a request id on a card, sent to the connector Ada's chat lives on. */
  const readyCards = (requestId: string): ConnectorCall[] =>
    first.connector.sent().filter((c) => cardVerbs(cardOf(c)).includes('reviewReady') && JSON.stringify(cardOf(c)).includes(requestId) && cardText(cardOf(c)).includes('Ready to create'));

  it('scheduled for tomorrow: in history; after a restart and with two instances, one ready card in the 1:1 chat; review, create: exactly one user', async () => {
    const userName = 'first.day';
    const { requestId, startAt } = await schedule(userName);
    await first.app.teams.background.drain();

    const before = first.connector.sent().length;
    await first.say(ada, 'history');
    const listed = await first.connector.waitFor(() => first.connector.sent().slice(before).find((c) => cardText(cardOf(c)).includes(`${userName}@fabrikam.example`)));
    expect(cardText(cardOf(listed))).toMatch(/Scheduled/);

    // The first bot stops looking for due work (as if it were gone); two new instances share its SQLite file.
    await first.app.teams.dueWork.stop();
    const [b, c] = [await anotherInstance(), await anotherInstance()];
    // Not yet: an hour before start minus the lead, nothing is due.
    clock.advanceTo(new Date(startAt.getTime() - 2 * HOUR));
    await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    expect(readyCards(requestId)).toHaveLength(0);
    expect((await b.app.useCases.requests.get(requestId))!.value.state.kind).toBe('scheduled');

    // Past start minus the lead (one hour): both instances run their due work at once.
    clock.advanceTo(new Date(startAt.getTime() - HOUR + 1000));
    await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    const ready = readyCards(requestId);
    expect(ready).toHaveLength(1);
    // A new message in Ada's own 1:1 chat (the conversation she scheduled it from), not an edit of the old card.
    expect(ready[0].method).toBe('POST');
    expect(ready[0].conversationId).toMatch(/^a:personal-/);
    expect(cardText(cardOf(ready[0]))).toContain('Europe/Berlin');
    // The old "Scheduled" card now points to the new message.
    expect(first.connector.updates(`act-${userName}`).some((u) => cardText(cardOf(u)).includes('see the newest message'))).toBe(true);
    const readyId = ready[0].activityId!;

    // Review: the checks run now, with Ada's sign-in (uncached: the sandbox sees her token's calls), on the ready card.
    const calls = (await first.sandboxState()).requests.length;
    const review = invokeCard(await b.execute(ada, 'reviewReady', { requestId }, readyId));
    expect(cardVerbs(review)).toContain('create');
    expect(JSON.stringify(review)).toContain('check.gdap-role.ok');
    expect(JSON.stringify(review)).not.toMatch(/check\.[a-z-]+\.blocked/);
    expect((await first.sandboxState()).requests.length).toBeGreaterThan(calls);

    // One click creates, under Ada's identity; a double click (the other instance) creates nothing more.
    const [one, two] = await Promise.all([b.execute(ada, 'create', { requestId }, readyId), c.execute(ada, 'create', { requestId }, readyId)]);
    expect([cardText(invokeCard(one)), cardText(invokeCard(two))].join(' ')).toContain('Creating');
    await b.app.teams.background.drain();
    await c.app.teams.background.drain();
    const state = await first.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
    const posts = state.requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path) && JSON.stringify(r.body).includes(`${userName}@`));
    expect(posts).toHaveLength(1);
    const stored = (await b.app.useCases.requests.get(requestId))!.value;
    expect(stored.state).toMatchObject({ kind: 'created', by: { oid: ada.aadObjectId } });
    // Later runs (a restart, the reminder's time) send no second ready card and no reminder for a created user.
    clock.advanceTo(new Date(startAt.getTime() + 1000));
    await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    expect(readyCards(requestId)).toHaveLength(1);
    expect(first.connector.sent().filter((x) => cardText(cardOf(x)).includes('Reminder') && JSON.stringify(cardOf(x)).includes(requestId))).toHaveLength(0);
  });

  it('nobody acts: one reminder at the start (two instances), the ready card turns "expired" a week later and the password is erased', async () => {
    const userName = 'no.show';
    const [b, c] = later.length >= 2 ? later : [await anotherInstance(), await anotherInstance()];
    const { requestId, startAt } = await schedule(userName);
    clock.advanceTo(new Date(startAt.getTime() - HOUR + 1000));
    await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    const ready = readyCards(requestId);
    expect(ready).toHaveLength(1);
    expect(await b.app.useCases.vault.get(requestId)).toBeDefined();

    clock.advanceTo(new Date(startAt.getTime() + 1000));
    await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    const reminders = () => first.connector.sent().filter((x) => cardText(cardOf(x)).includes('Reminder') && JSON.stringify(cardOf(x)).includes(requestId));
    expect(reminders()).toHaveLength(1);
    expect(reminders()[0].conversationId).toBe(ready[0].conversationId);
    expect(cardVerbs(cardOf(reminders()[0]))).toContain('reviewReady');

    // A week and a bit after the start: the expiry, once; the ready card says so; the stored password is gone.
    clock.advanceTo(new Date(startAt.getTime() + 7 * DAY + 1000));
    for (let i = 0; i < 10; i++) await Promise.all([b.app.teams.dueWork.runDue(), c.app.teams.dueWork.runDue()]);
    const stored = (await b.app.useCases.requests.get(requestId))!.value;
    expect(stored.state.kind).toBe('expired');
    expect(stored.history.filter((h) => h.event === 'expired')).toHaveLength(1);
    expect(await b.app.useCases.vault.get(requestId)).toBeUndefined();
    const expiredCard = await first.connector.waitFor(() => first.connector.updates(ready[0].activityId).find((u) => cardText(cardOf(u)).includes('expired')));
    expect(cardVerbs(cardOf(expiredCard))).not.toContain('create');
    // The days in between passed while no instance looked: no burst of late reminders, the expiry instead.
    expect(reminders()).toHaveLength(1);
    expect((await first.sandboxState()).users[FABRIKAM].some((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toBe(false);
  });
});

/**
 * In a team channel: a request with a first day waits as scheduled (nobody can approve it days early); at its
 * ready time a fresh approval card is posted in the channel as a new message; the requester still cannot approve
 * their own; an approver's Approve runs the checks under the approver's identity and creates exactly one user.
 */
describe('a first day in a team channel: the approvers get a new approval card when it is ready', () => {
  const clock = new MovableClock();
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } }, { clock });
  let ben: TeamsUser;
  let cleo: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    [ben, cleo] = await Promise.all(['ben', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ben, cleo]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  it('scheduled on submit, a new approval card at start minus the lead, self-approval refused, the approver creates one user', async () => {
    const userName = 'channel.first.day';
    const day = new Date(clock.now().getTime() + 2 * DAY).toISOString().slice(0, 10);
    const submitted = invokeCard(await bot.executeInChannel(ben, 'submitForm', { customerId: FABRIKAM, firstName: 'Chan', lastName: 'Nel', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', ticket: 'CHG-19', startDate: day, startTime: '08:00', startTimeZone: 'UTC' }, 'ch-sched'));
    expect(cardText(submitted)).toContain('Scheduled');
    expect(cardVerbs(submitted)).not.toContain('approve');
    const firstPost = bot.connector.sent().find((c) => String(c.conversationId).startsWith('19:') && JSON.stringify(cardOf(c)).includes(userName))!;
    const requestId = (await bot.app.useCases.requests.list({ limit: 50 })).find((r) => r.user.userName === userName)!.id;
    expect((await bot.app.useCases.requests.get(requestId))!.value.state.kind).toBe('scheduled');
    // Approving now is not possible: nothing to approve yet.
    const early = invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, firstPost.activityId!));
    expect(cardVerbs(early)).not.toContain('approve');
    expect((await bot.app.useCases.requests.get(requestId))!.value.state.kind).toBe('scheduled');

    clock.advanceTo(new Date(new Date(`${day}T07:00:00Z`).getTime() + 1000));
    await bot.app.teams.dueWork.runDue();
    await bot.app.teams.dueWork.runDue();
    const posts = bot.connector.sent().filter((c) => String(c.conversationId).startsWith('19:') && cardVerbs(cardOf(c)).includes('approve') && JSON.stringify(cardOf(c)).includes(requestId));
    expect(posts).toHaveLength(1);
    const readyId = posts[0].activityId!;
    expect(readyId).not.toBe(firstPost.activityId);
    expect(cardText(cardOf(posts[0]))).toContain('First day');

    expect(errorCodeOf(invokeCard(await bot.executeInChannel(ben, 'approve', { requestId }, readyId)))).toBe('SELF_APPROVAL_REFUSED');
    invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, readyId));
    await bot.app.teams.background.drain();
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.state).toMatchObject({ kind: 'created', by: { oid: cleo.aadObjectId } });
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
  });
});
