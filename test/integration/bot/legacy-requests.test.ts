import type Database from 'better-sqlite3';
import { STORED_REQUEST_VERSION } from '../../../src/core/approval/stored-request';
import type { SqliteStore } from '../../../src/storage/sqlite-store';
import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { errorCodeOf } from '../../support/card-error-code';
import { cardOf } from '../../support/recording-connector';

/**
 * The bot after an upgrade, over HTTP: a channel request whose stored record is in the shape builds before the
 * stored-request schema wrote (no `schemaVersion`, the expiry beside the state) is shown, approved and created
 * like any other, and its next write is the current version. A stored record this build cannot read answers the
 * click with an error card carrying its code (invoke 200), sends nothing to Partner Center, and is logged by id.
 */
describe('requests stored by an older build', () => {
  const bot = new BotHarness({ approvals: { allowSelfApproval: false, expireAfterHours: 24, passwordToApprover: false } });
  let ben: TeamsUser; // raises requests, holds no role
  let cleo: TeamsUser; // approver
  let db: Database.Database;

  beforeAll(async () => {
    await bot.start();
    [ben, cleo] = await Promise.all(['ben', 'cleo'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    for (const u of [ben, cleo]) await bot.signIn(u);
    db = (bot.app.useCases.requests as unknown as { store: SqliteStore }).store.db;
  });
  afterAll(() => bot.stop());

  const raw = (id: string) => JSON.parse((db.prepare('SELECT body FROM requests WHERE id = ?').get(id) as { body: string }).body);
  const rewrite = (id: string, body: object) => db.prepare('UPDATE requests SET body = ? WHERE id = ?').run(JSON.stringify(body), id);
  const createsFor = async (userName: string) =>
    (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /\/users$/.test(r.path) && JSON.stringify(r.body).includes(`${userName}@`));

  async function raise(userName: string, cardId: string): Promise<string> {
    const form = { customerId: FABRIKAM, firstName: 'Grace', lastName: 'Hopper', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true', ticket: 'CHG-7' };
    const card = invokeCard(await bot.executeInChannel(ben, 'submitForm', form, cardId));
    return (card.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')!.data!.requestId!;
  }

  it('an old-shape pending request is shown with its expiry, approved and created once; its next write is the current version', async () => {
    const requestId = await raise('legacy.approve', 'ch-legacy-1');
    // Back to the version-0 shape, as the older build stored it.
    const { schemaVersion, state, ...rest } = raw(requestId);
    expect(schemaVersion).toBe(STORED_REQUEST_VERSION);
    const { expiresAt, ...oldState } = state;
    rewrite(requestId, { ...rest, state: oldState, expiresAt });
    expect(raw(requestId)).not.toHaveProperty('schemaVersion');

    const shown = cardText(invokeCard(await bot.executeInChannel(cleo, 'refreshRequest', { requestId }, 'ch-legacy-1')));
    expect(shown).toContain('Waiting for approval');
    expect(shown).toContain(`Expires ${String(expiresAt).slice(0, 16).replace('T', ' ')} UTC`);

    expect(cardText(invokeCard(await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-legacy-1')))).toContain('approved by');
    await bot.connector.waitFor(() => bot.connector.updates(bot.requestMessage(requestId)).find((u) => cardText(cardOf(u)).includes('Created by')));
    await bot.app.teams.background.drain();
    expect(await createsFor('legacy.approve')).toHaveLength(1);

    const stored = raw(requestId);
    expect(stored.schemaVersion).toBe(STORED_REQUEST_VERSION);
    expect(stored).not.toHaveProperty('expiresAt');
    expect(stored.state.kind).toBe('created');
  });

  it('a record no version describes: the click gets a STORED_REQUEST_INVALID card with status 200, nothing is created, the log names the id only', async () => {
    const requestId = await raise('legacy.damaged', 'ch-legacy-2');
    const body = raw(requestId);
    // An `approved` state: never stored by any build.
    rewrite(requestId, { ...body, state: { kind: 'approved', by: { oid: cleo.aadObjectId, name: 'Cleo' }, at: body.createdAt } });

    const res = await bot.executeInChannel(cleo, 'approve', { requestId }, 'ch-legacy-2');
    expect(res.status).toBe(200);
    expect(errorCodeOf(invokeCard(res))).toBe('STORED_REQUEST_INVALID');
    await bot.app.teams.background.drain();
    expect(await createsFor('legacy.damaged')).toHaveLength(0);

    const reports = bot.logs.parsed().filter((l) => l.msg === 'a stored request could not be read' && l.requestId === requestId);
    expect(reports.length).toBeGreaterThanOrEqual(1);
    expect(reports[0].code).toBe('STORED_REQUEST_INVALID');
    expect(String(reports[0].detail)).toMatch(/state/);
    expect(JSON.stringify(reports)).not.toContain('legacy.damaged');
    expect(JSON.stringify(reports)).not.toContain('Grace');
    // The turn is logged with the code, as every failed turn is.
    expect(bot.logs.parsed().some((l) => l.code === 'STORED_REQUEST_INVALID' && l.msg !== 'a stored request could not be read')).toBe(true);

    // The same request from a newer build: its own code.
    rewrite(requestId, { ...body, schemaVersion: STORED_REQUEST_VERSION + 1 });
    const newer = await bot.executeInChannel(cleo, 'refreshRequest', { requestId }, 'ch-legacy-2');
    expect(newer.status).toBe(200);
    expect(errorCodeOf(invokeCard(newer))).toBe('STORED_REQUEST_TOO_NEW');
  });
});
