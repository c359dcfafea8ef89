import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createStores } from '../../../src/storage/create-stores';
import { MIGRATIONS, runMigrations, SQLITE_FILE_NAME, SqliteCiphertextStore, SqliteDueWorkStore, SqliteRequestStore, SqliteStore, type Migration } from '../../../src/storage/sqlite-store';
import { listSql } from '../../../src/storage/sqlite/request-store';
import { request } from './fixtures';
import { describeStoreContract } from './store-contract';

const root = mkdtempSync(join(tmpdir(), 'sqlite-store-'));
const tempDir = () => mkdtempSync(join(root, 'case-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A location is a data folder; every open is its own connection to the one file, like a second process. */
describeStoreContract(
  'sqlite',
  async () => {
    const dataDir = tempDir();
    return { open: () => createStores({ kind: 'sqlite', dataDir }) };
  },
  { durable: true },
);

describe('sqlite store: the file', () => {
  it('creates the data folder on first start and runs in WAL mode', async () => {
    const dataDir = join(tempDir(), 'not', 'yet', 'there');
    const stores = await createStores({ kind: 'sqlite', dataDir });
    await stores.requests.create(request('r1', '2026-01-01T00:00:00.000Z'));
    await stores.close();
    expect(existsSync(join(dataDir, SQLITE_FILE_NAME))).toBe(true);
    const db = new Database(join(dataDir, SQLITE_FILE_NAME), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('a move to creating returns only once the WAL is synced; with durableWithNextSecret the secret stored next makes the one sync for both', async () => {
    const store = new SqliteStore(join(tempDir(), SQLITE_FILE_NAME));
    const requests = new SqliteRequestStore(store);
    const secrets = new SqliteCiphertextStore(store);
    const syncs = jest.spyOn(store, 'syncWal');
    const at = '2026-01-01T00:00:00.000Z';
    const creating = (r: ReturnType<typeof request>) => ({ ...r, state: { kind: 'creating' as const, by: { oid: 'ada', name: 'Ada' }, startedAt: at, attempt: 1 } });
    const first = await requests.create(request('r-sync-1', at));
    const second = await requests.create(request('r-sync-2', at));
    expect(syncs).toHaveBeenCalledTimes(0); // pending approval: a process death keeps it (WAL, NORMAL), no sync asked
    await requests.update(creating(first.value), first.etag);
    expect(syncs).toHaveBeenCalledTimes(1);
    await requests.update(creating(second.value), second.etag, { durableWithNextSecret: true });
    expect(syncs).toHaveBeenCalledTimes(1);
    await secrets.put('credential:r-sync-2', 'sealed-identity');
    expect(syncs).toHaveBeenCalledTimes(2);
    expect((await requests.get('r-sync-2'))?.value.state.kind).toBe('creating');
    store.close();
  });

  it("a secret written as not durable (a personal draft's password) returns without a sync; the next durable write's sync covers it", async () => {
    const file = join(tempDir(), SQLITE_FILE_NAME);
    const store = new SqliteStore(file);
    const secrets = new SqliteCiphertextStore(store);
    const syncs = jest.spyOn(store, 'syncWal');
    await secrets.put('r-draft', 'sealed-password', { durable: false });
    expect(syncs).toHaveBeenCalledTimes(0);
    expect(await secrets.get('r-draft')).toBe('sealed-password');
    await secrets.put('credential:r-draft', 'sealed-identity');
    expect(syncs).toHaveBeenCalledTimes(1);
    store.close();
    // Both are in the file another connection opens.
    const again = new SqliteCiphertextStore(new SqliteStore(file));
    expect([await again.get('r-draft'), await again.get('credential:r-draft')]).toEqual(['sealed-password', 'sealed-identity']);
    again.store.close();
  });

  it('a write that changes only the body and state leaves the listing columns (and their indexes) alone; a move of the conversation or customer, or a version this store did not write, rewrites them', async () => {
    const file = join(tempDir(), SQLITE_FILE_NAME);
    const store = new SqliteStore(file);
    const requests = new SqliteRequestStore(store);
    const sql = jest.spyOn(store, 'statement');
    const updates = () => sql.mock.calls.map(([text]) => text).filter((text) => text.startsWith('UPDATE requests'));
    const row = (id: string) => store.db.prepare('SELECT customer_id, requester_oid, conversation_id, state_kind FROM requests WHERE id = ?').get(id);
    const at = '2026-01-01T00:00:00.000Z';
    const created = await requests.create(request('r-narrow', at));
    const pending = await requests.update({ ...created.value, state: { kind: 'draft' } }, created.etag);
    expect(updates()).toEqual([expect.stringMatching(/^UPDATE requests SET etag = \?, state_kind = \?, body = \? WHERE/)]);
    expect(row('r-narrow')).toEqual({ customer_id: created.value.customer.id, requester_oid: created.value.requester.oid, conversation_id: null, state_kind: 'draft' });
    // The card placed in a channel files the request under that conversation: every column is written.
    const channel = { conversation: { id: '19:team@thread.tacv2;messageid=1', conversationType: 'channel' } };
    const placed = await requests.update({ ...pending.value, card: { activityId: 'a-1', conversation: channel } } as typeof pending.value, pending.etag);
    expect(updates()[1]).toMatch(/^UPDATE requests SET etag = \?, created_at = \?, customer_id = \?/);
    expect(row('r-narrow')).toMatchObject({ conversation_id: '19:team@thread.tacv2', state_kind: 'draft' });
    expect((await requests.list({ conversationId: '19:team@thread.tacv2', limit: 5 })).map((r) => r.id)).toEqual(['r-narrow']);
    const moved = await requests.update({ ...placed.value, customer: { ...placed.value.customer, id: 'cust-moved' } }, placed.etag);
    expect(updates()[2]).toMatch(/customer_id = \?/);
    expect((await requests.list({ customerId: 'cust-moved', limit: 5 })).map((r) => r.id)).toEqual(['r-narrow']);
    // Another connection knows only what it read from disk: its write names every column.
    const other = new SqliteStore(file);
    const theirs = new SqliteRequestStore(other);
    const otherSql = jest.spyOn(other, 'statement');
    const read = (await theirs.get('r-narrow'))!;
    expect(read.etag).toBe(moved.etag);
    await theirs.update({ ...read.value, state: { kind: 'cancelled', by: { oid: 'ada', name: 'Ada' }, at } } as typeof read.value, read.etag);
    expect(otherSql.mock.calls.map(([text]) => text).filter((text) => text.startsWith('UPDATE requests'))).toEqual([expect.stringMatching(/customer_id = \?/)]);
    expect(row('r-narrow')).toEqual({ customer_id: 'cust-moved', requester_oid: created.value.requester.oid, conversation_id: '19:team@thread.tacv2', state_kind: 'cancelled' });
    other.close();
    store.close();
  });

  it('erasing a ciphertext removes its bytes from the database file and the WAL (secure_delete)', async () => {
    const dataDir = tempDir();
    const stores = await createStores({ kind: 'sqlite', dataDir });
    // A recognisable value standing in for a sealed password; the table never sees anything else.
    const secret = `sealed-${'Zq8'.repeat(40)}`;
    await stores.ciphertexts.put('vault:r-erase', secret);
    await stores.requests.create(request('r-keep', '2026-01-01T00:00:00.000Z'));
    const bytes = () => Buffer.concat(readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f))));
    expect(bytes().includes(Buffer.from(secret))).toBe(true);
    await stores.ciphertexts.delete('vault:r-erase');
    expect(await stores.ciphertexts.get('vault:r-erase')).toBeUndefined();
    // Still open (no close-time checkpoint to help): the bytes are gone from every file of the store.
    expect(bytes().includes(Buffer.from(secret))).toBe(false);
    expect(bytes().includes(Buffer.from(secret.slice(0, 60)))).toBe(false);
    await stores.close();
  });

  it('a request read again is served from the last decode only while its eTag holds: a write by another connection is read afresh, and each read is a copy', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const mine = new SqliteRequestStore(new SqliteStore(file));
    const other = new SqliteRequestStore(new SqliteStore(file));
    const created = await mine.create(request('r-cache', '2026-01-01T00:00:00.000Z'));
    const first = await mine.get('r-cache');
    expect(first).toEqual(created);
    first!.value.user.firstName = 'changed by the caller';
    expect((await mine.get('r-cache'))!.value.user.firstName).toBe('Kath');

    // Another process writes the row: the eTag differs, so this store decodes the new text.
    const theirs = (await other.get('r-cache'))!;
    const written = await other.update({ ...theirs.value, user: { ...theirs.value.user, firstName: 'Katherine' } }, theirs.etag);
    const reread = (await mine.get('r-cache'))!;
    expect(reread.etag).toBe(written.etag);
    expect(reread.value.user.firstName).toBe('Katherine');
    await expect(mine.update({ ...reread.value, user: { ...reread.value.user, lastName: 'J.' } }, created.etag)).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    mine.store.close();
    other.store.close();
  });

  it("refiles a request's deciders only when they change or another connection wrote the version being replaced", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const mine = new SqliteRequestStore(new SqliteStore(file));
    const other = new SqliteRequestStore(new SqliteStore(file));
    // Rows this connection inserted, updated or deleted so far (SQLite's own count): one per row touched.
    const touched = () => (mine.store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const decided = (oid: string) => ({ at: '2026-01-02T00:00:00.000Z', event: 'approved', actor: { oid, name: oid } });
    const deciders = (oid: string) => mine.list({ deciderOid: oid, limit: 10 }).then((rs) => rs.map((r) => r.id));

    let n = touched();
    const created = await mine.create(request('r-file', '2026-01-01T00:00:00.000Z'));
    expect(touched() - n).toBe(1); // the row; nobody decided yet
    n = touched();
    const approved = await mine.update({ ...created.value, history: [...created.value.history, decided('cleo')] }, created.etag);
    expect(touched() - n).toBe(2); // the row and cleo's filing
    n = touched();
    const read = (await mine.get('r-file'))!;
    expect(read.etag).toBe(approved.etag);
    const ticketed = await mine.update({ ...read.value, ticket: 'T-1' }, read.etag);
    expect(touched() - n).toBe(1); // the row alone: the deciders are those filed with the version it replaced
    expect(await deciders('cleo')).toEqual(['r-file']);

    // Another connection writes: this one did not file that version, so its next write refiles.
    const theirs = (await other.get('r-file'))!;
    expect(theirs.etag).toBe(ticketed.etag);
    await other.update({ ...theirs.value, ticket: 'T-2' }, theirs.etag);
    n = touched();
    const again = (await mine.get('r-file'))!;
    await mine.update({ ...again.value, ticket: 'T-3' }, again.etag);
    expect(touched() - n).toBe(3); // the row, cleo's filing cleared and filed again
    n = touched();
    const latest = (await mine.get('r-file'))!;
    await mine.update({ ...latest.value, history: [...latest.value.history, decided('erin')] }, latest.etag);
    expect(touched() - n).toBe(4); // a new decider: the row, cleo cleared, cleo and erin filed
    expect(await deciders('cleo')).toEqual(['r-file']);
    expect(await deciders('erin')).toEqual(['r-file']);
    // A lost compare-and-swap touches nothing.
    n = touched();
    await expect(mine.update({ ...latest.value, history: [...latest.value.history, decided('zoe')] }, latest.etag)).rejects.toMatchObject({ code: 'CONCURRENT_UPDATE' });
    expect(touched() - n).toBe(0);
    expect(await deciders('zoe')).toEqual([]);
    mine.store.close();
    other.store.close();
  });

  it('lists the newest requests by walking an index: no table scan, no sort, over 20,000 rows', () => {
    const store = new SqliteStore(join(tempDir(), 'big.db'));
    const insert = store.db.prepare(
      'INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, body) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    store.db.transaction(() => {
      for (let i = 0; i < 20_000; i++) {
        insert.run(`r${i}`, 'e', new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), `c${i % 40}`, `u${i % 25}`, i % 50 ? 'created' : 'pending-approval', '{}');
      }
    })();
    store.db.exec('ANALYZE');

    const plans = [[], ['customer_id = ?'], ['requester_oid = ?'], ['customer_id = ?', 'requester_oid = ?']].map((where) => {
      const args = where.map(() => 'x');
      return (store.db.prepare(`EXPLAIN QUERY PLAN ${listSql(where)}`).all(...args, 50) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
    });
    expect(plans).toEqual([
      'SCAN requests USING INDEX requests_by_time',
      'SEARCH requests USING INDEX requests_by_customer (customer_id=?)',
      'SEARCH requests USING INDEX requests_by_requester (requester_oid=?)',
      'SEARCH requests USING INDEX requests_by_customer_requester (customer_id=? AND requester_oid=?)',
    ]);
    // The scoped history: a conversation's requests (alone, under a customer) and one person's decisions.
    const scoped = [
      listSql(['conversation_id = ?']),
      listSql(['customer_id = ?', 'conversation_id = ?']),
      listSql(['d.decider_oid = ?'], { decider: true }),
    ].map((sql) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...sql.split('?').slice(1).map(() => 'x')) as Array<{ detail: string }>).map((r) => r.detail).join(' | '));
    expect(scoped[0]).toBe('SEARCH requests USING INDEX requests_by_conversation (conversation_id=?)');
    expect(scoped[1]).toBe('SEARCH requests USING INDEX requests_by_customer_conversation (customer_id=? AND conversation_id=?)');
    expect(scoped[2]).toMatch(/^SEARCH d USING (COVERING )?INDEX request_deciders_by_decider \(decider_oid=\?\) \| SEARCH requests USING INDEX sqlite_autoindex_requests_1 \(id=\?\)$/);
    expect(scoped.join(' | ')).not.toMatch(/TEMP B-TREE|SCAN/);
    const inState = (store.db.prepare('EXPLAIN QUERY PLAN SELECT body FROM requests WHERE state_kind = ? ORDER BY created_at, id').all('x') as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join(' | ');
    expect(inState).toMatch(/USING INDEX requests_by_state/);
    store.close();
  });

  it('brings a file of the first release (schema 1) up to date once, keeping and re-ordering its rows', async () => {
    const dataDir = tempDir();
    const file = join(dataDir, SQLITE_FILE_NAME);
    // Exactly what the first release left on disk: schema 1, created_at as callers wrote it.
    const v1 = new SqliteStore(file, MIGRATIONS.slice(0, 1));
    expect(v1.schemaVersion).toBe(1);
    const insertV1 = v1.db.prepare('INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    insertV1.run('b', 'etag-b', '2026-02-01T10:00:00Z', 'c1', 'ada', 'pending-approval', JSON.stringify(request('b', '2026-02-01T10:00:00Z')));
    insertV1.run('a', 'etag-a', '2026-02-01T10:00:00.500Z', 'c1', 'ada', 'pending-approval', JSON.stringify(request('a', '2026-02-01T10:00:00.500Z')));
    v1.db.prepare("INSERT INTO secrets (key, value) VALUES ('a', 'v1.sealed')").run();
    v1.close();

    const stores = await createStores({ kind: 'sqlite', dataDir });
    expect((await stores.requests.list({ limit: 10 })).map((r) => r.id)).toEqual(['a', 'b']);
    expect((await stores.requests.get('b'))?.etag).toBe('etag-b');
    expect(await stores.ciphertexts.get('a')).toBe('v1.sealed');
    await stores.dueWork.schedule({ key: 'k', kind: 'expire-request', requestId: 'a', dueAt: '2026-02-02T00:00:00.000Z' });
    await stores.close();

    const again = new SqliteStore(file);
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
    expect(again.db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: MIGRATIONS.length }]);
    again.close();
  });

  it('schema 3 files the requests already there under their conversation and their deciders', async () => {
    const dataDir = tempDir();
    const v2 = new SqliteStore(join(dataDir, SQLITE_FILE_NAME), MIGRATIONS.slice(0, 2));
    const insert = v2.db.prepare('INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, body) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const inChannel = {
      ...request('ch', '2026-03-01T10:00:00.000Z'),
      card: { conversation: { conversation: { id: '19:team@thread.tacv2;messageid=9', conversationType: 'channel' } }, activityId: 'x' },
      history: [{ at: '2026-03-01T10:05:00.000Z', event: 'approved', actor: { oid: 'cleo', name: 'Cleo' } }],
    };
    insert.run('ch', 'e1', inChannel.createdAt, 'c1', 'ada', 'creating', JSON.stringify(inChannel));
    insert.run('pc', 'e2', '2026-03-02T10:00:00.000Z', 'c1', 'ada', 'draft', JSON.stringify(request('pc', '2026-03-02T10:00:00.000Z')));
    insert.run('junk', 'e3', '2026-03-03T10:00:00.000Z', 'c1', 'ada', 'draft', 'not json');
    v2.close();

    const stores = await createStores({ kind: 'sqlite', dataDir });
    expect((await stores.requests.list({ conversationId: '19:team@thread.tacv2', limit: 10 })).map((r) => r.id)).toEqual(['ch']);
    expect((await stores.requests.list({ deciderOid: 'cleo', limit: 10 })).map((r) => r.id)).toEqual(['ch']);
    expect(await stores.requests.list({ conversationId: '19:team@thread.tacv2;messageid=9', limit: 10 })).toEqual([]);
    await stores.close();
  });

  it('applies each migration once, in order, and a failing one leaves the file as it was', () => {
    const file = join(tempDir(), 'm.db');
    const ran: string[] = [];
    const m = (name: string, sql: string): Migration => (db) => {
      ran.push(name);
      db.exec(sql);
    };
    const first = [m('one', 'CREATE TABLE t (x)'), m('two', 'INSERT INTO t VALUES (2)')];
    new SqliteStore(file, first).close();
    new SqliteStore(file, first).close();
    expect(ran).toEqual(['one', 'two']);

    const broken = [...first, m('three', 'INSERT INTO t VALUES (3)'), m('four', 'INSERT INTO nowhere VALUES (4)')];
    expect(() => new SqliteStore(file, broken)).toThrow(/nowhere/);
    const db = new Database(file);
    expect(db.prepare('SELECT x FROM t').all()).toEqual([{ x: 2 }]);
    expect(runMigrations(db, [...first, m('three', 'INSERT INTO t VALUES (3)')])).toBe(3);
    expect(db.prepare('SELECT x FROM t ORDER BY x').all()).toEqual([{ x: 2 }, { x: 3 }]);
    db.close();
    expect(ran).toEqual(['one', 'two', 'three', 'four', 'three']);
  });

  it('refuses a file written by a newer build instead of guessing at its schema', () => {
    const file = join(tempDir(), 'newer.db');
    new SqliteStore(file).close();
    const db = new Database(file);
    db.prepare('UPDATE schema_version SET version = ?').run(MIGRATIONS.length + 1);
    db.close();
    expect(() => new SqliteStore(file)).toThrow(/newer than this build/);
  });

  it('two processes claiming from one file: each item is claimed exactly once', async () => {
    const file = join(tempDir(), 'shared.db');
    const setup = new SqliteStore(file);
    const due = new SqliteDueWorkStore(setup);
    const keys = Array.from({ length: 300 }, (_, i) => `k${String(i).padStart(3, '0')}`);
    for (const key of keys) await due.schedule({ key, kind: 'hide-password', requestId: key, dueAt: '2026-01-01T00:00:00.000Z' });
    setup.close();

    // Each child loads the code, says it is ready, waits for "go" (so both start together), then claims one item
    // at a time until nothing is left.
    const script = `
      const { SqliteStore, SqliteDueWorkStore } = require(${JSON.stringify(join(__dirname, '../../../src/storage/sqlite-store'))});
      const due = new SqliteDueWorkStore(new SqliteStore(process.argv[1]));
      process.stdout.write('ready\\n');
      process.stdin.once('data', async () => {
        const mine = [];
        for (;;) {
          const got = await due.claimDue(new Date('2026-01-02T00:00:00.000Z'), process.argv[2], 60000, 1);
          if (!got.length) break;
          mine.push(got[0].key);
          // A pause like a real poller's (shorter), so the other process gets the write lock in between.
          await new Promise((r) => setTimeout(r, 1));
        }
        process.stdout.write(JSON.stringify(mine));
        process.exit(0);
      });`;
    const children = ['proc-a', 'proc-b'].map((owner) =>
      // The transpile-only hook with a disk cache (test/support/ts-transpile-cache.js), as the crash tests' bot processes.
      spawn(process.execPath, ['-r', join(__dirname, '../../support/ts-transpile-cache.js'), '-e', script, file, owner], { cwd: join(__dirname, '../../..') }),
    );
    const outputs = children.map((c) => {
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return {
        ready: new Promise<void>((resolve) => c.stdout.on('data', () => out.startsWith('ready') && resolve())),
        done: new Promise<string>((resolve, reject) => c.once('exit', (code) => (code === 0 ? resolve(out.slice('ready\n'.length)) : reject(new Error(`child exited ${code}`))))),
      };
    });
    await Promise.all(outputs.map((o) => o.ready));
    children.forEach((c) => c.stdin.write('go\n'));
    const [a, b] = await Promise.all(outputs.map((o) => o.done));
    const claimedA = JSON.parse(a) as string[];
    const claimedB = JSON.parse(b) as string[];
    expect([...claimedA, ...claimedB].sort()).toEqual(keys);
    expect(claimedA.filter((k) => claimedB.includes(k))).toEqual([]);
    // Both really raced (neither finished before the other started).
    expect(claimedA.length).toBeGreaterThan(10);
    expect(claimedB.length).toBeGreaterThan(10);
  });
});
