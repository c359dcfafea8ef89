import { dueKeys, type DueItem } from '../approval/due-work';
import type { DueWorkHandlers } from '../approval/due-work-runner';
import type { Actor } from '../approval/request-state';
import type { CardLocation, UserRequest } from '../approval/user-request';
import type { Creation } from '../creation/creation';
import { AppError } from '../errors';
import { generatePassword } from '../new-user/password';
import type { UserCredential } from '../ports';
import { startCreate } from '../use-cases/create-user';
import { approve, type ApprovalPolicy } from '../use-cases/approval';
import { toAppError } from '../errors';
import { keepPassword, passwordDelivered } from '../use-cases/password-lifetime';
import { acceptedRows, type Batch, type BatchRow } from './batch';
import { assertBatchRequester, batchCredentialKey, loadBatch, updateBatch } from './batch-access';
import { expireBatchIfDue } from './batch-approval';
import { BULK_LIMITS } from './bulk-limits';
import type { BulkDeps } from './check-batch';
import { inPool } from './in-pool';
import { rowOutcomes, type RowOutcome } from './row-outcome';

/** One user's first credential in the batch's message: a temporary password, or a Temporary Access Pass (`pass` says when it is valid). */
export interface PasswordLine {
  userPrincipalName: string;
  password: string;
  pass?: { validFrom: string; expiresAt: string; isUsableOnce: boolean };
}

/** How a batch reaches people; implemented by the chat adapter (src/teams/bulk/bulk-delivery.ts). */
export interface BatchPresenter {
  /** The batch card as it stands: progress while running, the outcome when done. Never a password. */
  showBatch(batch: Batch, rows: RowOutcome[]): Promise<void>;
  /** Every password of the batch in one message to the requester alone; where it went, or undefined when it could not be shown. */
  sendPasswords(batch: Batch, lines: PasswordLine[]): Promise<CardLocation | undefined>;
  /** The message at `location` keeps its list of users, without the passwords. */
  hidePasswords(batch: Batch, location: CardLocation): Promise<void>;
}

/**
 * "Create N users" on the checklist: the batch moves `checked → running` with compare-and-swap (a double click
 * starts it once), the requester's identity is kept encrypted for whoever runs the rows (this process, or another
 * after a crash), and the batch's `run-batch` item is scheduled for when this runner's lease would run out.
 */
export async function confirmBatch(deps: BulkDeps, actor: Actor, cred: UserCredential, batchId: string, card?: CardLocation): Promise<{ started: boolean; batch: Batch }> {
  const { value } = await loadBatch(deps, batchId);
  assertBatchRequester(value, actor);
  if (value.state.kind !== 'checked') return { started: false, batch: value };
  if (acceptedRows(value).length === 0) throw new AppError('BULK_NOTHING_TO_CREATE', 'every row of the batch is blocked');
  await deps.credentials.keep(batchCredentialKey(batchId), cred);
  await scheduleRun(deps, batchId, deps.settings.creationLeaseMs);
  const { batch, changed } = await updateBatch(deps, batchId, (current) =>
    current.state.kind !== 'checked' ? undefined : { ...current, card: current.card ?? card, state: { kind: 'running', at: deps.clock.now().toISOString(), by: actor } },
  );
  if (changed) deps.logger.info({ batchId, customerId: batch.customer.id, rows: acceptedRows(batch).length }, 'bulk batch confirmed');
  return { started: changed, batch };
}

/** Cancel on the checklist: only a batch nothing has started for. */
export async function cancelBatch(deps: BulkDeps, actor: Actor, batchId: string): Promise<Batch> {
  const { value } = await loadBatch(deps, batchId);
  assertBatchRequester(value, actor);
  return (await updateBatch(deps, batchId, (current) => (current.state.kind !== 'checked' ? undefined : { ...current, state: { kind: 'cancelled', at: deps.clock.now().toISOString() } }))).batch;
}

