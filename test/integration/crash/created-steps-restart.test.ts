import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { ProcessHarness, type BotProcess } from '../../support/bot-process';
import { cardOf } from '../../support/recording-connector';

interface World {
  customers: Array<{ id: string; skus: Array<{ id: string; name: string; consumed: number }>; groups: Array<{ id: string; displayName: string; members: string[] }>; temporaryAccessPasses: Record<string, unknown> }>;
  users: Record<string, Array<{ id: string; userPrincipalName: string; licenses: string[]; managerId?: string }>>;
  requests: Array<{ method: string; path: string; status?: number }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Long enough that a finish waiting for the lease is told apart from one made at once after the restart. */
const LEASE_MS = 30_000;

/**
 * A request that is already `created` (the user exists, its Temporary Access Pass made, its licence and groups
 * done) when the bot dies (SIGKILL) with the manager call in flight. Started again on the same SQLite store, the
 * bot resumes the remaining steps at once, not when the creation's lease (30 s here) runs out, and no step that
 * was done runs a second time: one user, one pass, one licence assignment, one membership per group.
 */
describe('crash after the user was created, with onboarding steps pending', () => {
  const h = new ProcessHarness({ STORAGE: 'sqlite', DATA_DIR: mkdtempSync(join(tmpdir(), 'created-steps-restart-')), CREATION_LEASE_MS: String(LEASE_MS) });
  let ada: TeamsUser;
  let bot: BotProcess;

  beforeAll(async () => {
    await h.start();
    bot = await h.launch('first');
    ada = await h.teamsUser('ada@contoso-partner.example');
    await h.signIn(ada);
  }, 90_000);
  afterAll(() => h.stop());

  it('the restarted bot finishes the remaining steps right away, each step once', async () => {
    const world = (await h.sandboxState()) as unknown as World;
    const fabrikam = world.customers.find((c) => c.id === FABRIKAM)!;
    const standard = fabrikam.skus.find((s) => s.name.includes('Business Standard'))!;
    const groups = ['All Staff', 'Project Phoenix'].map((n) => fabrikam.groups.find((g) => g.displayName === n)!.id);
    const alice = world.users[FABRIKAM].find((u) => u.userPrincipalName.startsWith('alice.'))!;
    const form = {
      customerId: FABRIKAM, firstName: 'Rosalind', lastName: 'Restart', userName: 'rosalind.restart', domain: 'fabrikam.example', usageLocation: 'US',
      passwordMode: 'generate', forceChangePassword: 'true', ticket: 'INC-19', licences: standard.id, groups: groups.join(','), manager: alice.id,
      firstCredential: 'tap', tapUsage: 'once', tapLifetime: '480',
    };
    const confirm = invokeCard(await h.execute(ada, 'submitForm', form));
    const requestId = (confirm.actions as any[]).find((a) => a.verb === 'create').data.requestId as string;

    // The manager call never answers: the process is killed while it is in flight, after every earlier step.
    await h.sandbox('POST', '/_sandbox/faults', { method: 'PUT', path: '/v1.0/users/*/manager/$ref', kind: 'hang', when: 'before', count: 1 });
    await h.execute(ada, 'create', { requestId }, 'cs-1');
    const state = async () => (await h.sandboxState()) as unknown as World;
    const managerCalls = async () => (await state()).requests.filter((r) => r.method === 'PUT' && /manager\/\$ref$/.test(r.path));
    for (let i = 0; i < 400 && (await managerCalls()).length === 0; i++) await sleep(25);
    expect(await managerCalls()).toHaveLength(1);
    await bot.kill();

    // Before the restart: the user exists, its pass, licence and groups are done; the request is `created`.
    const before = await state();
    const user = before.users[FABRIKAM].find((u) => u.userPrincipalName === 'rosalind.restart@fabrikam.example')!;
    expect(user).toBeDefined();
    expect(user.licenses).toEqual([standard.id]);
    expect(user.managerId).toBeUndefined();
    expect(h.connector.updates('cs-1').some((u) => cardText(cardOf(u)).includes('User created'))).toBe(false);

    bot = await h.launch('after-crash');
    const startedAt = Date.now();
    const done = await h.connector.waitFor(() => h.connector.updates('cs-1').map(cardOf).find((c) => c && cardText(c).includes('✓ Manager')), LEASE_MS);
    const finishedAfterMs = Date.now() - startedAt;
    // At once: the lease (30 s from the crash, over 20 s after the restart) is not waited for.
    expect(finishedAfterMs).toBeLessThan(5_000);
    expect(bot.logs().some((l) => l.msg === 'creations interrupted by a restart will be finished' && l.stepsPending === 1)).toBe(true);
    // The pass made before the crash is delivered now, once, on the 1:1 card (stored encrypted meanwhile).
    expect(cardText(done)).toContain('Temporary Access Pass (only in this chat');

    const after = await state();
    const users = after.users[FABRIKAM].filter((u) => u.userPrincipalName === 'rosalind.restart@fabrikam.example');
    expect(users).toHaveLength(1);
    expect(users[0].licenses).toEqual([standard.id]);
    expect(users[0].managerId).toBe(alice.id);
    const count = (test: (r: World['requests'][number]) => boolean) => after.requests.filter(test).length;
    // Every step done before the crash was asked for once; only the manager call (its answer never came) again.
    expect(count((r) => r.method === 'POST' && /\/users$/.test(r.path) && r.path.includes(FABRIKAM))).toBe(1);
    expect(count((r) => r.method === 'POST' && r.path.endsWith(`/users/${user.id}/authentication/temporaryAccessPassMethods`))).toBe(1);
    expect(count((r) => r.method === 'POST' && r.path === `/v1/customers/${FABRIKAM}/users/${user.id}/licenseupdates`)).toBe(1);
    for (const g of groups) expect(count((r) => r.method === 'POST' && r.path.includes(`/groups/${g}/members/$ref`))).toBe(1);
    expect(await managerCalls()).toHaveLength(2);
    expect(after.customers.find((c) => c.id === FABRIKAM)!.groups.filter((g) => g.members.includes(user.id)).map((g) => g.id).sort()).toEqual([...groups].sort());
    expect(after.customers.find((c) => c.id === FABRIKAM)!.skus.find((s) => s.id === standard.id)!.consumed).toBe(standard.consumed + 1);

    // Settled: a second look (the old lease time passing) repeats nothing and shows nothing again.
    const cardUpdates = h.connector.updates('cs-1').length;
    await sleep(1_500);
    expect(h.connector.updates('cs-1')).toHaveLength(cardUpdates);
    expect((await state()).requests.length).toBe(after.requests.length);
  }, 120_000);
});
