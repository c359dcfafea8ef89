import { TurnContext } from 'botbuilder';
import { approveBatch, rejectBatch, submitBatch } from '../../core/bulk/batch-approval';
import type { ApprovalPolicy } from '../../core/use-cases/approval';
import type { CardUpdater } from '../card-updater';
import { scopeOfActivity, scopeOfLocation } from '../request-scope';
import type { Batch } from '../../core/bulk/batch';
import { batchReportCsv, batchResultsCsv } from '../../core/bulk/batch-csv';
import { assertBatchRequester, loadBatch } from '../../core/bulk/batch-access';
import type { BatchRunner } from '../../core/bulk/batch-runner';
import { cancelBatch, confirmBatch } from '../../core/bulk/confirm-batch';
import { BULK_LIMITS, BULK_TEMPLATE_CSV } from '../../core/bulk/bulk-limits';
import { checkBatch, type BulkDeps } from '../../core/bulk/check-batch';
import { AppError, toAppError } from '../../core/errors';
import type { UserCredential } from '../../core/ports';
import { listCustomers } from '../../core/use-cases/customers';
import type { ActionTurn } from '../action-turn';
import { logTurnFailure } from '../turn-failure-log';
import type { BackgroundWork } from '../background';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import type { FileOffers } from '../file-consent';
import { SignIn } from '../sign-in';
import type { BulkViews } from './bulk-views';
import { attachedFile, downloadCsv, type BulkFiles } from './bulk-files';
import type { UploadPolicy } from '../file-consent';

/**
 * What the bulk verbs call (1:1 chat): the input card, Check, Create, Cancel, Refresh, and the three CSV files
 * (the header-only template, the checklist's full report, the results), which go out as file offers like the
 * history export. Every click re-reads the batch and requires its requester.
 */
export class BulkFlow {
  constructor(
    private readonly deps: BulkDeps,
    private readonly views: CardViews,
    private readonly bulkViews: BulkViews,
    private readonly runner: BatchRunner,
    private readonly background: BackgroundWork,
    private readonly offers: FileOffers,
    private readonly files: BulkFiles,
    private readonly downloads: UploadPolicy,
    private readonly updater: CardUpdater,
    private readonly policy: ApprovalPolicy,
  ) {}

  async inputCard(cred: UserCredential, correlationId: string, opts: { selected?: string; csv?: string; error?: AppError; file?: { id: string; name: string } } = {}): Promise<AdaptiveCardJson> {
    const customers = await listCustomers(this.deps, cred, correlationId);
    const error = opts.error && { code: opts.error.code, detail: opts.error.code.startsWith('BULK_') ? opts.error.message : undefined };
    return this.bulkViews.input(customers.slice(0, this.deps.settings.customerChoiceLimit), { selected: opts.selected, csv: opts.csv, error, file: opts.file });
  }

  /**
   * "Check": a CSV the bot cannot read as a whole comes back on the input card with its code; else the checklist.
   * A long batch answers at once with a "Checking…" card, which the checklist replaces when done.
   */
  async check(t: ActionTurn<{ customerId?: string; csv?: string; fileId?: string }>): Promise<AdaptiveCardJson> {
    let csv = t.data.csv ?? '';
    const file = t.data.fileId ? await this.files.read(t.data.fileId, SignIn.requireUserKey(t.ctx)) : undefined;
    if (file) csv = file.text;
    // Read from the turn now: after the answer, the turn's context is gone.
    const mode = isPersonal(t.ctx) ? 'personal' : 'approval';
    const { cred, actor, correlationId, data } = t;
    const run = () => this.checked({ cred, actor, correlationId, customerId: data.customerId, mode }, csv, file && { id: data.fileId!, name: file.name });
    const lines = csv.split('\n').filter((l) => l.trim() !== '').length - 1;
    const location = t.location;
    if (lines <= BULK_LIMITS.checkInlineRows || !location) return run();
    t.afterResponse(() =>
      this.background.run('bulk-check', { rows: lines }, async () => {
        let card: AdaptiveCardJson;
        try {
          card = await run();
        } catch (e) {
          // Logged as a failed turn is: the correlation id on the card finds the cause in the log.
          card = this.views.error(logTurnFailure(this.deps.logger, e, t.correlationId, { turn: 'bulk check', rows: lines }), t.correlationId);
        }
        await this.updater.update(location, card);
      }),
    );
    return this.views.notice({ title: `Checking ${lines} rows…`, text: 'Every row is validated and checked like a single request, before anything is created. This card shows the checklist when it is done.' });
  }

  private async checked(t: Pick<ActionTurn, 'cred' | 'actor' | 'correlationId'> & { customerId?: string; mode: Batch['mode'] }, csv: string, file?: { id: string; name: string }): Promise<AdaptiveCardJson> {
    try {
      const batch = await checkBatch(this.deps, t.cred, t.actor, { customerId: t.customerId ?? '', csv, mode: t.mode });
      return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
    } catch (e) {
      const error = toAppError(e);
      if (!error.code.startsWith('BULK_') && error.code !== 'CUSTOMER_NOT_FOUND') throw e;
      return this.inputCard(t.cred, t.correlationId, { selected: t.customerId, csv: file ? '' : csv, error, file });
    }
  }

