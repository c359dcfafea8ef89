import { readFileSync } from 'node:fs';
import { DEFAULT_SEED_PATH, loadSeed, parseSeed, partnerUsersForPlayground, PLAYGROUND_MAX_OTHER_USERS } from '../../../src/sandbox/seed';
import { buildWorld } from '../../../src/sandbox/world';
import { SANDBOX_IDENTITY } from '../../../src/config';

const NOW = new Date('2026-06-01T12:00:00Z');
const DAY = 86_400_000;

describe('the seed file', () => {
  const seed = loadSeed();
  const world = buildWorld(seed, NOW);
  const customer = (id: string) => world.customers.find((c) => c.id === id)!;

  it('has the fixed partner tenant and engineers of docs/sandbox-api.md', () => {
    expect(seed.partnerTenant.id).toBe(SANDBOX_IDENTITY.partnerTenantId);
    expect(seed.partnerTenant.domain).toBe('contoso-partner.example');
    const byUpn = Object.fromEntries(seed.partnerUsers.map((u) => [u.upn, u]));
    expect(byUpn['ada@contoso-partner.example'].name).toBe('Ada Lovelace');
    expect(byUpn['ben@contoso-partner.example'].name).toBe('Ben Okafor');
    expect(byUpn['cleo@contoso-partner.example'].name).toBe('Cleo Park');
    expect(byUpn['dan@contoso-partner.example']).toEqual(expect.objectContaining({ name: 'Dan Brooks', consented: false }));
    expect(byUpn['erin@contoso-partner.example'].name).toBe('Erin Diaz');
  });

  it('has the fixed customers with their situations', () => {
    const names = Object.fromEntries(world.customers.map((c) => [c.id, c.companyName]));
    expect(names).toEqual(
      expect.objectContaining({
        '22222222-0000-4000-8000-000000000001': 'Fabrikam, Inc.',
        '22222222-0000-4000-8000-000000000002': 'Northwind Traders',
        '22222222-0000-4000-8000-000000000003': 'Tailspin Toys',
        '22222222-0000-4000-8000-000000000004': 'Wide World Importers',
        '22222222-0000-4000-8000-000000000005': 'Woodgrove Bank',
        '22222222-0000-4000-8000-000000000006': 'Adatum Corporation',
        '22222222-0000-4000-8000-000000000007': 'Litware, Inc.',
      }),
    );
    expect(world.missingTenantId).toBe('22222222-0000-4000-8000-0000000000ff');
    expect(names[world.missingTenantId]).toBeUndefined();
    const fabrikam = customer('22222222-0000-4000-8000-000000000001');
    expect(fabrikam.users.find((u) => u.userPrincipalName === 'alice.smith@fabrikam.example')?.state).toBe('active');
    expect(fabrikam.users.find((u) => u.userPrincipalName === 'bob.jones@fabrikam.example')?.state).toBe('inactive');
    expect(fabrikam.domains.find((d) => d.isDefault)?.name).toBe('fabrikam.example');
    expect(fabrikam.domains.find((d) => d.isInitial)?.name).toBe('fabrikamcorp.onmicrosoft.com');
    expect(customer('22222222-0000-4000-8000-000000000002').domains.find((d) => d.isDefault)).toEqual(expect.objectContaining({ name: 'northwind.example', authenticationType: 'Federated', isVerified: true }));
    expect(customer('22222222-0000-4000-8000-000000000004').relationships).toEqual([]);
  });

  it('turns relative days into dates around now', () => {
    const adatum = customer('22222222-0000-4000-8000-000000000006').relationships[0];
    expect(new Date(adatum.endDateTime).getTime() - NOW.getTime()).toBe(7 * DAY);
    expect(new Date(customer('22222222-0000-4000-8000-000000000003').relationships[0].endDateTime).getTime()).toBeLessThan(NOW.getTime());
    const bob = customer('22222222-0000-4000-8000-000000000001').users.find((u) => u.userPrincipalName.startsWith('bob.jones'))!;
    expect(NOW.getTime() - new Date(bob.softDeletionTime!).getTime()).toBe(3 * DAY);
  });

  it('generates Woodgrove’s 150 users with distinct, realistic names', () => {
    const users = customer('22222222-0000-4000-8000-000000000005').users;
    expect(users).toHaveLength(150);
    expect(new Set(users.map((u) => u.userPrincipalName)).size).toBe(150);
    expect(new Set(users.map((u) => u.id)).size).toBe(150);
    expect(users[0]).toEqual(expect.objectContaining({ userPrincipalName: 'james.anderson@woodgrove.example', displayName: 'James Anderson' }));
    expect(users.every((u) => /^[A-Z][a-z]+ [A-Z][a-z]+$/.test(u.displayName))).toBe(true);
  });

  it('has 25 filler customers with real-sounding names, ids ending 1nn, healthy for ada', () => {
    const fillers = world.customers.filter((c) => /-0000000001\d\d$/.test(c.id));
    expect(fillers).toHaveLength(25);
    expect(fillers[0]).toEqual(expect.objectContaining({ id: '22222222-0000-4000-8000-000000000100', companyName: 'Alpine Ski House' }));
    for (const f of fillers) {
      expect(f.relationships[0].status).toBe('active');
      expect(f.domains.filter((d) => d.isDefault)).toHaveLength(1);
    }
    expect(world.customers).toHaveLength(32);
  });

  it('gives every seeded id the same value on every build', () => {
    expect(JSON.stringify(buildWorld(seed, NOW))).toBe(JSON.stringify(world));
  });

  it('builds a fresh copy each time, so a reset undoes changes', () => {
    const a = buildWorld(seed, NOW);
    a.customers[0].users.length = 0;
    expect(buildWorld(seed, NOW).customers[0].users.length).toBeGreaterThan(0);
  });

  it('puts SANDBOX_USER first for the Playground', () => {
    expect(partnerUsersForPlayground('cleo@contoso-partner.example', seed)[0].upn).toBe('cleo@contoso-partner.example');
  });

  it('gives the Playground no more users than its configuration schema accepts (the current one and five others)', () => {
    expect(seed.partnerUsers.length).toBeGreaterThan(1 + PLAYGROUND_MAX_OTHER_USERS);
    for (const u of seed.partnerUsers) {
      const users = partnerUsersForPlayground(u.upn, seed);
      expect(users).toHaveLength(1 + PLAYGROUND_MAX_OTHER_USERS);
      expect(users[0].upn).toBe(u.upn);
    }
  });
});

