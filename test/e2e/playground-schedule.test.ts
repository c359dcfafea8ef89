import { FABRIKAM, cardText } from '../support/bot-harness';
import { DevEnvironment } from '../support/dev-environment';
import { MovableClock } from '../support/movable-clock';
import { PlaygroundDriver } from '../support/playground-driver';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * What `npm start` runs, through the Agents Playground, with the bot's domain clock injected by the test (the only
 * way to move it: no endpoint of the bot can): a request for tomorrow is scheduled and listed in `history`; with
 * time moved past start minus the lead, its ready card arrives in the chat as a new message; "Review and create"
 * runs the checks with the signed-in user, one Create makes exactly one user in the sandbox.
 */
describe('Agents Playground: a first day, its ready card, one click', () => {
  const clock = new MovableClock();
  // The due work polls every second on the moved clock, as a deployed bot does on the real one.
  const env = new DevEnvironment('test-output/e2e-data-schedule', { DUE_WORK_POLL_MS: '500' }, { clock });
  let driver: PlaygroundDriver;

  beforeAll(async () => {
    await env.start();
    driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
  }, 90_000);

  afterAll(async () => {
    driver?.close();
    await env.stop();
  });

  it('scheduled for tomorrow, in history; time moved: the ready card arrives, Review and Create make one user', async () => {
    const cfg = await driver.config();
    const chat = cfg.personalChat.id as string;
    const me = cfg.currentUser.id as string;
    const userName = `sched.${Date.now().toString(36)}`;
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(clock.now().getTime() + DAY));

    const { pickerId } = await driver.openNewUserForm(chat, me, FABRIKAM);
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', {
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
      ticket: 'E2E-19',
      startDate: day,
      startTime: '09:00',
      startTimeZone: 'Europe/Berlin',
    });
    expect(cardText(confirm)).toContain('09:00 Europe/Berlin');
    const requestId = confirm.actions.find((a: { verb?: string }) => a.verb === 'create').data.requestId as string;
    const scheduled = await driver.card(chat, me, pickerId, 'create', { requestId });
    expect(cardText(scheduled)).toContain('Scheduled');

    const seen = new Set(driver.cards().map((c) => c.id));
    await driver.say(chat, me, 'history');
    const history = await driver.waitFor(() => driver.cards().find((c) => !seen.has(c.id) && cardText(c.card).includes(`${userName}@fabrikam.example`)));
    expect(cardText(history.card)).toContain('Scheduled');

    // Time moves past start minus the lead (an hour): the bot's own due-work poll sends the ready card.
    const stored = (await env.app.useCases.requests.get(requestId))!.value;
    clock.advanceTo(new Date(new Date(stored.startAt!).getTime() - HOUR + 1000));
    const ready = await driver.waitFor(() => driver.cards().find((c) => !seen.has(c.id) && cardText(c.card).includes('Ready to create') && JSON.stringify(c.card).includes(requestId)));
    expect(ready.id).not.toBe(pickerId); // a new message, not an edit of the scheduled card
    expect(cardText(ready.card)).toContain('Europe/Berlin');

    const review = await driver.card(chat, me, ready.id, 'reviewReady', { requestId });
    expect(JSON.stringify(review)).toContain('check.gdap-role.ok');
    const creating = await driver.card(chat, me, ready.id, 'create', { requestId });
    expect(cardText(creating)).toContain('Creating');
    const done = await driver.resultCard(ready.id);
    expect(cardText(done)).toContain(`${userName}@fabrikam.example`);

    const state = await env.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
    // Exactly one ready card reached the chat as a new message (it has become the result card since).
    const readyPosts = driver.events.filter((e) => e.action === 'createMessage' && JSON.stringify(e.message.attachments ?? []).includes('Ready to create') && JSON.stringify(e.message.attachments ?? []).includes(requestId));
    expect(readyPosts.map((e) => e.message.id)).toEqual([ready.id]);
  }, 120_000);
});