async function scheduleRun(deps: BulkDeps, batchId: string, inMs: number): Promise<void> {
  await deps.dueWork.schedule({ key: dueKeys.runBatch(batchId), kind: 'run-batch', requestId: batchId, dueAt: new Date(deps.clock.now().getTime() + inMs).toISOString() });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs confirmed batches: each accepted row becomes an ordinary request (drafted once, with its own MS-RequestId
 * and a generated password in the vault) and is created through the single-user sequence (`startCreate` +
 * `Creation.run`), at most `concurrency` at a time. Exactly once per row comes from the rows' own machinery: the
 * draft is created with put-if-absent, the claim is a compare-and-swap `draft → creating`, and a row that was
 * `creating` when a process died is finished by its own `finish-request` item, never started again here.
 *
 * The batch's `run-batch` item is this runner's lease: renewed while it runs, so it comes due only when the
 * process running the batch has died; whoever claims it then (this process restarted, or another instance)
 * continues with the rows not started. When every row has settled, the passwords go to the requester in one
 * message (hidden later like a single password, the stored copies erased once shown) and the batch is done.
 */
export class BatchRunner {
  private readonly running = new Set<string>();

  constructor(
    private readonly deps: BulkDeps,
    private readonly creation: Creation,
    private readonly presenter: BatchPresenter,
    private readonly opts: { concurrency?: number; progressEveryMs?: number; settleWaitMs?: number; policy?: ApprovalPolicy } = {},
  ) {}

  handlers(): Pick<DueWorkHandlers, 'run-batch' | 'hide-batch-passwords' | 'expire-batch'> {
    return {
      'run-batch': (item) => this.run(item.requestId),
      'hide-batch-passwords': (item) => this.hide(item),
      // The channel card redrawn as expired (no Approve left on it); a batch decided meanwhile is left alone.
      'expire-batch': async (item) => {
        if ((await expireBatchIfDue(this.deps, item.requestId)).changed) await this.show(item.requestId);
      },
    };
  }

  /** Runs (or continues) a batch; a batch this process already runs only has its lease pushed on. */
  async run(batchId: string): Promise<void> {
    const leaseMs = this.deps.settings.creationLeaseMs;
    if (this.running.has(batchId)) return scheduleRun(this.deps, batchId, leaseMs);
    this.running.add(batchId);
    const renewal = setInterval(() => void scheduleRun(this.deps, batchId, leaseMs).catch(() => undefined), Math.max(200, Math.floor(leaseMs / 3)));
    renewal.unref?.();
    try {
      await this.runHeld(batchId);
    } finally {
      clearInterval(renewal);
      this.running.delete(batchId);
    }
  }

  private async runHeld(batchId: string): Promise<void> {
    const { deps } = this;
    let batch = (await loadBatch(deps, batchId)).value;
    if (batch.state.kind !== 'running') {
      // A batch that ended (a process died after marking it done, before erasing) keeps no identity.
      if (['done', 'cancelled', 'rejected', 'expired'].includes(batch.state.kind)) await deps.credentials.erase(batchCredentialKey(batchId));
      await deps.dueWork.cancel(dueKeys.runBatch(batchId));
      return;
    }
    const cred = await deps.credentials.get(batchCredentialKey(batchId));
    const progress = new Throttled(() => this.show(batchId), this.opts.progressEveryMs ?? 2000, deps);
    await inPool(acceptedRows(batch), this.opts.concurrency ?? BULK_LIMITS.concurrency, async (row) => {
      await this.runRow(batch, row, cred);
      progress.poke();
    });
    await progress.flush();
    // Rows a crashed process left `creating` are finished by their own finish items: wait for them a while.
    const until = Date.now() + (this.opts.settleWaitMs ?? 2 * deps.settings.creationLeaseMs);
    let outcomes = await this.outcomes(batch);
    while (outcomes.some((o) => !o.settled) && Date.now() < until) {
      await sleep(500);
      outcomes = await this.outcomes(batch);
    }
    if (outcomes.some((o) => !o.settled)) {
      deps.logger.warn({ batchId, unsettled: outcomes.filter((o) => !o.settled).length }, 'batch rows still running; the batch comes back when its lease runs out');
      return;
    }
    batch = await this.deliverPasswords(batch, outcomes);
    const by = batch.state.kind === 'running' ? batch.state.by : batch.requester;
    batch = (await updateBatch(deps, batchId, (c) => (c.state.kind !== 'running' ? undefined : { ...c, state: { kind: 'done', at: deps.clock.now().toISOString(), by } }))).batch;
    await this.presenter.showBatch(batch, outcomes);
    await deps.credentials.erase(batchCredentialKey(batchId));
    await deps.dueWork.cancel(dueKeys.runBatch(batchId));
    const counts = outcomes.reduce<Record<string, number>>((a, o) => ({ ...a, [o.status]: (a[o.status] ?? 0) + 1 }), {});
    deps.logger.info({ batchId, customerId: batch.customer.id, ...counts }, 'bulk batch done');
  }

  /** One row: its request drafted if it is not yet, then claimed and created; a row already claimed is left to its own machinery. */
  private async runRow(batch: Batch, row: BatchRow & { requestId: string }, cred: UserCredential | undefined): Promise<void> {
    const { deps } = this;
    const request = await this.ensureDraft(batch, row);
    if (batch.mode === 'approval') return this.approveRow(batch, request, cred);
    if (request.state.kind !== 'draft') return;
    if (!cred) {
      // The identity was not kept (it could not be stored): nothing is created in anyone else's name.
      await this.cancelRow(batch, request);
      return;
    }
    for (let attempt = 1; ; attempt++) {
      const outcome = await startCreate(deps, batch.requester, request.id, attempt === 1 ? 'create' : 'retry', cred);
      if (!outcome.started) return;
      await this.creation.run(cred, request.id);
      const after = (await deps.requests.get(request.id))?.value;
      // Throttled past the client's own Retry-After waits: the row waits longer and goes again (same MS-RequestId).
      if (after?.state.kind !== 'failed' || after.state.failure.code !== 'THROTTLED' || attempt >= 3) return;
      deps.logger.warn({ batchId: batch.id, requestId: request.id, attempt }, 'bulk row throttled; waiting before trying again');
      await sleep(5000 * attempt);
    }
  }

  /**
   * A channel batch's row: claimed through the single approval (`approve`: the approver's own uncached checks for
   * this row, then `pending-approval → creating` with compare-and-swap) and created with the approver's identity,
   * the approval's check serving as the final check. A row the approver may not approve fails with that code.
   */
  private async approveRow(batch: Batch, request: UserRequest, cred: UserCredential | undefined): Promise<void> {
    const { deps } = this;
    if (request.state.kind !== 'pending-approval') return;
    const by = batch.state.kind === 'running' || batch.state.kind === 'done' ? batch.state.by : undefined;
    const policy = this.opts.policy;
    try {
      if (!cred || !by || !policy) throw new AppError('CREATION_INTERRUPTED', "the batch has no approver's sign-in to create with");
      const outcome = await approve(deps, cred, by, request.id, policy);
      if (outcome.changed) await this.creation.run(cred, request.id, { checked: outcome.checked });
    } catch (e) {
      const error = toAppError(e);
      deps.logger.warn({ batchId: batch.id, requestId: request.id, code: error.code }, 'a bulk row could not be approved');
      const now = deps.clock.now().toISOString();
      const current = await deps.requests.get(request.id);
      if (!current || current.value.state.kind !== 'pending-approval') return;
      const failed: UserRequest = {
        ...current.value,
        updatedAt: now,
        state: { kind: 'failed', by: by ?? batch.requester, at: now, attempt: 1, failure: { code: error.code, correlationId: current.value.correlationId, retryable: false } },
        history: [...current.value.history, { at: now, event: 'failed', correlationId: current.value.correlationId, detail: error.code }],
      };
      await deps.requests.update(failed, current.etag).catch(() => undefined);
      await deps.vault.erase(request.id);
    }
  }

  /** The row's request, created once (put-if-absent) with its password generated into the vault. */
  private async ensureDraft(batch: Batch, row: BatchRow & { requestId: string }): Promise<UserRequest> {
    const { deps } = this;
    let found = (await deps.requests.get(row.requestId))?.value;
    if (!found) {
      const now = deps.clock.now().toISOString();
      const correlationId = deps.ids.newId();
      const draft: UserRequest = {
        id: row.requestId,
        mode: batch.mode,
        createdAt: now,
        updatedAt: now,
        requester: batch.requester,
        customer: batch.customer,
        user: row.user!,
        ...(row.ticket ? { ticket: row.ticket } : {}),
        ...(row.template ? { template: row.template } : {}),
        ...(row.onboarding ? { onboarding: row.onboarding } : {}),
        msRequestId: deps.ids.newId(),
        correlationId,
        // A channel batch's rows wait for the batch's approver like single approval requests (no expiry of their
        // own: the batch was approved already, and the runner claims them at once).
        state: batch.mode === 'approval' ? { kind: 'pending-approval', submittedAt: now, expiresAt: new Date(deps.clock.now().getTime() + 7 * 86_400_000).toISOString() } : { kind: 'draft' },
        history: [{ at: now, event: 'drafted', actor: { oid: batch.requester.oid, name: batch.requester.name }, correlationId, detail: `bulk batch ${batch.id}, line ${row.line}` }],
      };
      try {
        found = (await deps.requests.create(draft)).value;
      } catch (e) {
        if (!(e instanceof AppError && e.code === 'CONCURRENT_UPDATE')) throw e;
        found = (await deps.requests.get(row.requestId))!.value;
      }
    }
    // A draft is never sent to Partner Center, so a draft whose password was lost (a crash between the two
    // writes) simply gets a new one.
    if ((found.state.kind === 'draft' || found.state.kind === 'pending-approval') && (await deps.vault.get(found.id)) === undefined) await keepPassword(deps, found.id, generatePassword());
    return found;
  }

  private async cancelRow(batch: Batch, request: UserRequest): Promise<void> {
    const { deps } = this;
    const now = deps.clock.now();
    const current = await deps.requests.get(request.id);
    if (!current || current.value.state.kind !== 'draft') return;
    await deps.requests
      .update({ ...current.value, updatedAt: now.toISOString(), state: { kind: 'cancelled', by: batch.requester, at: now.toISOString() }, history: [...current.value.history, { at: now.toISOString(), event: 'cancelled', detail: "the batch lost its creator's sign-in" }] }, current.etag)
      .catch(() => undefined);
    await deps.vault.erase(request.id);
  }

  /**
   * Every created row's password, in one message to the requester. The hide item is stored as soon as the
   * message exists, and the stored copies are erased once it was shown; a message that could not be sent leaves
   * them to their retention end. Recorded on the batch, so a second run does not send them again.
   */
  private async deliverPasswords(batch: Batch, outcomes: RowOutcome[]): Promise<Batch> {
    const { deps } = this;
    if (batch.passwords) return batch;
    const created = outcomes.filter((o) => o.status === 'created' && o.requestId);
    const lines: Array<PasswordLine & { requestId: string }> = [];
    for (const o of created) {
      const password = await deps.vault.get(o.requestId!);
      // A row that got its Temporary Access Pass has the pass in the vault in place of the password (tap-step.ts).
      const pass = password === undefined ? undefined : (await deps.requests.get(o.requestId!))?.value.temporaryAccessPass;
      if (password !== undefined) lines.push({ userPrincipalName: o.userPrincipalName, password, requestId: o.requestId!, ...(pass ? { pass: { validFrom: pass.validFrom, expiresAt: pass.expiresAt, isUsableOnce: pass.isUsableOnce } } : {}) });
    }
    let shown = false;
    if (lines.length > 0) {
      const location = await this.presenter.sendPasswords(batch, lines.map(({ requestId: _id, ...line }) => line));
      if (location) {
        shown = true;
        const dueAt = new Date(deps.clock.now().getTime() + deps.settings.passwordRevealMinutes * 60_000).toISOString();
        await deps.dueWork.schedule({ key: dueKeys.hideBatch(batch.id), kind: 'hide-batch-passwords', requestId: batch.id, dueAt, payload: { location: JSON.stringify(location) } });
      }
    }
    const saved = (await updateBatch(deps, batch.id, (c) => (c.passwords ? undefined : { ...c, passwords: { sentAt: deps.clock.now().toISOString(), count: shown ? lines.length : 0 } }))).batch;
    if (shown) for (const l of lines) await passwordDelivered(deps, l.requestId);
    return saved;
  }

  /** `hide-batch-passwords` due work. */
  async hide(item: DueItem): Promise<void> {
    const { value: batch } = await loadBatch(this.deps, item.requestId);
    const raw = JSON.parse(item.payload?.location ?? 'null') as CardLocation | null;
    if (raw && typeof raw === 'object' && typeof raw.activityId === 'string' && raw.conversation) await this.presenter.hidePasswords(batch, raw);
  }

  private async outcomes(batch: Batch): Promise<RowOutcome[]> {
    const requests = new Map<string, UserRequest>();
    for (const row of acceptedRows(batch)) {
      const r = await this.deps.requests.get(row.requestId);
      if (r) requests.set(r.value.id, r.value);
    }
    return rowOutcomes(batch, requests);
  }

  /** The batch's card redrawn from the stored rows (throttled by the caller). */
  async show(batchId: string): Promise<void> {
    const { value: batch } = await loadBatch(this.deps, batchId);
    await this.presenter.showBatch(batch, await this.outcomes(batch));
  }

  /** What the card of a batch shows now (for a refresh or a click on it). */
  async outcomesOf(batch: Batch): Promise<RowOutcome[]> {
    return this.outcomes(batch);
  }
}

/**
 * The progress card redrawn at most every `everyMs`, however fast rows finish: a 300-row batch must not make 300
 * card updates (Teams throttles a conversation's updates too). A failed redraw is logged; the next one catches up.
 */
class Throttled {
  private last = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly work: () => Promise<void>,
    private readonly everyMs: number,
    private readonly deps: Pick<BulkDeps, 'logger'>,
  ) {}

  poke(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.last + this.everyMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fire();
    }, wait);
    this.timer.unref?.();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private fire(): void {
    this.last = Date.now();
    this.chain = this.chain.then(() => this.work()).catch((e: unknown) => this.deps.logger.warn({ code: (e as { code?: string }).code }, 'could not redraw a batch card'));
  }
}
