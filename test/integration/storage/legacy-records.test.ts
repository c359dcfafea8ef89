import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { decidersOf, homeConversationOf } from '../../../src/core/approval/request-index';
import { STORED_REQUEST_VERSION } from '../../../src/core/approval/stored-request';
import type { RequestStore, UserRequest } from '../../../src/core/approval/user-request';
import { BlobRequestStore, openContainer } from '../../../src/storage/blob-store';
import { indexBlobs, requestBlob } from '../../../src/storage/blob/names';
import { downloadText, uploadText } from '../../../src/storage/blob/blob-text';
import { MemoryRequestStore } from '../../../src/storage/memory-request-store';
import { SqliteRequestStore, SqliteStore } from '../../../src/storage/sqlite-store';
import { startAzurite, type Azurite } from '../../support/azurite';
import { createdV0, creatingV0, failedV0, hiddenV0, LEGACY_REQUESTS, pendingV0, storedText } from '../../support/legacy-requests';
import { RecordingLogger } from '../../support/recording-logger';
import { codeOf } from './fixtures';

/**
 * Requests stored by a build before the stored-request schema (version 0), written raw into each store's own
 * medium exactly as that build left them (SQLite rows with their listing columns and deciders, blobs with their
 * index entries), then read, listed and updated through the real store code of this build.
 */

/** A marker placed in damaged records: it must never reach a log. */
const PRIVATE = 'Kath-Private-Name-4711';

/** A record no version describes (an `approved` state was never stored) and one from a future build. */
const damaged = { ...structuredClone(pendingV0), id: 'damaged', user: { ...pendingV0.user, displayName: PRIVATE }, state: { kind: 'approved', by: { oid: 'oid-cleo', name: PRIVATE }, at: '2026-03-01T10:01:00.000Z' } };
const fromTheFuture = { ...structuredClone(pendingV0), id: 'future', schemaVersion: STORED_REQUEST_VERSION + 1, steps: [{ step: 'licence', done: true }] };

interface Backend {
  /** A store over a medium that already holds `records` (written raw, as an older build wrote them). */
  open(records: readonly object[], log: RecordingLogger): Promise<{ store: RequestStore; raw(id: string): Promise<string | undefined> }>;
}

const root = mkdtempSync(join(tmpdir(), 'legacy-records-'));
let azurite: Azurite | undefined;
afterAll(async () => {
  await azurite?.stop();
  rmSync(root, { recursive: true, force: true });
});

const asLegacy = (r: object) => r as unknown as UserRequest & { id: string; createdAt: string };

