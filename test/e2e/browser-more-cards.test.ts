import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../support/chromium';
import { FABRIKAM, cardText } from '../support/bot-harness';
import { errorCodeOf } from '../support/card-error-code';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * Screenshots of the cards the other browser tests do not show: the history, a creation Partner Center refused,
 * and bulk creation (the input card, the checklist with a bad row, the finished batch, the passwords message), as
 * the Agents Playground shows them in headless Chromium. Steps go through the Playground's API as Ada; the
 * outermost card holding a known text is saved under test-output/screenshots (copies in docs/screenshots).
 */
const SHOTS = 'test-output/screenshots';

describe('browser: history, a failed creation and bulk creation in the Agents Playground', () => {
  // One attempt after the first: Partner Center's refusal reaches the card in a second, not after four backoffs.
  const env = new DevEnvironment('test-output/browser-more-cards-data', { HTTP_MAX_RETRIES: '1' });
  let browser: Browser;
  let page: Page;
  let driver: PlaygroundDriver;
  let chat: string;
  let me: string;

  beforeAll(async () => {
    const launchOptions = await chromiumLaunchOptions();
    mkdirSync(SHOTS, { recursive: true });
    await env.start();
    browser = await chromium.launch(launchOptions);
    page = await browser.newPage({ viewport: { width: 1400, height: 2200 } });
    await page.goto(env.playground.url, { waitUntil: 'networkidle' });
    await page.getByText('Personal Chat').first().click();
    driver = new PlaygroundDriver(env.playground.url);
    await driver.connect();
    const cfg = await driver.config();
    chat = cfg.personalChat.id as string;
    me = cfg.currentUser.id as string;
  }, 120_000);

  afterAll(async () => {
    driver?.close();
    await browser?.close();
    await env.stop();
  });

  const outer = (hasText: string) => page.locator('.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)', { hasText }).last();
  async function shot(name: string, hasText: string, timeout = 20_000) {
    await outer(hasText).waitFor({ timeout });
    await outer(hasText).screenshot({ path: `${SHOTS}/${name}.png` });
  }
  const cardOf = (id: string) => driver.messages.get(id)?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;

  it('27: Partner Center refuses the creation: the failed card with its code, what to do and the correlation id; 26: the history lists it', async () => {
    await fetch(`${env.app.sandboxUrl}/_sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/v1/customers/*/users', kind: 'status', status: 503, count: 10 }),
    });
    const { pickerId, form } = await driver.openNewUserForm(chat, me, FABRIKAM);
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', {
      ...PlaygroundDriver.formValues(form), customerId: FABRIKAM, firstName: 'Rosalind', lastName: 'Franklin', userName: 'rosalind.franklin', domain: 'fabrikam.example',
      usageLocation: 'GB', passwordMode: 'generate', password: '', licences: '', groups: '', manager: '', ticket: 'INC-27',
    });
    const create = confirm.actions.find((a: any) => a.verb === 'create');
    expect(create).toBeDefined();
    await driver.execute(chat, me, pickerId, 'create', { requestId: create.data.requestId });
    const failed = await driver.waitFor(() => {
      const card = cardOf(pickerId);
      return card && errorCodeOf(card) ? card : undefined;
    }, 30_000);
    await fetch(`${env.app.sandboxUrl}/_sandbox/faults`, { method: 'DELETE' });
    expect(errorCodeOf(failed)).toBe('PARTNER_CENTER_UNAVAILABLE');
    const text = cardText(failed);
    expect(text).toContain('What to do:');
    expect(text).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(JSON.stringify(failed)).toContain('"verb":"retry"');
    await shot('27-failed', 'rosalind.franklin@fabrikam.example');

    const seen = new Set(driver.cards().map((c) => c.id));
    await driver.say(chat, me, 'history');
    const history = await driver.waitFor(() => driver.cards().find((c) => !seen.has(c.id) && cardText(c.card).includes('rosalind.franklin@fabrikam.example')));
    expect(cardText(history.card)).toMatch(/rosalind\.franklin@fabrikam\.example[\s\S]*Failed/i);
    await shot('26-history', 'Filter: history');
  }, 60_000);

  it('28–31: bulk creation: the input card, the checklist with a bad row, the finished batch, the passwords message', async () => {
    const seen = new Set(driver.cards().map((c) => c.id));
    await driver.say(chat, me, 'bulk');
    const input = await driver.waitFor(() => driver.cards().find((c) => !seen.has(c.id) && cardText(c.card).includes('Bulk creation')));
    const csv = [
      'firstName,lastName,userName,domain,usageLocation,licences,groups,jobTitle',
      'Lise,Meitner,lise.meitner.b,fabrikam.example,DE,Microsoft 365 Business Standard,All Staff,Physicist',
      'Emmy,Noether,emmy noether,fabrikam.example,DE,Microsoft 365 Business Standard,All Staff,Mathematician',
      'Marie,Curie,marie.curie.b,fabrikam.example,FR,Microsoft 365 Business Standard,Sales Team,Chemist',
      'Ada,Yonath,ada.yonath.b,fabrikam.example,US,,Engineering,Crystallographer',
    ].join('\r\n') + '\r\n';
    // The paste typed into the page's own box too, so the screenshot shows what was sent (the check below goes
    // through the Playground's API with the same text).
    await outer('CSV template').waitFor();
    await outer('CSV template').locator('textarea').fill(csv.trimEnd().replace(/\r\n/g, '\n'));
    expect(JSON.stringify(input.card)).toContain('"verb":"bulkCheck"');
    await shot('28-bulk-input', 'CSV template');
    const checklist = await driver.card(chat, me, input.id, 'bulkCheck', { customerId: FABRIKAM, csv });
    const json = JSON.stringify(checklist);
    // Line 3 (the user name with a space) is the only one left out.
    expect(json.match(/"row\.\d+\.left-out\.[A-Z_]*"/g)).toEqual(['"row.3.left-out.VALIDATION_FAILED"']);
    expect(cardText(checklist)).toContain('3 of 4 rows are ready');
    const confirm = (checklist.actions as Array<{ verb?: string; title: string; data: { batchId: string } }>).find((a) => a.verb === 'bulkConfirm')!;
    expect(confirm.title).toBe('Create 3 users');
    await shot('29-bulk-checklist', 'Create 3 users');

    const before = new Set(driver.cards().map((c) => c.id));
    await driver.card(chat, me, input.id, 'bulkConfirm', { batchId: confirm.data.batchId });
    const done = await driver.waitFor(() => {
      const card = cardOf(input.id);
      return card && JSON.stringify(card).includes('"batch.done"') ? card : undefined;
    }, 30_000);
    expect(cardText(done)).toContain('3 created, 0 failed, 1 left out');
    await shot('30-bulk-done', '3 created, 0 failed, 1 left out');

    const passwords = await driver.waitFor(() => driver.cards().find((c) => !before.has(c.id) && JSON.stringify(c.card).includes('"passwords.shown"')));
    const lines = String(PlaygroundDriver.formValues(passwords.card).passwords).split('\n');
    expect(lines.map((l) => l.split(',')[0]).sort()).toEqual(['ada.yonath.b@fabrikam.example', 'lise.meitner.b@fabrikam.example', 'marie.curie.b@fabrikam.example']);
    // The batch card, which everyone in the conversation can read, carries none of them.
    for (const l of lines) expect(JSON.stringify(done)).not.toContain(l.split(',')[1]);
    await shot('31-bulk-passwords', 'Temporary passwords: 3 new users');
  }, 60_000);
});
