import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { templateChanges, type TemplateAuditEntry, type UserTemplate } from '../../../src/core/templates/user-template';
import { createStores, type Stores } from '../../../src/storage/create-stores';
import { MIGRATIONS, runMigrations, SQLITE_FILE_NAME } from '../../../src/storage/sqlite-store';
import { startAzurite, type Azurite } from '../../support/azurite';
import { codeOf } from './fixtures';

jest.setTimeout(60_000);

const FABRIKAM = '22222222-0000-4000-8000-000000000001';
const NORTHWIND = '22222222-0000-4000-8000-000000000002';
const by = { oid: 'ada', name: 'Ada' };

function template(n: number, scope: UserTemplate['scope'], name = `T${n}`): UserTemplate {
  return {
    id: `66666666-0000-4000-8000-${String(n).padStart(12, '0')}`,
    name,
    scope,
    userNameFormat: '{first}.{last}',
    domain: '',
    usageLocation: 'US',
    licences: [],
    groups: [],
    jobTitle: '',
    department: '',
    officeLocation: '',
    companyName: '',
    forceChangePassword: true,
    ticketRequired: false,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    createdBy: by,
    updatedBy: by,
  };
}

let seq = 0;
function audit(action: TemplateAuditEntry['action'], before: UserTemplate | undefined, after: UserTemplate | undefined): TemplateAuditEntry {
  const t = (after ?? before)!;
  seq++;
  return { id: `audit-${seq}`, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString(), templateId: t.id, templateName: t.name, action, by: { oid: 'ada', upn: 'ada@partner.example', name: 'Ada' }, changes: templateChanges(before, after), correlationId: `corr-${seq}` };
}

const fabrikam = { kind: 'customer' as const, customerId: FABRIKAM, customerName: 'Fabrikam, Inc.' };
const northwind = { kind: 'customer' as const, customerId: NORTHWIND, customerName: 'Northwind Traders' };