const sqlite: Backend = {
  async open(records, log) {
    const db = new SqliteStore(join(mkdtempSync(join(root, 'db-')), 'bot.db'));
    const insert = db.db.prepare('INSERT INTO requests (id, etag, created_at, customer_id, requester_oid, state_kind, conversation_id, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const decider = db.db.prepare('INSERT INTO request_deciders (request_id, decider_oid, created_at) VALUES (?, ?, ?)');
    for (const record of records) {
      // The columns the old store derived, from fields whose shape did not change.
      const r = asLegacy(record);
      insert.run(r.id, `etag-${r.id}`, r.createdAt, r.customer.id, r.requester.oid, (r.state as { kind: string }).kind, homeConversationOf(r) ?? null, storedText(record));
      for (const oid of decidersOf(r)) decider.run(r.id, oid, r.createdAt);
    }
    const read = db.db.prepare('SELECT body FROM requests WHERE id = ?');
    return { store: new SqliteRequestStore(db, log), raw: async (id) => (read.get(id) as { body: string } | undefined)?.body };
  },
};

const blob: Backend = {
  async open(records, log) {
    azurite ??= await startAzurite();
    const container: ContainerClient = await openContainer(azurite.connectionString, `legacy-${randomBytes(6).toString('hex')}`);
    for (const record of records) {
      // The index entries the old store wrote, named from fields whose shape did not change.
      const r = asLegacy(record);
      await Promise.all(indexBlobs(r).map((name) => uploadText(container, name, '')));
      await uploadText(container, requestBlob(r.id), storedText(record));
    }
    return { store: new BlobRequestStore(container, undefined, log), raw: async (id) => (await downloadText(container, requestBlob(id)))?.text };
  },
};

const memory: Backend = {
  async open(records, log) {
    const store = new MemoryRequestStore({ log, stored: records.map((r) => [asLegacy(r).id, storedText(r)] as [string, string]) });
    // The memory store's map is private: only what a read gives back is checked for it.
    return { store, raw: async () => undefined };
  },
};

describe.each([
  ['sqlite', sqlite],
  ['blob (Azurite)', blob],
  ['memory', memory],
] as const)('%s store: requests stored before schema versions', (name, backend) => {
  jest.setTimeout(60_000);

  it('reads every old-shape request in the current shape: the expiry in pending-approval, the password window in created', async () => {
    const { store } = await backend.open(LEGACY_REQUESTS, new RecordingLogger());
    const pending = (await store.get(pendingV0.id))!.value;
    expect(pending.state).toEqual({ ...pendingV0.state, expiresAt: pendingV0.expiresAt });
    expect(pending).not.toHaveProperty('expiresAt');
    expect(pending.card).toEqual(pendingV0.card);
    expect(pending.checksAtSubmit).toEqual(pendingV0.checksAtSubmit);

    const created = (await store.get(createdV0.id))!.value;
    expect(created.state).toEqual({ ...createdV0.state, passwordRevealUntil: createdV0.passwordRevealUntil });
    expect(created).not.toHaveProperty('expiresAt');
    expect(created).not.toHaveProperty('passwordRevealUntil');
    expect(created.passwordDelivery).toEqual(createdV0.passwordDelivery);
    expect(created.history).toEqual(createdV0.history);

    expect((await store.get(hiddenV0.id))!.value.state).toEqual(hiddenV0.state);
    expect((await store.get(creatingV0.id))!.value.state).toEqual(creatingV0.state);
    expect((await store.get(creatingV0.id))!.value.steps).toEqual(creatingV0.steps);
    expect((await store.get(failedV0.id))!.value.state).toEqual(failedV0.state);
  });

  it('lists them newest first, by customer, by conversation and by decider, and finds the interrupted creation', async () => {
    const { store } = await backend.open(LEGACY_REQUESTS, new RecordingLogger());
    const newestFirst = [failedV0, creatingV0, createdV0, pendingV0, hiddenV0].map((r) => r.id);
    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(newestFirst);
    expect((await store.list({ customerId: 'cust-fabrikam', limit: 2 })).map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
    expect((await store.list({ conversationId: '19:alpha@thread.tacv2', limit: 10 })).map((r) => r.id)).toEqual([createdV0.id, pendingV0.id]);
    expect((await store.list({ deciderOid: 'oid-cleo', limit: 10 })).map((r) => r.id)).toEqual([creatingV0.id, createdV0.id]);
    expect((await store.inState('creating')).map((r) => r.id)).toEqual([creatingV0.id]);
    const [pending] = await store.inState('pending-approval');
    expect(pending.state).toEqual({ ...pendingV0.state, expiresAt: pendingV0.expiresAt });
  });

  it('the next update writes the current version, and what it wrote reads back the same', async () => {
    const { store, raw } = await backend.open(LEGACY_REQUESTS, new RecordingLogger());
    const read = await store.get(createdV0.id);
    const { passwordRevealUntil: _gone, ...hidden } = read!.value.state as Extract<UserRequest['state'], { kind: 'created' }>;
    await store.update({ ...read!.value, state: hidden, updatedAt: '2026-03-01T11:15:01.000Z' }, read!.etag);
    const text = await raw(createdV0.id);
    if (name !== 'memory') {
      const stored = JSON.parse(text!);
      expect(stored.schemaVersion).toBe(STORED_REQUEST_VERSION);
      expect(stored).not.toHaveProperty('expiresAt');
      expect(stored).not.toHaveProperty('passwordRevealUntil');
      expect(stored.state).toEqual(createdV0.state);
    }
    expect((await store.get(createdV0.id))!.value).toEqual({ ...read!.value, state: hidden, updatedAt: '2026-03-01T11:15:01.000Z' });
    // Untouched records stay as the old build wrote them until they are next updated (no bulk rewrite).
    if (name !== 'memory') expect(JSON.parse((await raw(pendingV0.id))!)).toEqual(JSON.parse(storedText(pendingV0)));
  });

  it('an unreadable record: its own read gets a code, listings and recovery go on without it, and the log names it without its content', async () => {
    const log = new RecordingLogger();
    const { store } = await backend.open([...LEGACY_REQUESTS, damaged, fromTheFuture], log);
    expect(await codeOf(store.get('damaged'))).toBe('STORED_REQUEST_INVALID');
    expect(await codeOf(store.get('future'))).toBe('STORED_REQUEST_TOO_NEW');
    expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual([failedV0, creatingV0, createdV0, pendingV0, hiddenV0].map((r) => r.id));
    expect((await store.list({ customerId: 'cust-fabrikam', requesterOid: 'oid-ada', limit: 10 })).map((r) => r.id)).not.toContain('damaged');
    expect((await store.inState('pending-approval')).map((r) => r.id)).toEqual([pendingV0.id]);

    const reports = log.withMessage('a stored request could not be read');
    expect(reports.length).toBeGreaterThanOrEqual(4);
    expect(reports.map((r) => r.level)).toEqual(reports.map(() => 'error'));
    expect(new Set(reports.map((r) => `${r.obj.requestId} ${r.obj.code}`))).toEqual(new Set(['damaged STORED_REQUEST_INVALID', 'future STORED_REQUEST_TOO_NEW']));
    expect(reports.find((r) => r.obj.requestId === 'damaged')!.obj.detail).toMatch(/state/);
    expect(log.text()).not.toContain(PRIVATE);
    expect(log.text()).not.toContain('kath@fabrikam.example');
  });
});
