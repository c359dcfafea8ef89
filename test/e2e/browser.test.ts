import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { startApplication, startDevPlayground, type RunningApplication } from '../../src/main';
import { freePort } from '../support/free-port';
import { LogCapture } from '../support/log-capture';

/**
 * A person in a real browser: headless Debian Chromium opens the Agents Playground, types "new user", clicks
 * through the cards and creates a user; a screenshot of each card is saved under test-output/screenshots (git
 * ignored; the README shows copies from docs/screenshots).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = 'test-output/screenshots';

describe('browser: the Agents Playground in headless Chromium', () => {
  const logs = new LogCapture();
  let app: RunningApplication;
  let playground: { url: string; stop(): Promise<void> };
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
    mkdirSync(SHOTS, { recursive: true });
    const config = { ...loadConfig({ LOG_LEVEL: 'info' }), port: await freePort(), sandboxPort: await freePort(), playgroundPort: await freePort(), dataDir: 'test-output/browser-data' };
    app = await startApplication(config, { logDestination: logs, host: '127.0.0.1' });
    playground = await startDevPlayground(app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(playground.url, { waitUntil: 'networkidle' });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
    await app?.stop();
  });

  const lastCard = () => page.locator('.ac-adaptiveCard').last();
  const shot = (name: string) => lastCard().screenshot({ path: `${SHOTS}/${name}.png` });
  const waitForText = (text: string, timeout = 20_000) => page.getByText(text, { exact: false }).last().waitFor({ timeout });

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
    await page.getByText(/Fabrikam, Inc\./).first().click();
    await shot('02-pick-customer');
    await picker.getByRole('button', { name: 'Next' }).click();
    await waitForText('New user for Fabrikam');

    const form = lastCard();
    await form.getByLabel('First name').fill('Grace');
    await form.getByLabel('Last name').fill('Hopper');
    await form.getByLabel('User name').fill('bad..name');
    await form.getByRole('button', { name: 'Review' }).click();
    await waitForText('Please correct the marked fields');
    await shot('03-form-with-errors');

    const userName = `grace.${Date.now().toString(36)}`;
    await lastCard().getByLabel('User name').fill(userName);
    await lastCard().getByRole('button', { name: 'Review' }).click();
    await waitForText('Check and create');
    await shot('04-confirm-with-checklist');

    await lastCard().getByRole('button', { name: 'Create' }).click();
    await waitForText('User created', 30_000);
    await shot('05-created');

    const state = (await (await fetch(`${app.sandboxUrl}/_sandbox/state`)).json()) as { users: Record<string, Array<{ userPrincipalName: string }>> };
    const all = Object.values(state.users).flat();
    expect(all.filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
  }, 180_000);

  it('shows a blocked check and a failure card', async () => {
    await send('new user');
    await waitForText('choose the customer');
    const picker = lastCard();
    await picker.locator('input').first().fill('Northwind');
    await page.getByText(/Northwind Traders/).first().click();
    await picker.getByRole('button', { name: 'Next' }).click();
    await waitForText('New user for Northwind');
    const form = lastCard();
    await form.getByLabel('First name').fill('Fed');
    await form.getByLabel('Last name').fill('Erated');
    await form.getByLabel('User name').fill('fed.user');
    await form.getByRole('button', { name: 'Review' }).click();
    await waitForText('Nothing will be sent to Partner Center');
    await shot('06-confirm-blocked-federated');
  }, 120_000);
});
