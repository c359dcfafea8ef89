import type { Actor } from '../approval/request-state';
import { AppError } from '../errors';
import type { SkuAvailability, UserCredential } from '../ports';
import type { UseCaseDeps } from '../use-cases/deps';
import { acceptedRows, type Batch, type BatchRow } from './batch';
import type { BatchStore } from './batch';
import { BULK_LIMITS } from './bulk-limits';
import { readBulkCsv } from './bulk-rows';
import { inPool } from './in-pool';
import { NameResolver } from './name-resolver';
import { readRow } from './read-row';
import { sharedReads } from './shared-reads';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface BulkDeps extends UseCaseDeps {
  batches: BatchStore;
}

/**
 * "Check" on the bulk card: every row of the CSV is validated with the single form's rules, its names (template,
 * licences, groups, manager) resolved, and pre-flighted with the single request's checks under the requester's
 * identity, all before anything is created. Reads that are the same for every row are made once (shared-reads.ts),
 * and licence seats are counted across the rows (22 free seats and 23 rows asking: the 23rd is blocked). The batch
 * is stored `checked`; nothing per row is stored until the person confirms. A CSV that cannot be read as a whole
 * throws its code (BULK_*); a row that cannot be used carries its problems and is left out.
 */
export async function checkBatch(deps: BulkDeps, cred: UserCredential, actor: Actor, input: { customerId: string; csv: string; mode: Batch['mode'] }): Promise<Batch> {
  const customerId = input.customerId.trim().toLowerCase();
  if (!GUID.test(customerId)) throw new AppError('CUSTOMER_NOT_FOUND', 'no customer chosen for the batch');
  const csvRows = readBulkCsv(input.csv);
  const correlationId = deps.ids.newId();
  const opts = { correlationId };
  const shared = sharedReads(deps);
  const pcToken = (await deps.tokens.partnerCenter(cred)).token;
  const customerRead = shared.partnerCenter.getCustomer(pcToken, customerId, opts);
  const customer = await customerRead;
  const templates = await deps.templates.list({ customerId });
  const resolve = new NameResolver(deps, shared, cred, customerId, correlationId);

  const rows: BatchRow[] = [];
  for (const csvRow of csvRows) rows.push(await readRow(deps, resolve, templates, customer.defaultDomain, customerId, csvRow));
  markDuplicates(rows);

  // The single request's pre-flight, per row still clean, a few at a time over the shared reads.
  await inPool(
    rows.filter((r) => r.problems.length === 0),
    BULK_LIMITS.concurrency,
    async (row) => {
      const { checklist } = await shared.preflight.run({ cred, customerId, customer: customerRead, user: row.user!, useCache: true, correlationId, onboarding: row.onboarding });
      // A channel batch is created by its approver: the requester's own roles and MFA do not decide a row (the
      // approver's are checked, uncached, when they approve each row).
      const forApproval = (c: { id: string; code?: string }) => input.mode === 'approval' && (c.id === 'gdap-role' || c.id === 'mfa' || c.code === 'GDAP_ROLE_MISSING');
      for (const c of checklist.checks.filter((x) => x.status === 'blocked' && !forApproval(x))) row.problems.push({ code: c.code ?? 'INTERNAL', column: c.id, text: c.text });
    },
  );
  await countSeats(rows, () => resolve.skus());

  const now = deps.clock.now().toISOString();
  for (const row of rows) {
    if (row.problems.length === 0) row.requestId = deps.ids.newId();
    else delete row.user;
  }
  const batch: Batch = {
    id: deps.ids.newId(),
    mode: input.mode,
    createdAt: now,
    updatedAt: now,
    requester: actor,
    customer: { id: customer.id, companyName: customer.companyName, defaultDomain: customer.defaultDomain },
    correlationId,
    state: { kind: 'checked', at: now },
    rows,
  };
  const stored = (await deps.batches.create(batch)).value;
  deps.logger.info({ batchId: batch.id, customerId, correlationId, rows: rows.length, accepted: acceptedRows(batch).length }, 'bulk batch checked');
  return stored;
}

/** Every row whose user name another row also asks for is left out: which one was meant is the person's call. */
function markDuplicates(rows: BatchRow[]): void {
  const lines = new Map<string, number[]>();
  for (const r of rows) if (r.userPrincipalName) lines.set(r.userPrincipalName, [...(lines.get(r.userPrincipalName) ?? []), r.line]);
  for (const r of rows) {
    const same = lines.get(r.userPrincipalName) ?? [];
    if (same.length > 1) r.problems.push({ code: 'BULK_DUPLICATE_USER', column: 'userName', text: `${r.userPrincipalName} is also on line ${same.filter((l) => l !== r.line).join(', ')}.` });
  }
}

/**
 * Seats are counted across the batch, in file order: each row's own check saw the free seats before any row of
 * this batch took one, so rows beyond the free seats of a licence are left out here with NO_FREE_SEAT.
 */
async function countSeats(rows: BatchRow[], skus: () => Promise<SkuAvailability[] | AppError>): Promise<void> {
  const asking = rows.filter((r) => r.problems.length === 0 && r.onboarding?.licences.length && !r.onboarding.leaveOut?.includes('licences'));
  if (asking.length === 0) return;
  const list = await skus();
  if (list instanceof AppError) return;
  const free = new Map(list.map((s) => [s.skuId.toLowerCase(), s.availableUnits]));
  for (const row of asking) {
    const ids = row.onboarding!.licences.map((l) => l.skuId.toLowerCase());
    const short = ids.find((id) => (free.get(id) ?? 0) < 1);
    if (short) {
      const name = row.onboarding!.licences.find((l) => l.skuId.toLowerCase() === short)?.name ?? short;
      row.problems.push({ code: 'NO_FREE_SEAT', column: 'licences', text: `No free seat of ${name} left for this row: the rows above it take the last ones.` });
      continue;
    }
    for (const id of ids) free.set(id, free.get(id)! - 1);
  }
}
