import { BotHarness, FABRIKAM, HELPDESK_CHANNEL, cardText, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf, type ConnectorCall } from '../../support/recording-connector';

const passwordIn = (c: ConnectorCall | undefined): string => {
  let code = '';
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o.type === 'CodeBlock' && typeof o.codeSnippet === 'string') code = o.codeSnippet;
      Object.values(o).forEach(walk);
    }
  };
  walk(cardOf(c));
  return code;
};

/**
 * A requester who never installed the app personally: Teams refuses the bot's 1:1 message (403). The approver
 * still gets their copy, the requester is told in the channel (no secret) to open a chat with the bot, gets the
 * password there on their next 1:1 turn, once, and the channel card never claims a delivery that did not happen.
 */
describe('password to someone Teams will not message privately', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 5, approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: true } });
  let ben: TeamsUser;
  let cleo: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    [ben, cleo] = await Promise.all(['ben', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ben, cleo]) await bot.signIn(u);
  });
  afterAll(() => bot.stop());

  it('per recipient, told in the channel, delivered on the next 1:1 turn, once', async () => {
    // Teams refuses the bot's 1:1 chat with Ben: the app is not installed for him.
    bot.connector.failNext((c) => c.conversationId === `a:1on1-${ben.teamsId}` && /\/v3\/conversations\/?$/.test(c.path), { status: 403 });
    const raised = invokeCard(
      await bot.executeInChannel(ben, 'submitForm', { customerId: FABRIKAM, firstName: 'No', lastName: 'Install', userName: 'no.install', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' }, 'ch-403'),
    );
    const requestId = (raised.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')!.data!.requestId!;
    invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-403'));
    await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Created by')));
    await bot.app.teams.background.drain();

    // Cleo's copy went, despite Ben's refusal.
    const cleoCopies = bot.connector.privateTo(cleo.teamsId).filter((c) => passwordIn(c));
    expect(cleoCopies).toHaveLength(1);
    const password = passwordIn(cleoCopies[0]);
    expect(password.length).toBeGreaterThanOrEqual(12);
    // Ben was asked for a 1:1 chat once, refused, and told in the channel, without the secret.
    expect(bot.connector.calls.filter((c) => c.method === 'POST' && c.conversationId === `a:1on1-${ben.teamsId}` && /\/v3\/conversations\/?$/.test(c.path))).toHaveLength(1);
    const channel = bot.connector.calls.filter((c) => c.conversationId.startsWith(HELPDESK_CHANNEL));
    const notice = channel.find((c) => c.method === 'POST' && cardText(cardOf(c)).includes('open a chat'));
    expect(cardText(cardOf(notice))).toContain(ben.name);
    expect(JSON.stringify(channel)).not.toContain(password);
    // The channel card does not claim the requester has it.
    const last = bot.connector.updates(bot.requestMessage(requestId)).at(-1);
    expect(cardText(cardOf(last))).not.toContain('was sent to the requester');
    expect(cardText(cardOf(last))).toContain('waits for');
    // Not delivered to everyone, so not erased: it waits (encrypted) for Ben.
    expect(await bot.app.useCases.vault.get(requestId)).toBe(password);
    const stored = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(stored.passwordDelivery?.waitingFor.map((w) => w.teamsId)).toEqual([ben.teamsId]);

    // Ben opens a chat with the bot (which installs it for him) and says hello: the password comes there, once.
    await bot.say(ben, 'hello');
    await bot.say(ben, 'hello again');
    const inBenChat = bot.connector.sent().filter((c) => c.conversationId.startsWith('a:personal-') && passwordIn(c));
    expect(inBenChat).toHaveLength(1);
    expect(passwordIn(inBenChat[0])).toBe(password);
    expect(bot.connector.calls.filter((c) => passwordIn(c) === password && c.method === 'POST')).toHaveLength(2); // Cleo's and Ben's, nothing else
    expect(await bot.app.useCases.vault.get(requestId)).toBeUndefined();
    const after = (await bot.app.useCases.requests.get(requestId))!.value;
    expect(after.passwordDelivery).toEqual({ sentTo: [cleo.teamsId, ben.teamsId], waitingFor: [] });
    const synced = await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).map(cardOf).find((c) => c && cardText(c).includes('was sent to the requester')));
    expect(synced).toBeDefined();
    // Both password messages are due to be hidden (one item per message).
    const hides = await bot.app.useCases.dueWork.claimDue(new Date(Date.now() + 3_600_000), 'probe', 1000, 50);
    expect(hides.filter((h) => h.kind === 'hide-password' && h.requestId === requestId)).toHaveLength(2);
  });
});
