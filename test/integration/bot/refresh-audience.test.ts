import { BotHarness, FABRIKAM, HELPDESK_CHANNEL, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

/**
 * The channel card's `refresh.userIds`: the requester first, then the team's members from the Teams roster, so
 * approvers who have not acted yet also get their own view; never more than the 60 Teams allows.
 */
describe('who gets their own view of a channel request card', () => {
  const bot = new BotHarness();
  let ben: TeamsUser;
  let cleo: TeamsUser;
  let erin: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    [ben, cleo, erin] = await Promise.all(['ben', 'cleo', 'erin'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    const fillers = Array.from({ length: 70 }, (_, i) => ({ id: `29:member-${i}`, name: `Member ${i}` }));
    // 73 members: more than Teams allows on a refresh. The requester is last in the roster but first on the card.
    bot.connector.members = [cleo, erin, ...fillers, ben].map((u) => ('teamsId' in u ? { id: u.teamsId, name: u.name, aadObjectId: u.aadObjectId } : u));
    await bot.signIn(ben);
  });
  afterAll(() => bot.stop());

  it('lists the requester, then the team roster, at most 60, and reads the roster once', async () => {
    const card = invokeCard(
      await bot.executeInChannel(ben, 'submitForm', { customerId: FABRIKAM, firstName: 'Roster', lastName: 'Check', userName: 'roster.check', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' }, 'ra-1'),
    );
    const ids = card.refresh.userIds as string[];
    expect(ids[0]).toBe(ben.teamsId);
    expect(ids).toEqual(expect.arrayContaining([cleo.teamsId, erin.teamsId]));
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);

    // The request's own message, the card everyone sees, carries the same audience.
    const shared = bot.connector.sent().find((c) => c.activityId === bot.requestMessage(card.refresh.action.data.requestId));
    expect((cardOf(shared)?.refresh as { userIds: string[] }).userIds).toEqual(ids);
    const rosterReads = bot.connector.calls.filter((c) => c.method === 'GET' && c.conversationId === HELPDESK_CHANNEL);
    expect(rosterReads).toHaveLength(1);
  });
});
