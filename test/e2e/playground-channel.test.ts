import { readFileSync } from 'node:fs';
import { FABRIKAM, cardText } from '../support/bot-harness';
import { errorCodeOf } from '../support/card-error-code';
import { DevEnvironment } from '../support/dev-environment';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * An approval in the Agents Playground's Teams channel: Ben (first line, no GDAP role) raises the request, cannot
 * approve it himself, Cleo (User Administrator through a nested group) approves it; the user is created once,
 * under Cleo's identity, and the password reaches Ben privately, never the channel.
 */
describe('Agents Playground: approval in a team channel', () => {
  const env = new DevEnvironment('test-output/e2e-channel-data');
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

  it('request by one engineer, approval by another, one creation, no password in the channel', async () => {
    const cfg = await driver.config();
    const channel = cfg.teams[0].id as string;
    const byName = (name: string) => (cfg.users as Array<{ id: string; name: string }>).find((u) => u.name.startsWith(name))!.id;
    const ben = byName('Ben');
    const cleo = byName('Cleo');
    const bot = { id: cfg.bot.id as string, name: cfg.bot.name as string };

    await driver.say(channel, ben, 'new user', bot);
    const picker = await driver.waitFor(() => driver.cards().find((c) => cardText(c.card).includes('choose the customer')));
    const thread = driver.messages.get(picker.id)!.conversation!.id;

    await driver.execute(thread, ben, picker.id, 'pickCustomer', { customerId: FABRIKAM });
    const userName = `channel.${Date.now().toString(36)}`;
    const requestCard = await driver.execute(thread, ben, picker.id, 'submitForm', {
      customerId: FABRIKAM,
      firstName: 'Frances',
      lastName: 'Allen',
      userName,
      domain: 'fabrikam.example',
      usageLocation: 'US',
      passwordMode: 'generate',
      forceChangePassword: 'true',
    });
    const card = requestCard?.value ?? requestCard;
    expect(cardText(card)).toContain('Waiting for approval');
    const requestId = (card.actions as any[]).find((a) => a.verb === 'approve').data.requestId as string;

    const self = await driver.execute(thread, ben, picker.id, 'approve', { requestId });
    expect(errorCodeOf(self?.value ?? self)).toBe('SELF_APPROVAL_REFUSED');

    const approved = await driver.execute(thread, cleo, picker.id, 'approve', { requestId });
    expect(cardText(approved?.value ?? approved)).toContain('approved by Cleo');

    // The request is its own message in the thread (the form's message is left as it was); it shows the outcome.
    await driver.waitFor(() =>
      [...driver.messages.values()]
        .map((m) => m.attachments?.[0]?.content)
        .find((c) => c && cardText(c).includes(`${userName}@`) && cardText(c).includes('Created by Cleo')),
    );

    const state = (await (await fetch(`${env.app.sandboxUrl}/_sandbox/state`)).json()) as {
      users: Record<string, Array<{ userPrincipalName: string }>>;
      requests: Array<{ method: string; path: string; body: unknown; auth: { upn?: string } | null }>;
    };
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === `${userName}@fabrikam.example`)).toHaveLength(1);
    const creates = state.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes(`${userName}@`));
    expect(creates).toHaveLength(1);
    expect(creates[0].auth?.upn).toBe('cleo@contoso-partner.example');

    // Ben's private copy carries the password. The Playground shows only its current user's personal chat, so the
    // private message to Ben is read from the Playground's own activity log; nothing in the channel carries it.
    const logFile = 'test-output/e2e-channel-data/playground/devTools/m365agentsplayground.log';
    const privateLine = await driver.waitFor(() =>
      readFileSync(logFile, 'utf8')
        .split('\n')
        .find((l) => l.includes('"activityName":"message"') && l.includes('@test.user') && l.includes(`${userName}@`) && l.includes('codeSnippet')),
    );
    const password = /codeSnippet\\?":\\?"([^"\\]+)/.exec(privateLine)![1];
    expect(password.length).toBeGreaterThanOrEqual(12);
    const channelTraffic = JSON.stringify([...driver.messages.values()].filter((m) => m.conversation?.id.startsWith(channel)));
    expect(channelTraffic).toContain(`${userName}@`);
    expect(channelTraffic).not.toContain(password);
    expect(env.logs.text()).not.toContain(password);
  }, 120_000);
});
