import type { TurnContext } from 'botbuilder';
import { batchReportCsv, batchResultsCsv } from '../../core/bulk/batch-csv';
import { assertBatchRequester, loadBatch } from '../../core/bulk/batch-access';
import { cancelBatch, confirmBatch, type BatchRunner } from '../../core/bulk/batch-runner';
import { BULK_TEMPLATE_CSV } from '../../core/bulk/bulk-limits';
import { checkBatch, type BulkDeps } from '../../core/bulk/check-batch';
import { AppError, toAppError } from '../../core/errors';
import type { UserCredential } from '../../core/ports';
import { listCustomers } from '../../core/use-cases/customers';
import type { ActionTurn } from '../action-turn';
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
  ) {}

  async inputCard(cred: UserCredential, correlationId: string, opts: { selected?: string; csv?: string; error?: AppError; file?: { id: string; name: string } } = {}): Promise<AdaptiveCardJson> {
    const customers = await listCustomers(this.deps, cred, correlationId);
    const error = opts.error && { code: opts.error.code, detail: opts.error.code.startsWith('BULK_') ? opts.error.message : undefined };
    return this.bulkViews.input(customers.slice(0, this.deps.settings.customerChoiceLimit), { selected: opts.selected, csv: opts.csv, error, file: opts.file });
  }

  /** "Check": a CSV the bot cannot read as a whole comes back on the input card with its code; else the checklist. */
  async check(t: ActionTurn<{ customerId?: string; csv?: string; fileId?: string }>): Promise<AdaptiveCardJson> {
    personalOnly(t.ctx);
    let csv = t.data.csv ?? '';
    const file = t.data.fileId ? await this.files.read(t.data.fileId, SignIn.requireUserKey(t.ctx)) : undefined;
    if (file) csv = file.text;
    try {
      const batch = await checkBatch(this.deps, t.cred, t.actor, { customerId: t.data.customerId ?? '', csv, mode: 'personal' });
      return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
    } catch (e) {
      const error = toAppError(e);
      if (!error.code.startsWith('BULK_') && error.code !== 'CUSTOMER_NOT_FOUND') throw e;
      return this.inputCard(t.cred, t.correlationId, { selected: t.data.customerId, csv: file ? '' : csv, error, file: file && { id: t.data.fileId!, name: file.name } });
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
    const { started, batch } = await confirmBatch(this.deps, t.actor, t.cred, t.data.batchId, t.location);
    if (started) t.afterResponse(() => this.background.run('bulk-batch', { batchId: batch.id }, () => this.runner.run(batch.id)));
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  async cancel(t: ActionTurn<{ batchId: string }>): Promise<AdaptiveCardJson> {
    const batch = await cancelBatch(this.deps, t.actor, t.data.batchId);
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  async current(t: ActionTurn<{ batchId: string }>): Promise<AdaptiveCardJson> {
    const { value: batch } = await loadBatch(this.deps, t.data.batchId);
    assertBatchRequester(batch, t.actor);
    return this.bulkViews.batch(batch, await this.runner.outcomesOf(batch));
  }

  /** The checklist's full report, or the results once done, as a file offer below the card (the card stays). */
  async file(t: ActionTurn<{ batchId: string }>, which: 'report' | 'results'): Promise<AdaptiveCardJson> {
    personalOnly(t.ctx);
    const { value: batch } = await loadBatch(this.deps, t.data.batchId);
    assertBatchRequester(batch, t.actor);
    const outcomes = await this.runner.outcomesOf(batch);
    const text = which === 'report' ? batchReportCsv(batch) : batchResultsCsv(outcomes);
    const day = this.deps.clock.now().toISOString().slice(0, 10);
    const name = `bulk-${which}-${batch.customer.companyName.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'customer'}-${day}.csv`;
    await this.offer(t.ctx, name, text, `${which === 'report' ? 'The check of' : 'The results of'} ${batch.rows.length} rows.`);
    return this.bulkViews.batch(batch, outcomes);
  }

  /** "CSV template": the header line alone, as a file to fill in. */
  async template(t: ActionTurn<{ customerId?: string; csv?: string; fileId?: string }>): Promise<AdaptiveCardJson> {
    personalOnly(t.ctx);
    await this.offer(t.ctx, 'bulk-users-template.csv', BULK_TEMPLATE_CSV, 'The columns of a bulk creation CSV.');
    return this.inputCard(t.cred, t.correlationId, { selected: t.data.customerId, csv: t.data.csv });
  }

  private async offer(ctx: TurnContext, name: string, text: string, summary: string): Promise<void> {
    const consent = await this.offers.offer(SignIn.requireUserKey(ctx), { name, text, description: summary, summary });
    await ctx.sendActivity({ text: `${summary} Accept below to save the CSV file to your OneDrive.`, attachments: [consent] });
  }
}

/** Bulk creation is a 1:1 chat feature in this version (the file offers and the password message need one). */
function personalOnly(ctx: TurnContext): void {
  if (ctx.activity.conversation.conversationType !== 'personal') throw new AppError('PERSONAL_CHAT_ONLY', 'bulk creation outside a 1:1 chat');
}
