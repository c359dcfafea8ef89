import { FABRIKAM, cardText } from '../support/bot-harness';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * What `npm start` runs, driven through the Microsoft 365 Agents Playground's own HTTP and WebSocket API: from
 * "new user" to the success card, then the sandbox is checked for exactly one such user.
 */
describe('Agents Playground: personal chat, end to end', () => {
  const env = new DevEnvironment('test-output/e2e-data');
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

  it('creates a user from "new user" to the success card, exactly once', async () => {
    const cfg = await driver.config();
    const chat = cfg.personalChat.id as string;
    const me = cfg.currentUser.id as string;

    await driver.say(chat, me, 'new user');
    const picker = await driver.waitFor(() => driver.cards().find((c) => cardText(c.card).includes('choose the customer')));

    const form = await driver.execute(chat, me, picker.id, 'pickCustomer', { customerId: FABRIKAM });
    expect(cardText(form?.value ?? form)).toContain('Fabrikam');

    const userName = `e2e.${Date.now().toString(36)}`;
    const confirm = await driver.execute(chat, me, picker.id, 'submitForm', {
      customerId: FABRIKAM,
      firstName: 'Edsger',
      lastName: 'Dijkstra',
      displayName: '',
      userName,
      domain: 'fabrikam.example',
      usageLocation: 'NL',
      immutableId: '',
      passwordMode: 'generate',
      password: '',
      forceChangePassword: 'true',
      ticket: 'E2E-1',
    });
    const confirmCard = confirm?.value ?? confirm;
    const requestId = confirmCard.actions.find((a: any) => a.verb === 'create').data.requestId as string;

    const creating = await driver.execute(chat, me, picker.id, 'create', { requestId });
    expect(cardText(creating?.value ?? creating)).toContain('Creating');

    const done = await driver.waitFor(() => {
      const m = driver.messages.get(picker.id);
      const card = m?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
      return card && cardText(card).includes('User created') ? card : undefined;
    });
    expect(cardText(done)).toContain(`${userName}@fabrikam.example`);

    // The password was shown in this 1:1 chat only; it and every token the sandbox issued stay out of the logs.
    const password = JSON.stringify(done).match(/"codeSnippet":"([^"]+)"/)?.[1];
    expect(password).toBeDefined();
    const logged = env.logs.text();
    expect(logged).not.toContain(password!);
    expect(logged).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);

    const state = (await (await fetch(`${env.app.sandboxUrl}/_sandbox/state`)).json()) as { users: Record<string, Array<{ userPrincipalName: string }>> };
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
  }, 120_000);
});
