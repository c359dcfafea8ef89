import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { ProcessHarness, type BotProcess } from '../../support/bot-process';
import { cardOf } from '../../support/recording-connector';

interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string }>; groups: Array<{ id: string; displayName: string; members: string[] }> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[]; managerId?: string }>>;
  requests: Array<{ method: string; path: string; status: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue #18: the bot killed (SIGKILL) between onboarding steps — licences and groups done, the manager call in
 * flight — and started again on the same SQLite store: the finish job resumes at the first step not done, so the
 * manager is set and the licence and memberships are not asked for a second time.
 */
describe('crash between onboarding steps', () => {
  const h = new ProcessHarness({ STORAGE: 'sqlite', DATA_DIR: mkdtempSync(join(tmpdir(), 'onboarding-crash-')) });
  let ada: TeamsUser;
  let bot: BotProcess;

  beforeAll(async () => {
    await h.start();
    bot = await h.launch('first');
    ada = await h.teamsUser('ada@contoso-partner.example');
    await h.signIn(ada);
  }, 90_000);
  afterAll(() => h.stop());

  it('restart finishes the remaining steps once', async () => {
    const world = (await h.sandboxState()) as unknown as World;
    const fabrikam = world.customers.find((c) => c.id === FABRIKAM)!;
    const standard = fabrikam.skus.find((s) => s.name.includes('Business Standard'))!;
    const groups = ['All Staff', 'Project Phoenix'].map((n) => fabrikam.groups.find((g) => g.displayName === n)!.id);
    const alice = world.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith('alice.'))!;
    const form = { customerId: FABRIKAM, firstName: 'Lin', lastName: 'Crash', userName: 'lin.crash', domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', ticket: 'INC-9', licences: standard.id, groups: groups.join(','), manager: alice.id };
    const confirm = invokeCard(await h.execute(ada, 'submitForm', form));
    const requestId = (confirm.actions as any[]).find((a) => a.verb === 'create').data.requestId as string;

    await h.sandbox('POST', '/_sandbox/faults', { method: 'PUT', path: '/v1.0/users/*/manager/$ref', kind: 'hang', when: 'before', count: 1 });
    await h.execute(ada, 'create', { requestId }, 'oc-1');
    const managerCalls = async () => ((await h.sandboxState()) as unknown as World).requests.filter((r) => r.method === 'PUT' && /manager\/\$ref$/.test(r.path));
    for (let i = 0; i < 200 && (await managerCalls()).length === 0; i++) await sleep(25);
    expect(await managerCalls()).toHaveLength(1);
    await bot.kill();
    bot = await h.launch('after-crash');

    await h.connector.waitFor(() => h.connector.updates('oc-1').map(cardOf).find((c) => c && cardText(c).includes('✓ Manager')), 30_000);
    const after = (await h.sandboxState()) as unknown as World;
    const lin = after.users[FABRIKAM].find((u) => u.userPrincipalName === 'lin.crash@fabrikam.example')!;
    expect(lin.licenses).toEqual([standard.id]);
    expect(lin.managerId).toBe(alice.id);
    // Licences and groups were done before the crash: asked for once each; only the manager call is repeated.
    expect(after.requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${FABRIKAM}/users/${lin.id}/licenseupdates`)).toHaveLength(1);
    const memberAdds = after.requests.filter((r) => r.method === 'POST' && /\/groups\/[^/]+\/members\/\$ref$/.test(r.path) && groups.some((g) => r.path.includes(g)));
    expect(memberAdds).toHaveLength(2);
    expect(await managerCalls()).toHaveLength(2);
    expect(after.users[FABRIKAM].filter((u) => u.userPrincipalName === 'lin.crash@fabrikam.example')).toHaveLength(1);
    expect(after.customers.find((c) => c.id === FABRIKAM)!.groups.filter((g) => g.members.includes(lin.id)).map((g) => g.id).sort()).toEqual([...groups].sort());
  }, 90_000);
});
