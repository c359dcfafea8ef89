import { FABRIKAM, cardText } from '../support/bot-harness';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * `SANDBOX_APP_REGISTRATION=single-tenant npm start`, driven through the Agents Playground: the deploy guide's
 * single-tenant registration, where Entra answers AADSTS700016 in every customer tenant and Graph shows GDAP
 * relationships to no delegated caller (Ada is not an Admin agent). Ada still creates a Fabrikam user.
 */
describe('Agents Playground: single-tenant registration, end to end', () => {
  const env = new DevEnvironment('test-output/e2e-single-tenant', { SANDBOX_APP_REGISTRATION: 'single-tenant' });
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

  it('Ada creates a Fabrikam user: the domain is a notice, GDAP role and MFA are checked', async () => {
    const cfg = await driver.config();
    const chat = cfg.personalChat.id as string;
    const me = cfg.currentUser.id as string;

    const userName = `single.${Date.now().toString(36)}`;
    const { pickerId, confirm: confirmCard } = await driver.reviewNewUser(chat, me, FABRIKAM, { firstName: 'Barbara', lastName: 'Liskov', userName, domain: 'fabrikam.example', ticket: 'E2E-ST' });
    const text = cardText(confirmCard);
    expect(text).toContain("**Domain**: Not checked: this bot's app is not connected to the customer's tenant");
    expect(text).toContain("(checked in Partner Center's user list");
    expect(text).toContain('You hold User Administrator for this customer');
    expect(text).toContain('Your sign-in used multi-factor authentication');
    const requestId = confirmCard.actions.find((a: any) => a.verb === 'create').data.requestId as string;

    await driver.execute(chat, me, pickerId, 'create', { requestId });
    const done = await driver.resultCard(pickerId);
    expect(cardText(done)).toContain(`${userName}@fabrikam.example`);

    const state = await env.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
    // No Graph call reached the customer tenant; GDAP relationships were read app-only.
    const requests = state.requests as Array<{ path: string; auth: { idtyp?: string } | null }>;
    expect(requests.filter((r) => r.path === '/v1.0/domains' || r.path.startsWith('/v1.0/users/'))).toEqual([]);
    expect(requests.filter((r) => r.path.startsWith('/v1.0/tenantRelationships/')).every((r) => r.auth?.idtyp === 'app')).toBe(true);
  }, 120_000);
});
