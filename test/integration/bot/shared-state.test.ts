import { randomBytes } from 'node:crypto';
import { BotHarness, cardText, FABRIKAM, HELPDESK_CHANNEL, invokeCard } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { startAzurite, type Azurite } from '../../support/azurite';

/**
 * Two instances on one Blob container: what one learns in a turn, the other knows in the next, because a load
 * balancer sends turns of one conversation to either. A sign-in started on one completes on the other; a session
 * made on one is used by the other; the approvers' channel learned by one is where the other posts.
 */
describe('state shared by two instances (Blob on Azurite)', () => {
  let azurite: Azurite;
  let a: BotHarness;
  let b: BotHarness;
  const key = randomBytes(32);

  beforeAll(async () => {
    azurite = await startAzurite();
    const shared = { storage: 'blob' as const, blob: { connectionString: azurite.connectionString, container: 'shared-state' }, dataEncryptionKey: key, approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false, channelId: HELPDESK_CHANNEL } };
    a = await new BotHarness(shared).start();
    // B uses A's sandbox (one identity provider, one Partner Center) and A's connector (one Teams).
    const sandboxUrl = a.sandboxUrl;
    b = new BotHarness({ ...shared, sandboxPort: Number(new URL(sandboxUrl).port), sandboxUrl, partnerCenterBaseUrl: sandboxUrl, graphBaseUrl: sandboxUrl }, { startSandbox: false });
    await b.start();
    // B's own connector (started with it) is closed before A's takes its place, or its listening server outlives
    // the file and keeps jest from exiting (b.stop() closes whatever connector B holds then, i.e. A's).
    await b.connector.stop();
    (b as unknown as { connector: unknown }).connector = a.connector;
  }, 60_000);
  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    await azurite?.stop();
  });

  it('a sign-in asked for by A completes on B, which resumes what was asked; A then uses the session B made', async () => {
    const ada = await a.teamsUser('ada@contoso-partner.example');
    await a.say(ada, 'new user');
    await a.connector.waitFor(() => a.connector.sent().find((c) => JSON.stringify(c.body).includes('application/vnd.microsoft.card.oauth')));
    await b.signIn(ada);
    await a.connector.waitFor(() => a.connector.sent().find((c) => cardText(cardOf(c)).includes('choose the customer')));

    const before = a.connector.sent().length;
    await a.say(ada, 'new user');
    const next = await a.connector.waitFor(() => a.connector.sent().slice(before).find((c) => c.body.type === 'message'));
    expect(JSON.stringify(next.body)).not.toContain('application/vnd.microsoft.card.oauth');
    expect(cardText(cardOf(next))).toContain('choose the customer');
  });

  it("the approvers' channel seen by A is where B posts a request raised in a 1:1 chat", async () => {
    const ben = await a.teamsUser('ben@contoso-partner.example');
    const ada = await a.teamsUser('ada@contoso-partner.example');
    await a.post(a.channelActivity(ada, { type: 'message', text: '<at>Partner User Desk</at> help' }));
    await b.signIn(ben);
    const form = { customerId: FABRIKAM, firstName: 'Ida', lastName: 'Shared', userName: 'shared.channel', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', sendForApproval: 'true' };
    expect(cardText(invokeCard(await b.execute(ben, 'submitForm', form)))).toContain('Sent for approval');
    await a.connector.waitFor(() => a.connector.sent().find((c) => c.conversationId === HELPDESK_CHANNEL && cardText(cardOf(c)).includes('shared.channel@')));
  });
});
