import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { sandboxClient } from '../../support/sandbox-network';

/**
 * Issue #18 in a channel: the approver approves the whole plan (licences, groups, manager, profile); every step's
 * check runs again under the approver's identity, and the steps run with it.
 */
interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string }>; groups: Array<{ id: string; displayName: string; members: string[] }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[]; managerId?: string; profile: Record<string, string> }>>;
  requests: Array<{ method: string; path: string; status: number; auth: { upn?: string } | null }>;
}

describe('onboarding steps approved in a channel', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 5, approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ben: TeamsUser; // first line, no role
  let cleo: TeamsUser; // User Administrator through a nested group
  let world: World;
  const state = async () => (await bot.sandboxState()) as unknown as World;
  const fabrikam = (w: World) => w.customers.find((c) => c.id === FABRIKAM)!;
  const user = (w: World, prefix: string) => w.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith(prefix));

  beforeAll(async () => {
    await bot.start();
    [ben, cleo] = await Promise.all(['ben', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ben, cleo]) await bot.signIn(u);
    world = await state();
  });
  afterAll(() => bot.stop());

  const raise = async (userName: string, cardId: string, extra: Record<string, string>) => {
    const form = { customerId: FABRIKAM, firstName: 'Ida', lastName: 'Rhodes', displayName: '', userName, domain: 'fabrikam.example', usageLocation: 'US', immutableId: '', passwordMode: 'generate', password: '', forceChangePassword: 'true', ticket: 'CHG-18', ...extra };
    const card = invokeCard(await bot.executeInChannel(ben, 'submitForm', form, cardId));
    return (card.actions as any[]).find((a) => a.verb === 'approve').data.requestId as string;
  };

  it('the approver approves the plan: checks and steps run under the approver, the user gets licence, groups and manager', async () => {
    const standard = fabrikam(world).skus.find((s) => s.name.includes('Business Standard'))!;
    const groups = ['All Staff', 'Engineering'].map((n) => fabrikam(world).groups.find((g) => g.displayName === n)!.id);
    const carol = user(world, 'carol.')!;
    const requestId = await raise('ida.rhodes', 'och-1', { licences: standard.id, groups: groups.join(','), manager: carol.id, department: 'Engineering' });
    const logFrom = (await state()).requests.length;

    invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'och-1'));
    const done = await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).map(cardOf).find((c) => c && cardText(c).includes('Created by')));
    await bot.app.teams.background.drain();
    for (const s of ['Licences', 'Groups', 'Manager', 'Profile']) expect(cardText(done)).toContain(`✓ ${s}`);

    const after = await state();
    const ida = user(after, 'ida.rhodes@')!;
    expect(ida.licenses).toEqual([standard.id]);
    expect(fabrikam(after).groups.filter((g) => g.members.includes(ida.id)).map((g) => g.id).sort()).toEqual([...groups].sort());
    expect(ida.managerId).toBe(carol.id);
    // The step checks (sku seats, the groups, the manager) were read again at approval, and every write made, as Cleo.
    const since = after.requests.slice(logFrom);
    const by = (m: string, re: RegExp) => since.filter((r) => r.method === m && re.test(r.path)).map((r) => r.auth?.upn);
    expect(by('GET', /\/subscribedskus$/)).toContain('cleo@contoso-partner.example');
    expect(by('GET', /^\/v1\.0\/groups\/[^/]+$/)).toContain('cleo@contoso-partner.example');
    expect(new Set([...by('POST', /licenseupdates$/), ...by('POST', /members\/\$ref$/), ...by('PUT', /manager\/\$ref$/), ...by('PATCH', /^\/v1\.0\/users\//)])).toEqual(new Set(['cleo@contoso-partner.example']));
  });

  it('a manager removed after the request was raised is caught by the approval re-check: no user is created', async () => {
    const dave = user(world, 'dave.')!;
    const requestId = await raise('ida.blocked', 'och-2', { manager: dave.id });
    const sb = sandboxClient(bot.sandboxUrl);
    const token = await sb.accessToken('ada@contoso-partner.example');
    expect((await sb.pc(token, 'DELETE', `/v1/customers/${FABRIKAM}/users/${dave.id}`)).status).toBe(204);
    try {
      await bot.executeInChannel(cleo, 'approve', { requestId }, 'och-2');
      const failed = await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).map(cardOf).find((c) => c && JSON.stringify(c).includes('Failed') && JSON.stringify(c).includes('USER_NOT_FOUND')));
      expect(failed).toBeDefined();
      await bot.app.teams.background.drain();
      expect(user(await state(), 'ida.blocked@')).toBeUndefined();
    } finally {
      await sb.pc(token, 'PATCH', `/v1/customers/${FABRIKAM}/users/${dave.id}`, { body: { State: 'active', Attributes: { ObjectType: 'CustomerUser' } } });
    }
  });
});
