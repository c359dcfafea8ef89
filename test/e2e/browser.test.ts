import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../support/chromium';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';
import { cardText as cardTextOf } from '../support/bot-harness';

/**
 * A person in a real browser: headless Chromium (the one `npm ci` installs, see ../support/chromium.ts) opens the
 * Agents Playground, types "new user", clicks through the cards and creates a user; a screenshot of each card is
 * saved under test-output/screenshots (git ignored; the README shows copies from docs/screenshots).
 */
const SHOTS = 'test-output/screenshots';

describe('browser: the Agents Playground in headless Chromium', () => {
  const env = new DevEnvironment('test-output/browser-data');
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const launchOptions = await chromiumLaunchOptions();
    mkdirSync(SHOTS, { recursive: true });
    await env.start();
    browser = await chromium.launch(launchOptions);
    page = await browser.newPage({ viewport: { width: 1400, height: 2400 } });
    await page.goto(env.playground.url, { waitUntil: 'networkidle' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env.stop();
  });

  const lastCard = () => page.locator('.ac-adaptiveCard').last();
  // The outermost card of the newest message (an Action.ShowCard nests a card of its own).
  const shot = (name: string, hasText?: string) =>
    page.locator('.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)', hasText ? { hasText } : {}).last().screenshot({ path: `${SHOTS}/${name}.png` });
  // On a timeout, say what the newest card does show: a CI log is all there is to diagnose a run nobody watched.
  const waitForText = async (text: string, timeout = 20_000) => {
    try {
      await page.getByText(text, { exact: false }).last().waitFor({ timeout });
    } catch (error) {
      const shown = await lastCard().innerText({ timeout: 2_000 }).catch(() => '(no card)');
      await page.screenshot({ path: `${SHOTS}/failure-${text.replace(/\W+/g, '-').slice(0, 40)}.png`, fullPage: true }).catch(() => undefined);
      throw new Error(`"${text}" did not appear within ${timeout} ms; the newest card reads:\n${shown.slice(0, 1500)}\n(${(error as Error).message.split('\n')[0]})`);
    }
  };

  /**
   * Fills the form's fields and checks, right before its button is clicked, that every value is still there: the
   * Playground may draw a message again (scrolling a card taller than the window, a late update), which resets
   * what was typed, and the server then answers a different form than the test meant to send (stop 21's CI run).
   */
  async function fillForm(card: ReturnType<typeof page.locator>, values: Array<[string | RegExp, string]>) {
    for (let attempt = 0; attempt < 3; attempt++) {
      for (const [label, value] of values) {
        const field = card.getByLabel(label);
        if ((await field.inputValue()) !== value) await field.fill(value);
      }
      await page.waitForTimeout(200);
      const kept = await Promise.all(values.map(async ([label, value]) => (await card.getByLabel(label).inputValue()) === value));
      if (kept.every(Boolean)) return;
    }
    throw new Error(`the form did not keep the values typed into ${values.map(([l]) => String(l)).join(', ')}`);
  }

  async function send(text: string) {
    const box = page.locator('[data-lexical-editor="true"]');
    await box.click();
    await box.fill(text);
    await page.keyboard.press('Enter');
  }

  it('creates a user by clicking, and shows every card on the way', async () => {
    await page.getByText('Personal Chat').first().click();
    await send('help');
    await waitForText('I create user accounts');
    await shot('01-welcome');

    await send('new user');
    await waitForText('choose the customer');
    // The filtered choice set renders as a text box with suggestions: type and pick Fabrikam.
    const picker = lastCard();
    const customer = picker.locator('input').first();
    await customer.click();
    await customer.fill('Fabrikam');
    await page.locator('[role="option"]:visible', { hasText: 'Fabrikam, Inc.' }).first().click();
    await shot('02-pick-customer');
    await picker.getByRole('button', { name: 'Next' }).click();
    await waitForText('New user for Fabrikam');

    const form = lastCard();
    // The card's own validation stops a bad user name before anything is sent.
    await fillForm(form, [['First name', 'Grace'], ['Last name', 'Hopper'], ['User name', 'bad..name']]);
    await form.getByRole('button', { name: 'Review' }).click();
    await shot('03-form-card-side-errors');

    // The server refuses what a card cannot check (the password's three-of-four rule) and keeps the values.
    const userName = `grace.${Date.now().toString(36)}`;
    // check() re-clicks until the radio is really checked: a click that lands while the Playground re-renders the
    // message list is otherwise lost, the server generates a password and the card never reports the weak one.
    await form.getByRole('radio', { name: "I'll type one" }).check();
    await fillForm(form, [['First name', 'Grace'], ['Last name', 'Hopper'], ['User name', userName], [/Password \(only if/, 'weakweak']]);
    if (!(await form.getByRole('radio', { name: "I'll type one" }).isChecked())) await form.getByRole('radio', { name: "I'll type one" }).check();
    await form.getByRole('button', { name: 'Review' }).click();
    await waitForText('Please correct the marked fields');
    await shot('04-form-server-errors');

    await lastCard().getByRole('radio', { name: 'Generate a strong password' }).check();
    await lastCard().getByRole('button', { name: 'Review' }).click();
    await waitForText('Check and create');
    await shot('05-confirm-with-checklist');

    // Partner Center answers slowly this once, so the "Creating…" card can be seen (and screenshotted) before the result.
    await fetch(`${env.app.sandboxUrl}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/v1/customers/*/users', kind: 'latency', latencyMs: 3000, count: 1 }),
    });
    await lastCard().getByRole('button', { name: 'Create', exact: true }).click();
    await waitForText('Creating', 10_000);
    await shot('06-creating');
    await waitForText('User created', 30_000);
    await shot('07-created');

    const state = (await (await fetch(`${env.app.sandboxUrl}/_sandbox/state`)).json()) as { users: Record<string, Array<{ userPrincipalName: string }>> };
    const all = Object.values(state.users).flat();
    expect(all.filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
  }, 180_000);

  it('an expired GDAP relationship is explained on the confirmation card, with no Create button', async () => {
    await send('new user');
    await waitForText('choose the customer');
    const picker = lastCard();
    const box = picker.locator('input').first();
    await box.click();
    await box.fill('Tailspin');
    await page.locator('[role="option"]:visible', { hasText: 'Tailspin Toys (' }).first().click();
    await picker.getByRole('button', { name: 'Next' }).click();
    await waitForText('New user for Tailspin');
    const form = lastCard();
    await fillForm(form, [['First name', 'Tim'], ['Last name', 'Late'], ['User name', 'tim.late']]);
    await form.getByRole('button', { name: 'Review' }).click();
    await waitForText('Nothing will be sent to Partner Center');
    await lastCard().getByText('has expired').first().waitFor({ timeout: 5_000 });
    expect(await lastCard().getByRole('button', { name: 'Create', exact: true }).count()).toBe(0);
    await shot('08-confirm-blocked-expired-gdap');
  }, 120_000);

  it('a customer whose tenant the app is not connected to: notices instead of stops, a Connect button, the customers card', async () => {
    await send('new user');
    await waitForText('choose the customer');
    const picker = lastCard();
    const box = picker.locator('input').first();
    await box.click();
    await box.fill('Adatum');
    await page.locator('[role="option"]:visible', { hasText: 'Adatum Corporation (' }).first().click();
    await picker.getByRole('button', { name: 'Next' }).click();
    await waitForText('New user for Adatum');
    const form = lastCard();
    await fillForm(form, [['First name', 'Nia'], ['Last name', 'Notice'], ['User name', `nia.${Date.now().toString(36)}`]]);
    await form.getByRole('button', { name: 'Review' }).click();
    await waitForText('Check and create');
    await lastCard().getByText('Not checked').first().waitFor({ timeout: 5_000 });
    // The notice does not stop the creation: Create is there, and so is Connect.
    expect(await lastCard().getByRole('button', { name: 'Create', exact: true }).count()).toBe(1);
    expect(await lastCard().getByRole('button', { name: 'Connect Adatum Corporation' }).count()).toBe(1);
    await shot('15-confirm-not-connected-notice');

    // Ada is no Admin agent: Connect is refused with the reason, before anything reaches Partner Center.
    await lastCard().getByRole('button', { name: 'Connect Adatum Corporation' }).click();
    await waitForText('Admin agent role needed');
    await shot('16-connect-refused-admin-agent');

    await send('customers adatum');
    await waitForText('Not connected');
    await shot('17-customers');
  }, 120_000);

  it('a group-chat request raised by Ben, as the team sees it, approved by Ada with a click', async () => {
    const driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
    try {
      const cfg = await driver.config();
      const chat = cfg.groupChats[0].id as string;
      const ben = (cfg.users as Array<{ id: string; name: string }>).find((u) => u.name.startsWith('Ben'))!.id;
      await driver.say(chat, ben, 'new user', { id: cfg.bot.id, name: cfg.bot.name });
      const picker = await driver.waitFor(() => driver.cards().find((c) => cardTextOf(c.card).includes('choose the customer')));
      await driver.execute(chat, ben, picker.id, 'submitForm', {
        customerId: '22222222-0000-4000-8000-000000000001',
        firstName: 'Frances',
        lastName: 'Allen',
        userName: `frances.${Date.now().toString(36)}`,
        domain: 'fabrikam.example',
        usageLocation: 'US',
        passwordMode: 'generate',
        forceChangePassword: 'true',
        ticket: 'CHG-2041',
      });

      await page.getByText('Helpdesk chat').first().click();
      await waitForText('Waiting for approval');
      await shot('09-team-request-pending', 'Waiting for approval');

      // The base card carries every button; "Refresh" asks the bot for the clicker's own view. Ada holds the
      // GDAP role at Fabrikam, so she gets the approver's view: Approve and Reject, no Cancel. (The Playground's
      // page always acts as its configured current user, so Ben's own view is taken in a Playground of his own,
      // in the next test.)
      const request = page.locator('.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)', { hasText: 'Waiting for approval' }).last();
      expect(await request.getByRole('button', { name: 'Cancel request' }).count()).toBe(1);
      await request.getByRole('button', { name: 'Refresh', exact: true }).click();
      await request.getByRole('button', { name: 'Cancel request' }).waitFor({ state: 'detached', timeout: 10_000 });
      expect(await request.getByRole('button', { name: 'Approve', exact: true }).isVisible()).toBe(true);
      expect(await request.getByRole('button', { name: 'Reject', exact: true }).isVisible()).toBe(true);
      await shot('11-team-request-approver-view', 'Waiting for approval');

      await request.getByRole('button', { name: 'Approve', exact: true }).click();
      await waitForText('Created by Ada', 20_000);
      await shot('10-team-request-created', 'Created by Ada');
    } finally {
      driver.close();
    }
  }, 120_000);

  it("in the team's channel: Ada raises a request from the bot's card, sees her own view, Cleo approves", async () => {
    const driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
    try {
      const cfg = await driver.config();
      // The channel view shows what arrives while it is open: open it, then start from the bot's welcome card.
      await page.getByText('General', { exact: true }).first().click();
      const welcome = page.locator('.ac-adaptiveCard', { hasText: 'I create user accounts' }).last();
      await welcome.getByRole('button', { name: 'New user' }).click();
      await waitForText('choose the customer');
      const picker = page.locator('.ac-adaptiveCard', { hasText: 'choose the customer' }).last();
      const customer = picker.locator('input').first();
      await customer.click();
      await customer.fill('Fabrikam');
      await page.locator('[role="option"]:visible', { hasText: 'Fabrikam, Inc.' }).first().click();
      await picker.getByRole('button', { name: 'Next' }).click();
      await waitForText('New user for Fabrikam');
      const form = page.locator('.ac-adaptiveCard', { hasText: 'New user for Fabrikam' }).last();
      await fillForm(form, [['First name', 'Radia'], ['Last name', 'Perlman'], ['User name', `radia.${Date.now().toString(36)}`]]);
      await form.getByRole('button', { name: 'Review' }).click();

      // In a channel the form becomes one request card for the team.
      const request = page.locator('.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)', { hasText: 'Waiting for approval' }).last();
      await request.waitFor({ timeout: 20_000 });
      await shot('12-channel-request-pending', 'Waiting for approval');

      // Ada raised it, so her own view is the requester's: Cancel, no Approve (self-approval is off).
      await request.getByRole('button', { name: 'Refresh', exact: true }).click();
      await request.getByRole('button', { name: 'Approve', exact: true }).waitFor({ state: 'detached', timeout: 10_000 });
      expect(await request.getByRole('button', { name: 'Cancel request' }).isVisible()).toBe(true);
      expect(await request.getByRole('button', { name: 'Reject', exact: true }).count()).toBe(0);
      await shot('13-channel-request-requester-view', 'Waiting for approval');

      // Cleo approves from her Teams client (the Playground's API acting as her); everyone's card shows it.
      const message = await driver.waitFor(() => driver.cards().find((c) => cardTextOf(c.card).includes('Waiting for approval') && cardTextOf(c.card).includes('Radia Perlman')));
      const requestId = ((message.card as { actions: Array<{ verb?: string; data?: { requestId?: string } }> }).actions.find((a) => a.data?.requestId)?.data?.requestId) as string;
      const cleo = (cfg.users as Array<{ id: string; name: string }>).find((u) => u.name.startsWith('Cleo'))!.id;
      // The card is a root post of the channel: its thread is `<channel>;messageid=<post>`, as in Teams.
      const channel = driver.messages.get(message.id)!.conversation!.id;
      const thread = channel.includes(';') ? channel : `${channel};messageid=${message.id}`;
      await driver.execute(thread, cleo, message.id, 'approve', { requestId });
      await waitForText('Created by Cleo', 20_000);
      await shot('14-channel-request-created', 'Created by Cleo');
    } finally {
      driver.close();
    }
  }, 120_000);
});