/** The template store contract every backend keeps. `open` opens stores on one location (twice = two instances). */
function describeTemplateContract(name: string, location: () => Promise<{ open: () => Promise<Stores> }>, durable: boolean) {
  describe(`${name}: template store`, () => {
    const opened: Stores[] = [];
    const open = async (loc: { open: () => Promise<Stores> }) => {
      const s = await loc.open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('lists a customer\'s templates with the partner-wide ones (customer ones first, by name), or all', async () => {
      const { templates } = await open(await location());
      await templates.create(template(1, { kind: 'partner' }, 'Default'), audit('created', undefined, template(1, { kind: 'partner' }, 'Default')));
      await templates.create(template(2, fabrikam, 'Sales'), audit('created', undefined, template(2, fabrikam, 'Sales')));
      await templates.create(template(3, fabrikam, 'Interns'), audit('created', undefined, template(3, fabrikam, 'Interns')));
      await templates.create(template(4, northwind, 'Warehouse'), audit('created', undefined, template(4, northwind, 'Warehouse')));
      expect((await templates.list({ customerId: FABRIKAM })).map((t) => t.name)).toEqual(['Interns', 'Sales', 'Default']);
      expect((await templates.list({ customerId: NORTHWIND.toUpperCase() })).map((t) => t.name)).toEqual(['Warehouse', 'Default']);
      expect((await templates.list()).map((t) => t.name)).toEqual(['Interns', 'Sales', 'Warehouse', 'Default']);
    });

    it('compare-and-swap on edit and delete; a lost write leaves no audit entry; every landed change has one', async () => {
      const loc = await location();
      const a = await open(loc);
      const b = await open(loc);
      const t = template(1, fabrikam);
      const created = await a.templates.create(t, audit('created', undefined, t));
      // Another template under the same id (the Blob store takes the very same bytes for its own retried write).
      const twin = { ...t, name: 'Twin' };
      expect(await codeOf(a.templates.create(twin, audit('created', undefined, twin)))).toBe('CONCURRENT_UPDATE');

      const edited = { ...t, department: 'Sales' };
      const results = await Promise.allSettled([
        a.templates.update(edited, created.etag, audit('updated', t, edited)),
        b.templates.update({ ...t, department: 'Legal' }, created.etag, audit('updated', t, { ...t, department: 'Legal' })),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason.code).toBe('CONCURRENT_UPDATE');
      const current = (await b.templates.get(t.id))!;
      expect(['Sales', 'Legal']).toContain(current.value.department);

      expect(await codeOf(a.templates.delete(t.id, created.etag, audit('deleted', current.value, undefined)))).toBe('CONCURRENT_UPDATE');
      await a.templates.delete(t.id, current.etag, audit('deleted', current.value, undefined));
      expect(await a.templates.get(t.id)).toBeUndefined();
      expect(await codeOf(a.templates.update(t, current.etag, audit('updated', t, t)))).toBe('TEMPLATE_NOT_FOUND');
      expect(await codeOf(a.templates.delete(t.id, current.etag, audit('deleted', t, undefined)))).toBe('TEMPLATE_NOT_FOUND');

      const log = await b.templates.auditLog(10);
      expect(log.map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
      expect(log[1].changes).toEqual([{ field: 'department', from: '', to: current.value.department }]);
      expect(log[0]).toMatchObject({ templateId: t.id, by: { upn: 'ada@partner.example' } });
      expect((await b.templates.auditLog(1)).map((e) => e.action)).toEqual(['deleted']);
    });

    it('hands out copies', async () => {
      const { templates } = await open(await location());
      const t = template(1, fabrikam);
      await templates.create(t, audit('created', undefined, t));
      t.name = 'changed after writing';
      const read = (await templates.get(t.id))!.value;
      read.name = 'changed after reading';
      expect((await templates.get(t.id))!.value.name).toBe('T1');
      const listed = await templates.list({ customerId: FABRIKAM });
      listed[0].name = 'changed after listing';
      expect((await templates.list({ customerId: FABRIKAM })).map((x) => x.name)).toEqual(['T1']);
    });

    it("reads another instance's edit as soon as it landed, however often it read the template before", async () => {
      const loc = await location();
      const a = await open(loc);
      const b = await open(loc);
      const t = template(1, fabrikam);
      const created = await a.templates.create(t, audit('created', undefined, t));
      for (let i = 0; i < 3; i++) expect((await a.templates.list({ customerId: FABRIKAM }))[0].department).toBe('');
      expect((await a.templates.get(t.id))!.value.department).toBe('');
      const edited = { ...t, department: 'Legal' };
      await b.templates.update(edited, created.etag, audit('updated', t, edited));
      expect((await a.templates.list({ customerId: FABRIKAM }))[0].department).toBe('Legal');
      expect((await a.templates.get(t.id))!.value.department).toBe('Legal');
    });

    if (durable) {
      it('survives a restart: templates and their audit', async () => {
        const loc = await location();
        const first = await open(loc);
        const t = template(1, { kind: 'partner' });
        await first.templates.create(t, audit('created', undefined, t));
        await first.close();
        const again = await open(loc);
        expect((await again.templates.list()).map((x) => x.id)).toEqual([t.id]);
        expect((await again.templates.auditLog(5)).map((e) => e.templateId)).toEqual([t.id]);
      });
    }
  });
}

describeTemplateContract(
  'memory',
  async () => {
    const stores = await createStores({ kind: 'memory' });
    return { open: async () => stores };
  },
  false,
);

const root = mkdtempSync(join(tmpdir(), 'template-stores-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
describeTemplateContract(
  'sqlite',
  async () => {
    const dataDir = mkdtempSync(join(root, 'case-'));
    return { open: () => createStores({ kind: 'sqlite', dataDir }) };
  },
  true,
);

describe('sqlite: the template tables come with a migration', () => {
  it('a file at schema version 3 gets the templates tables on open, its requests untouched', async () => {
    const dataDir = mkdtempSync(join(root, 'migrate-'));
    const old = new Database(join(dataDir, SQLITE_FILE_NAME));
    runMigrations(old, MIGRATIONS.slice(0, 3));
    old.prepare("INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, body) VALUES ('r1', 'e', '2026-01-01T00:00:00.000Z', 'c1', 'ada', 'draft', '{}')").run();
    old.close();
    const stores = await createStores({ kind: 'sqlite', dataDir });
    const t = template(1, fabrikam);
    await stores.templates.create(t, audit('created', undefined, t));
    await stores.close();
    const db = new Database(join(dataDir, SQLITE_FILE_NAME));
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number }).v).toBe(MIGRATIONS.length);
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(4);
    expect(db.prepare('SELECT id FROM requests').all()).toEqual([{ id: 'r1' }]);
    expect(db.prepare('SELECT id, customer_id FROM templates').all()).toEqual([{ id: t.id, customer_id: FABRIKAM }]);
    expect((db.prepare('SELECT template_id FROM template_audit').all() as Array<{ template_id: string }>).map((r) => r.template_id)).toEqual([t.id]);
    db.close();
  });
});

let azurite: Azurite | undefined;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});
describeTemplateContract(
  'blob',
  async () => {
    const container = `tpl-${randomBytes(6).toString('hex')}`;
    return { open: () => createStores({ kind: 'blob', connectionString: azurite!.connectionString, container }) };
  },
  true,
);