  /**
   * A CSV attached to a 1:1 message: downloaded (size-capped, UTF-8 only), kept sealed for an hour, and answered
   * with the bulk card naming the file, where the person chooses the customer and checks it.
   */
  async attached(ctx: TurnContext, cred: UserCredential, correlationId: string): Promise<AdaptiveCardJson> {
    personalOnly(ctx);
    const file = attachedFile(ctx.activity.attachments)!;
    try {
      const text = await downloadCsv(file, this.downloads);
      const id = await this.files.keep(SignIn.requireUserKey(ctx), file.name, text);
      return this.inputCard(cred, correlationId, { file: { id, name: file.name } });
    } catch (e) {
      const error = toAppError(e);
      if (!error.code.startsWith('BULK_')) throw e;
      return this.inputCard(cred, correlationId, { error });
    }
  }

  /** "Create N users": claims the batch once and runs it after the invoke is answered. */
  async confirm(t: ActionTurn<{ batchId: string }>): Promise<AdaptiveCardJson> {
    const { value } = await loadBatch(this.deps, t.data.batchId);
    // A channel batch goes to the approvers as one request.
    if (value.mode === 'approval') {
      const submitted = await submitBatch(this.deps, t.actor, value.id, this.policy, t.location);
      return this.bulkViews.batch(submitted, await this.runner.outcomesOf(submitted));
    }
    const { started, batch } = await confirmBatch(this.deps, t.actor, t.cred, t.data.batchId, t.location);
    if (started) t.afterResponse(() => this.background.run('bulk-batch', { batchId: batch.id }, () => this.runner.run(batch.id)));
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  /** Approve on a channel batch: the approver's checks, then the whole batch runs under the approver's identity. */
  async approve(t: ActionTurn<{ batchId: string }>): Promise<AdaptiveCardJson> {
    await this.visible(t);
    const { started, batch } = await approveBatch(this.deps, t.actor, t.cred, t.data.batchId, this.policy);
    if (started) t.afterResponse(() => this.background.run('bulk-batch', { batchId: batch.id }, () => this.runner.run(batch.id)));
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  async reject(t: ActionTurn<{ batchId: string; reason?: string }>): Promise<AdaptiveCardJson> {
    await this.visible(t);
    const batch = await rejectBatch(this.deps, t.actor, t.cred, t.data.batchId, t.data.reason ?? '', this.policy);
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  async cancel(t: ActionTurn<{ batchId: string }>): Promise<AdaptiveCardJson> {
    const batch = await cancelBatch(this.deps, t.actor, t.data.batchId);
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  async current(t: ActionTurn<{ batchId: string }>): Promise<AdaptiveCardJson> {
    const batch = await this.visible(t);
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  /** The checklist's full report, or the results once done, as a file offer below the card (the card stays). */
  async file(t: ActionTurn<{ batchId: string }>, which: 'report' | 'results'): Promise<AdaptiveCardJson> {
    // A channel batch's report and results are for anyone in that channel (its card shows them too); a personal one's for its requester.
    const batch = await this.visible(t);
    const outcomes = await this.runner.outcomesOf(batch);
    const text = which === 'report' ? batchReportCsv(batch) : batchResultsCsv(outcomes);
    const day = this.deps.clock.now().toISOString().slice(0, 10);
    const name = `bulk-${which}-${batch.customer.companyName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'customer'}-${day}.csv`;
    await this.offer(t.ctx, name, text, `${which === 'report' ? 'The check of' : 'The results of'} ${batch.rows.length} rows.`);
    return this.bulkViews.batch(batch, outcomes);
  }

  /**
   * The batch a click names, if the click may see it: its requester anywhere they click from their 1:1 chat or the
   * batch's own card; anyone in the conversation a channel batch was sent to. Otherwise BATCH_NOT_FOUND, the same
   * answer as an id that names nothing (request-scope.ts does the same for requests).
   */
  private async visible(t: ActionTurn<{ batchId: string }>): Promise<Batch> {
    const { value } = await loadBatch(this.deps, t.data.batchId);
    const here = scopeOfActivity(t.ctx.activity);
    if (value.requester.oid === t.actor.oid && (here.personal || value.mode === 'approval')) return value;
    const home = value.card && scopeOfLocation(value.card);
    if (value.mode === 'approval' && home && !here.personal && home.conversationId !== '' && home.conversationId === here.conversationId) return value;
    throw new AppError('BATCH_NOT_FOUND', `batch ${value.id} is not visible from this conversation`);
  }

  /** "CSV template": the header line alone, as a file to fill in. */
  async template(t: ActionTurn<{ customerId?: string; csv?: string; fileId?: string }>): Promise<AdaptiveCardJson> {
    await this.offer(t.ctx, 'bulk-users-template.csv', BULK_TEMPLATE_CSV, 'The columns of a bulk creation CSV.');
    return this.inputCard(t.cred, t.correlationId, { selected: t.data.customerId, csv: t.data.csv });
  }

  private async offer(ctx: TurnContext, name: string, text: string, summary: string): Promise<void> {
    const consent = await this.offers.offer(SignIn.requireUserKey(ctx), { name, text, description: summary, summary });
    // Teams lets a bot send files only in a 1:1 chat: from a channel, the offer goes to the clicker privately.
    if (isPersonal(ctx)) await ctx.sendActivity({ text: `${summary} Accept below to save the CSV file to your OneDrive.`, attachments: [consent] });
    else await this.updater.sendPrivate(ctx.activity.from.id, { ...TurnContext.getConversationReference(ctx.activity) }, consent);
  }
}

const isPersonal = (ctx: TurnContext) => ctx.activity.conversation.conversationType === 'personal';

/** Bulk creation is a 1:1 chat feature in this version (the file offers and the password message need one). */
function personalOnly(ctx: TurnContext): void {
  if (ctx.activity.conversation.conversationType !== 'personal') throw new AppError('PERSONAL_CHAT_ONLY', 'bulk creation outside a 1:1 chat');
}
