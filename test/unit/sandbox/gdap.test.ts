import { DIRECTORY_WRITERS, groupsOf, rolesIn, USER_ADMINISTRATOR, userAccess } from '../../../src/sandbox/gdap';
import { loadSeed } from '../../../src/sandbox/seed';
import { buildWorld, type SandboxWorld } from '../../../src/sandbox/world';

const NOW = new Date('2026-06-01T12:00:00Z');
const world = (): SandboxWorld => buildWorld(loadSeed(), NOW);
const oid = (w: SandboxWorld, name: string) => w.partnerUsers.find((u) => u.upn.startsWith(`${name}@`))!.oid;
const customer = (w: SandboxWorld, id: string) => w.customers.find((c) => c.id === id)!;
const C = {
  fabrikam: '22222222-0000-4000-8000-000000000001',
  tailspin: '22222222-0000-4000-8000-000000000003',
  wideWorld: '22222222-0000-4000-8000-000000000004',
  adatum: '22222222-0000-4000-8000-000000000006',
  litware: '22222222-0000-4000-8000-000000000007',
  filler: '22222222-0000-4000-8000-000000000110',
};

describe('group membership', () => {
  it('is transitive (cleo is in GDAP User Administrators through Night Shift)', () => {
    const w = world();
    expect([...groupsOf(w, oid(w, 'cleo'))].sort()).toEqual(['44444444-0000-4000-8000-000000000001', '44444444-0000-4000-8000-000000000004', '44444444-0000-4000-8000-000000000005']);
    expect([...groupsOf(w, 'unknown-oid')]).toEqual([]);
  });

  it('terminates on a nesting cycle', () => {
    const w = world();
    w.groups.find((g) => g.id === '44444444-0000-4000-8000-000000000001')!.memberOfGroups.push('44444444-0000-4000-8000-000000000004');
    expect(groupsOf(w, oid(w, 'cleo')).has('44444444-0000-4000-8000-000000000001')).toBe(true);
  });
});

describe('what each engineer may do with each customer’s users', () => {
  it.each([
    ['ada', C.fabrikam, 'write'],
    ['cleo', C.fabrikam, 'write'],
    ['erin', C.fabrikam, 'write'],
    ['ben', C.fabrikam, 'read'],
    ['ada', C.adatum, 'write'],
    ['ada', C.filler, 'write'],
    ['ada', C.tailspin, 'none'],
    ['ada', C.litware, 'read'],
    ['erin', C.litware, 'read'],
    ['ben', C.litware, 'none'],
    ['ada', C.wideWorld, 'no-relationship'],
  ])('%s on %s: %s', (name, id, expected) => {
    const w = world();
    expect(userAccess(w, oid(w, name), customer(w, id), NOW)).toBe(expected);
  });

  it('gives erin Directory Writers and ada User Administrator, not the other way round', () => {
    const w = world();
    const fabrikam = customer(w, C.fabrikam);
    expect(rolesIn(w, oid(w, 'erin'), fabrikam, NOW).has(DIRECTORY_WRITERS)).toBe(true);
    expect(rolesIn(w, oid(w, 'erin'), fabrikam, NOW).has(USER_ADMINISTRATOR)).toBe(false);
    expect(rolesIn(w, oid(w, 'ada'), fabrikam, NOW).has(USER_ADMINISTRATOR)).toBe(true);
  });

  it('ignores a relationship past its end date even while it still says active', () => {
    const w = world();
    const adatum = customer(w, C.adatum);
    expect(userAccess(w, oid(w, 'ada'), adatum, new Date(NOW.getTime() + 8 * 86_400_000))).toBe('none');
  });

  it('counts an expiring relationship, and ignores an assignment that is not active', () => {
    const w = world();
    const fabrikam = customer(w, C.fabrikam);
    fabrikam.relationships[0].status = 'expiring';
    expect(userAccess(w, oid(w, 'cleo'), fabrikam, NOW)).toBe('write');
    fabrikam.relationships[0].assignments.find((a) => a.groupId === '44444444-0000-4000-8000-000000000001')!.status = 'pending';
    // cleo holds User Administrator only through that assignment (ada also holds Global Reader through another).
    expect(userAccess(w, oid(w, 'cleo'), fabrikam, NOW)).toBe('none');
    expect(userAccess(w, oid(w, 'ada'), fabrikam, NOW)).toBe('read');
    expect(userAccess(w, oid(w, 'erin'), fabrikam, NOW)).toBe('write');
  });

  it('ignores terminated relationships', () => {
    const w = world();
    const fabrikam = customer(w, C.fabrikam);
    fabrikam.relationships[0].status = 'terminated';
    expect(userAccess(w, oid(w, 'ada'), fabrikam, NOW)).toBe('none');
  });
});
