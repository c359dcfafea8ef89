import { BotHarness, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

/**
 * Issue 17, points 2 and 9: a channel request card's refresh.userIds lists the requester, then the people who could
 * approve it found in full in the directory (not only those seen acting, and not the roster's first page), and the
 * post @mentions them. Found = the transitive members of APPROVER_GROUP_ID, or else of the partner groups an active
 * GDAP assignment gives User Administrator or Directory Writers for the request's customer; matched to the
 * conversation's roster by Entra object id.
 */
const form = (userName: string) => ({
  customerId: FABRIKAM,
  firstName: 'Grace',
  lastName: 'Hopper',
  userName,
  domain: 'fabrikam.example',
  usageLocation: 'US',
  passwordMode: 'generate',
  forceChangePassword: 'true',
});
const GROUP_MEMBERS = /^\/v1\.0\/groups\/[0-9a-f-]{36}\/transitiveMembers\/microsoft\.graph\.user$/;
const USER_DESK_APPROVERS = '44444444-0000-4000-8000-000000000005';
type Entities = Array<{ type: string; text: string; mentioned: { id: string; name: string } }>;
const member = (u: TeamsUser) => ({ id: u.teamsId, name: u.name, aadObjectId: u.aadObjectId });

/** The seeded users as Teams presents them; the first `signedIn` of them sign in (only they act). */
async function setUp(bot: BotHarness, upns: string[], signedIn: number): Promise<TeamsUser[]> {
  await bot.start();
  const users = await Promise.all(upns.map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
  for (const u of users.slice(0, signedIn)) await bot.signIn(u);
  bot.connector.rosterPageLimit = 25;
  return users;
}

async function raise(bot: BotHarness, who: TeamsUser, userName: string, cardId: string) {
  const card = invokeCard(await bot.executeInChannel(who, 'submitForm', form(userName), cardId));
  const posted = cardOf(bot.connector.sent().find((c) => c.activityId === bot.requestMessage(card.refresh.action.data.requestId)))!;
  const entities = ((posted.msteams as { entities?: Entities } | undefined)?.entities ?? []) as Entities;
  return { ids: card.refresh.userIds as string[], postedIds: (posted.refresh as { userIds: string[] }).userIds, entities };
}

describe('approvers found in full: the GDAP role groups of the customer', () => {
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ben: TeamsUser; // no role: the requester
  let erin: TeamsUser; // Directory Writers, never acted here
  let cleo: TeamsUser; // User Administrator through a nested group, never acted here
  let fay: TeamsUser; // no role
  const fillers = Array.from({ length: 80 }, (_, i) => ({ id: `29:member-${i}`, name: `Member ${i}` }));

  beforeAll(async () => {
    [ben, erin, cleo, fay] = await setUp(bot, ['ben', 'erin', 'cleo', 'fay'], 2);
    // 84 members on four pages of 25: Erin and Cleo are on the last page, far beyond the first 60.
    bot.connector.members = [...fillers, member(fay), member(ben), member(erin), member(cleo)];
  });
  afterAll(() => bot.stop());

  it('the first request in a new team lists Erin second and @mentions her and Cleo; Fay is neither', async () => {
    const first = await raise(bot, ben, 'full.first', 'af-1');
    expect(first.ids.slice(0, 3)).toEqual([ben.teamsId, erin.teamsId, cleo.teamsId]);
    expect(first.ids).toHaveLength(60);
    expect(first.ids).not.toContain(fay.teamsId);
    expect(first.postedIds).toEqual(first.ids);
    expect(first.entities).toEqual([
      { type: 'mention', text: `<at>${erin.name}</at>`, mentioned: { id: erin.teamsId, name: erin.name } },
      { type: 'mention', text: `<at>${cleo.name}</at>`, mentioned: { id: cleo.teamsId, name: cleo.name } },
    ]);

    // Read in the partner tenant with the app's own token: one member list per role group (User Administrator,
    // Directory Writers), nested groups expanded by Graph.
    const reads = (await bot.sandboxState()).requests.filter((r) => GROUP_MEMBERS.test(r.path));
    expect(reads.length).toBe(2);
    expect(reads.every((r) => r.status === 200)).toBe(true);

    // Cached per customer for the look-up TTL: the next request reads nothing again, and never mentions the requester.
    const second = await raise(bot, erin, 'full.second', 'af-2');
    expect(second.ids.slice(0, 2)).toEqual([erin.teamsId, cleo.teamsId]);
    expect(second.entities.map((e) => e.mentioned.id)).toEqual([cleo.teamsId]);
    expect((await bot.sandboxState()).requests.filter((r) => GROUP_MEMBERS.test(r.path))).toHaveLength(2);
  });
});

describe('approvers found in full: APPROVER_GROUP_ID', () => {
  const bot = new BotHarness({ approvals: { approverGroupId: USER_DESK_APPROVERS, allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ben: TeamsUser;
  let dan: TeamsUser; // holds User Administrator, but is not in the approver group
  let erin: TeamsUser; // in the approver group
  const fillers = Array.from({ length: 81 }, (_, i) => ({ id: `29:member-${i}`, name: `Member ${i}` }));

  beforeAll(async () => {
    [ben, dan, erin] = await setUp(bot, ['ben', 'dan', 'erin'], 1);
    bot.connector.members = [...fillers, member(dan), member(ben), member(erin)];
  });
  afterAll(() => bot.stop());

  it('lists and mentions the members of the approver group only, read from that group alone', async () => {
    const first = await raise(bot, ben, 'group.first', 'ag-1');
    expect(first.ids.slice(0, 2)).toEqual([ben.teamsId, erin.teamsId]);
    expect(first.ids).not.toContain(dan.teamsId);
    expect(first.entities.map((e) => e.mentioned.id)).toEqual([erin.teamsId]);
    const reads = (await bot.sandboxState()).requests.filter((r) => GROUP_MEMBERS.test(r.path));
    expect(reads.map((r) => r.path)).toEqual([`/v1.0/groups/${USER_DESK_APPROVERS}/transitiveMembers/microsoft.graph.user`]);
  });
});
