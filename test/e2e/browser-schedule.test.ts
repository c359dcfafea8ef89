import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../support/chromium';
import { FABRIKAM, cardText } from '../support/bot-harness';
import { DevEnvironment } from '../support/dev-environment';
import { MovableClock } from '../support/movable-clock';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * A screenshot of the ready card of a request with a first day, as the Agents Playground shows it in headless
 * Chromium: the request is scheduled for tomorrow (Europe/Berlin) through the Playground's API, the bot's domain
 * clock (injected by the test) moves past start minus the lead, and the ready card arrives in the 1:1 chat.
 * Saved under test-output/screenshots (copy in docs/screenshots for the README).
 */
const SHOTS = 'test-output/screenshots';
const HOUR = 3_600_000;

describe('browser: the ready card of a request with a first day', () => {
  const clock = new MovableClock();
  const env = new DevEnvironment('test-output/browser-schedule-data', { DUE_WORK_POLL_MS: '500' }, { clock });
  let browser: Browser;
  let page: Page;
  let driver: PlaygroundDriver;

  beforeAll(async () => {
    const launchOptions = await chromiumLaunchOptions();
    mkdirSync(SHOTS, { recursive: true });
    await env.start();
    browser = await chromium.launch(launchOptions);
    page = await browser.newPage({ viewport: { width: 1400, height: 1600 } });
    await page.goto(env.playground.url, { waitUntil: 'networkidle' });
    await page.getByText('Personal Chat').first().click();
    driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
  }, 120_000);

  afterAll(async () => {
    driver?.close();
    await browser?.close();
    await env.stop();
  });

  it('24: the ready card arrives as a new message with Review and create', async () => {
    const cfg = await driver.config();
    const chat = cfg.personalChat.id as string;
    const me = cfg.currentUser.id as string;
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(clock.now().getTime() + 24 * HOUR));
    const { pickerId, form } = await driver.openNewUserForm(chat, me, FABRIKAM);
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', {
      ...PlaygroundDriver.formValues(form), customerId: FABRIKAM, firstName: 'Grace', lastName: 'Hopper', userName: 'grace.hopper.day1', domain: 'fabrikam.example',
      usageLocation: 'DE', passwordMode: 'generate', password: '', licences: '', groups: '', manager: '', ticket: 'INC-19', startDate: day, startTime: '09:00', startTimeZone: 'Europe/Berlin',
    });
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;
    expect(cardText(await driver.card(chat, me, pickerId, 'create', { requestId }))).toContain('Scheduled');
    const startAt = (await env.app.useCases.requests.get(requestId))!.value.startAt!;
    clock.advanceTo(new Date(new Date(startAt).getTime() - HOUR + 1000));
    const outer = page.locator('.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)', { hasText: 'Ready to create' }).last();
    await outer.waitFor({ timeout: 30_000 });
    expect(await outer.innerText()).toContain('Review and create');
    await outer.screenshot({ path: `${SHOTS}/24-ready-card.png` });
  }, 120_000);
});