describe('parsing a seed with zod', () => {
  const raw = () => JSON.parse(readFileSync(DEFAULT_SEED_PATH, 'utf8'));

  it('names the path of a bad value', () => {
    const bad = raw();
    bad.customers[0].id = 'not-a-guid';
    expect(() => parseSeed(bad)).toThrow(/customers\.0\.id/);
  });

  it('refuses more generated users than distinct name combinations', () => {
    const bad = raw();
    bad.customers[4].generatedUsers.count = 151;
    expect(() => parseSeed(bad)).toThrow(/generatedUsers/);
  });

  it('refuses a customer without exactly one default domain', () => {
    const bad = raw();
    bad.customers[0].domains.forEach((d: { isDefault: boolean }) => (d.isDefault = false));
    expect(() => parseSeed(bad)).toThrow(/domains/);
  });
});

describe('the onboarding seed (Fabrikam)', () => {
  const world = buildWorld(loadSeed(), NOW);
  const fabrikam = world.customers.find((c) => c.id === '22222222-0000-4000-8000-000000000001')!;
  const user = (local: string) => fabrikam.users.find((u) => u.userPrincipalName.startsWith(`${local}@`))!;

  it('has a group of every kind, Graph flags to match', () => {
    const flags = Object.fromEntries(fabrikam.groups.map((g) => [g.displayName, [g.groupTypes.join(','), g.mailEnabled, g.securityEnabled, g.isAssignableToRole]]));
    expect(flags).toEqual({
      'All Staff': ['', false, true, false],
      Engineering: ['', false, true, false],
      'Sales Team': ['Unified', true, false, false],
      'Project Phoenix': ['Unified', true, false, false],
      'Finance Approvers': ['', false, true, true],
      'Fabrikam Announcements': ['', true, false, false],
      'Building Access': ['', true, true, false],
    });
    expect(fabrikam.groups.find((g) => g.displayName === 'Sales Team')!.mail).toBe('sales@fabrikam.example');
  });

  it('has at least three users to copy from, with manager, groups and licences; seats counted once', () => {
    const withAll = fabrikam.users.filter((u) => u.managerId && u.licenses.length > 0 && fabrikam.groups.some((g) => g.members.includes(u.id)));
    expect(withAll.length).toBeGreaterThanOrEqual(2);
    expect(user('carol.white').managerId).toBe(user('alice.smith').id);
    expect(user('dave.green').managerId).toBe(user('priya.raman').id);
    for (const sku of fabrikam.skus) expect(fabrikam.users.filter((u) => u.licenses.includes(sku.id)).length).toBeLessThanOrEqual(sku.consumed);
    expect(fabrikam.skus.map((s) => [s.skuPartNumber, s.total - s.consumed, s.licenseGroupId])).toEqual([
      ['O365_BUSINESS_PREMIUM', 47, 'group1'],
      ['EXCHANGESTANDARD', 0, 'group1'],
      ['MEE_FACULTY', 5, 'group2'],
    ]);
    expect(user('kiosk.lobby').usageLocation).toBeUndefined();
  });

  it('refuses a seed whose manager, group or licence names nothing', () => {
    const raw = JSON.parse(readFileSync(DEFAULT_SEED_PATH, 'utf8'));
    raw.customers[0].users[1].manager = 'nobody.here';
    expect(() => buildWorld(parseSeed(raw), NOW)).toThrow(/manager nobody\.here/);
  });
});

