import type { Directory } from '../../../../src/core/ports';
import { oneRunDirectory } from '../../../../src/core/preflight/one-run-reads';

/** Graph's side (a fake of Microsoft's service, not of our code): counts what reached it. */
function graph() {
  const calls: string[] = [];
  let revoked = false;
  const directory: Directory = {
    listRelationships: async (_t, tenant) => (calls.push(`relationships ${tenant}`), [{ id: 'rel-1', displayName: 'r', status: 'active', endDateTime: '2027-01-01T00:00:00Z', customerTenantId: tenant, roleDefinitionIds: [] }]),
    listAccessAssignments: async (_t, id) => (calls.push(`assignments ${id}`), []),
    checkMemberGroups: async (_t, ids) => (calls.push(`member ${ids.join(',')}`), revoked ? [] : ids),
    listGroupUsers: async () => (calls.push('group users'), []),
    listDomains: async () => (calls.push('domains'), []),
    findUserByUpn: async () => (calls.push('user'), null),
  };
  return { directory, calls, revoke: () => (revoked = true) };
}

const opts = { correlationId: 'c' };

describe('the GDAP reads of one uncached pre-flight run', () => {
  it('are made once for every check of the run that asks (role, pass, onboarding), concurrently or not', async () => {
    const g = graph();
    const run = oneRunDirectory(g.directory);
    await Promise.all([run.listRelationships('app', 'T', opts), run.listRelationships('app', 'T', opts)]);
    await run.listRelationships('app', 'T', opts);
    await Promise.all([run.listAccessAssignments('app', 'rel-1', opts), run.listAccessAssignments('app', 'rel-1', opts)]);
    await run.checkMemberGroups('me', ['g1', 'g2'], opts);
    await run.checkMemberGroups('me', ['g1', 'g2'], opts);
    // A different list of groups is its own question.
    await run.checkMemberGroups('me', ['g1'], opts);
    // Everything else goes to the port as it is.
    await run.listDomains('customer', opts);
    await run.listDomains('customer', opts);
    expect(g.calls).toEqual(['relationships T', 'assignments rel-1', 'member g1,g2', 'member g1', 'domains', 'domains']);
  });

  it('are never shared between runs: the next run (the final check) reads afresh and sees a revoked role', async () => {
    const g = graph();
    expect(await oneRunDirectory(g.directory).checkMemberGroups('me', ['g1'], opts)).toEqual(['g1']);
    g.revoke();
    expect(await oneRunDirectory(g.directory).checkMemberGroups('me', ['g1'], opts)).toEqual([]);
    expect(g.calls).toEqual(['member g1', 'member g1']);
  });
});
