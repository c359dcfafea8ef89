import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumLaunchOptions } from '../support/chromium';
import { FABRIKAM, NORTHWIND, cardText } from '../support/bot-harness';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * Screenshots of the onboarding cards (issue #18) and of a Temporary Access Pass, as the Agents Playground shows
 * them in headless Chromium. The steps are taken through the Playground's own API as Ada (the page's user); in a
 * 1:1 chat every step is also written into the message, so the page shows each card as it is, and the outermost
 * card holding a known text is saved under test-output/screenshots (copies in docs/screenshots for the README).
 */
const SHOTS = 'test-output/screenshots';

describe('browser: onboarding cards in the Agents Playground', () => {
  const env = new DevEnvironment('test-output/browser-onboarding-data');
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
  const world = async () => (await env.sandboxState()) as unknown as { users: Record<string, Array<{ id: string; userPrincipalName: string }>>; customers: Array<{ id: string; skus: Array<{ id: string; total: number; consumed: number }>; groups: Array<{ id: string; displayName: string }> }> };

  it('the templates card and the template form', async () => {
    const seen = new Set(driver.cards().map((c) => c.id));
    await driver.say(chat, me, 'templates');
    const list = await driver.waitFor(() => driver.cards().find((c) => !seen.has(c.id) && cardText(c.card).includes('Fabrikam office staff')));
    await shot('18-templates', 'Fabrikam office staff');
    const templateId = findEdit(list.card);
    expect(templateId).toBeDefined();
    await driver.execute(chat, me, list.id, 'editTemplate', { templateId });
    await shot('19-template-form', 'Edit template Fabrikam office staff');
  }, 120_000);

  it('the new-user form from the Fabrikam template with a manager, the result card with each step', async () => {
    const carol = (await world()).users[FABRIKAM].find((u) => u.userPrincipalName.startsWith('carol.'))!;
    const { pickerId, form } = await driver.openNewUserForm(chat, me, FABRIKAM);
    const templateId = PlaygroundDriver.choiceValue(form, 'templateId', 'Fabrikam office staff')!;
    const applied = await driver.card(chat, me, pickerId, 'applyTemplate', { customerId: FABRIKAM, ...PlaygroundDriver.formValues(form), templateId, firstName: 'Lise', lastName: 'Meitner', manager: carol.id });
    await shot('20-new-user-form-template', 'Licences from the template');
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', { ...PlaygroundDriver.formValues(applied), customerId: FABRIKAM, passwordMode: 'generate', password: '', manager: carol.id, ticket: 'INC-18' });
    const create = confirm.actions.find((a: any) => a.verb === 'create');
    expect(create).toBeDefined();
    await driver.execute(chat, me, pickerId, 'create', { requestId: create.data.requestId });
    const result = await driver.waitFor(() => {
      const card = driver.messages.get(pickerId)?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
      return card && cardText(card).includes('✓ Manager') ? card : undefined;
    }, 30_000);
    expect(PlaygroundDriver.stepCodes(result)['set-manager']).toBe('done.');
    await shot('22-created-with-steps', '✓ Manager', 30_000);
  }, 120_000);

  it('the checklist: a licence with no free seat and a distribution list', async () => {
    const fabrikam = (await world()).customers.find((c) => c.id === FABRIKAM)!;
    const full = fabrikam.skus.find((s) => s.consumed >= s.total)!;
    const list = fabrikam.groups.find((g) => g.displayName === 'Fabrikam Announcements')!;
    const { pickerId, form } = await driver.openNewUserForm(chat, me, FABRIKAM);
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', {
      ...PlaygroundDriver.formValues(form), customerId: FABRIKAM, firstName: 'Otto', lastName: 'Hahn', userName: 'otto.hahn', domain: 'fabrikam.example',
      usageLocation: 'DE', passwordMode: 'generate', password: '', licences: full.id, groups: list.id, ticket: 'INC-18',
    });
    expect(PlaygroundDriver.checkCode(confirm, 'licences')).toBe('blocked.NO_FREE_SEAT');
    expect(PlaygroundDriver.checkCode(confirm, 'groups')).toBe('blocked.GROUP_NEEDS_EXCHANGE');
    await shot('21-checklist-no-free-seat-distribution-list', 'Otto Hahn');
  }, 120_000);

  it('the result card of a Temporary Access Pass', async () => {
    const { pickerId, form } = await driver.openNewUserForm(chat, me, FABRIKAM);
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', {
      ...PlaygroundDriver.formValues(form), customerId: FABRIKAM, firstName: 'Chien-Shiung', lastName: 'Wu', userName: 'chien-shiung.wu', domain: 'fabrikam.example',
      usageLocation: 'US', passwordMode: 'generate', password: '', licences: '', groups: '', manager: '', ticket: 'INC-19', firstCredential: 'tap', tapUsage: 'once', tapLifetime: '480',
    });
    const create = confirm.actions.find((a: any) => a.verb === 'create');
    expect(create).toBeDefined();
    await driver.execute(chat, me, pickerId, 'create', { requestId: create.data.requestId });
    await shot('23-created-temporary-access-pass', 'Temporary Access Pass (only in this chat', 30_000);
  }, 120_000);

  it('the checklist: Northwind has Temporary Access Pass disabled', async () => {
    const { pickerId, form } = await driver.openNewUserForm(chat, me, NORTHWIND);
    const confirm = await driver.card(chat, me, pickerId, 'submitForm', {
      ...PlaygroundDriver.formValues(form), customerId: NORTHWIND, firstName: 'Katherine', lastName: 'Johnson', userName: 'katherine.johnson', domain: 'northwindtraders.onmicrosoft.com',
      usageLocation: 'US', passwordMode: 'generate', password: '', licences: '', groups: '', manager: '', ticket: 'INC-19', firstCredential: 'tap', tapUsage: 'once', tapLifetime: '480',
    });
    expect(PlaygroundDriver.checkCode(confirm, 'first-credential')).toBe('blocked.TAP_POLICY_DISABLED');
    await shot('25-checklist-tap-disabled', 'Katherine Johnson');
  }, 120_000);
});

/** The template id behind the first "Edit" button of the templates card (the Fabrikam template is listed first). */
function findEdit(card: unknown): string | undefined {
  const m = JSON.stringify(card).match(/"verb":"editTemplate"[^}]*"templateId":"([0-9a-f-]{36})"|"templateId":"([0-9a-f-]{36})"[^}]*"verb":"editTemplate"/);
  return m?.[1] ?? m?.[2];
}
