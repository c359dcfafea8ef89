import { cardText } from '../support/bot-harness';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';
import { BOT_ID, CUSTOMERS } from '../support/sandbox-network';

const ADATUM = CUSTOMERS.adatum;

/**
 * `SANDBOX_USER=grace@… npm start`, driven through the Agents Playground: Grace (an Admin agent holding Cloud
 * Application Administrator and User Administrator through GDAP) asks for an Adatum user. Adatum's tenant has not
 * consented the bot's app, so the domain and user-name checks are notices with a Connect button; Connect consents
 * the app through Partner Center and the confirmation comes back with the full checklist, and the user is created.
 */
describe('Agents Playground: connecting a customer, end to end', () => {
  const env = new DevEnvironment('test-output/e2e-connect', { SANDBOX_USER: 'grace@contoso-partner.example' });
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

  it('Adatum shows notices and a Connect button; after Connect the checklist is full and the user is created', async () => {
    const cfg = await driver.config();
    const chat = cfg.personalChat.id as string;
    const me = cfg.currentUser.id as string;

    const userName = `connect.${Date.now().toString(36)}`;
    const { pickerId, confirm: before } = await driver.reviewNewUser(chat, me, ADATUM, { firstName: 'Grace', lastName: 'Connected', userName, domain: 'adatum.example', ticket: 'E2E-CONNECT' });
    expect(cardText(before)).toContain('**Domain**: Not checked');
    const connect = before.actions.find((a: any) => a.verb === 'connectCustomer');
    expect(connect?.data.customerId).toBe(ADATUM);
    const stateBefore = (await env.sandboxState()) as unknown as { customers: Array<{ id: string; appConsents: Record<string, string[]> }> };
    expect(stateBefore.customers.find((c) => c.id === ADATUM)?.appConsents[BOT_ID]).toBeUndefined();

    const connected = await driver.execute(chat, me, pickerId, 'connectCustomer', connect.data);
    const after = connected?.value ?? connected;
    const text = cardText(after);
    expect(text).not.toContain('Not checked');
    expect(text).toContain('**Domain**: adatum.example is verified and managed.');
    expect(text).toContain(`**User name free**: ${userName}@adatum.example is free.`);
    const stateAfter = (await env.sandboxState()) as unknown as { customers: Array<{ id: string; appConsents: Record<string, string[]> }>; requests: Array<{ method: string; path: string; auth: { upn?: string } | null }> };
    expect(stateAfter.customers.find((c) => c.id === ADATUM)?.appConsents[BOT_ID]).toEqual(expect.arrayContaining(['Domain.Read.All', 'User.Read.All']));
    // The consent was made with Grace's own Partner Center token.
    const consents = stateAfter.requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${ADATUM}/applicationconsents`);
    expect(consents.map((r) => r.auth?.upn)).toEqual(['grace@contoso-partner.example']);

    const requestId = after.actions.find((a: any) => a.verb === 'create').data.requestId as string;
    await driver.execute(chat, me, pickerId, 'create', { requestId });
    const done = await driver.resultCard(pickerId);
    expect(cardText(done)).toContain(`${userName}@adatum.example`);
    const final = await env.sandboxState();
    expect(final.users[ADATUM].filter((u) => u.userPrincipalName === `${userName}@adatum.example`)).toHaveLength(1);
  }, 120_000);
});
