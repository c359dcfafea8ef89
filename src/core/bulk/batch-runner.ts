import { dueKeys, type DueItem } from '../approval/due-work';
import type { DueWorkHandlers } from '../approval/due-work-runner';
import type { CardLocation, UserRequest } from '../approval/user-request';
import type { Creation } from '../creation/creation';
import type { ApprovalPolicy } from '../use-cases/approval';
import { passwordDelivered } from '../use-cases/password-lifetime';
import { acceptedRows, type Batch } from './batch';
import { batchCredentialKey, loadBatch, updateBatch } from './batch-access';
import { expireBatchIfDue } from './batch-approval';
import { sleep, Throttled } from './batch-pacing';
import { BatchRowRunner } from './batch-row-runner';
import { BULK_LIMITS } from './bulk-limits';
import type { BulkDeps } from './check-batch';
import { scheduleRun } from './confirm-batch';
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
  /** Each row's own sequence (batch-row-runner.ts); it reads the approval policy from this runner's `opts`. */
  private readonly rows: BatchRowRunner;

  constructor(
    private readonly deps: BulkDeps,
    creation: Creation,
    private readonly presenter: BatchPresenter,
    private readonly opts: { concurrency?: number; progressEveryMs?: number; settleWaitMs?: number; policy?: ApprovalPolicy } = {},
  ) {
    this.rows = new BatchRowRunner(deps, creation, opts);
  }

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
      await this.rows.runRow(batch, row, cred);
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
