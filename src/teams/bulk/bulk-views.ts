import { acceptedRows, type Batch } from '../../core/bulk/batch';
import type { PasswordLine } from '../../core/bulk/batch-runner';
import { BULK_COLUMNS, BULK_LIMITS, REQUIRED_COLUMNS } from '../../core/bulk/bulk-limits';
import { countOutcomes, type RowOutcome } from '../../core/bulk/row-outcome';
import type { ErrorCode } from '../../core/errors';
import type { CustomerChoice } from '../../core/use-cases/customers';
import { cleanText, markdownText as md, TEXT_LIMITS, upnText } from '../../core/text/people-text';
import type { AdaptiveCardJson } from '../cards/card-templates';
import type { CardViews } from '../cards/views';
import { errorText } from '../error-text';

const STATUS_WORDS: Record<RowOutcome['status'], string> = {
  'left-out': 'left out',
  waiting: 'waiting',
  creating: 'creating…',
  created: 'created',
  failed: 'failed',
  cancelled: 'not started',
};

/**
 * Template data for the bulk cards: the input card, the batch card (checklist, progress, outcome: one template,
 * its state decides what shows) and the passwords message. Every row value was typed by someone: shown through
 * `md`. Each row's element id is `row.<line>.<status>.<CODE>` (never shown), for tests and tools.
 */
export class BulkViews {
  constructor(private readonly views: CardViews) {}

  input(choices: CustomerChoice[], opts: { selected?: string; csv?: string; error?: { code: ErrorCode; detail?: string }; file?: { id: string; name: string } } = {}): AdaptiveCardJson {
    const shown = choices.map((c) => ({ ...c, name: cleanText(c.name, TEXT_LIMITS.name), domain: cleanText(c.domain, TEXT_LIMITS.name) }));
    const optional = BULK_COLUMNS.filter((c) => !REQUIRED_COLUMNS.includes(c));
    const err = opts.error && errorText(opts.error.code);
    return this.views.render('bulk-input', {
      intro: `Paste up to ${BULK_LIMITS.maxRows} users as CSV below, or attach a CSV file (UTF-8, at most ${BULK_LIMITS.maxBytes / 1024} KB) in this chat. Every row is checked before anything is created; you confirm, then they are created in the background.`,
      columns: `Required columns: ${REQUIRED_COLUMNS.join(', ')}. Optional: ${optional.join(', ')}. Licences and groups are names separated by ";"; the manager is a user name; a template (by name) fills what a row leaves empty.`,
      choices: shown,
      selected: opts.selected ?? '',
      // A long paste is not echoed back: a card over Teams' size limit would not be shown at all.
      csv: (opts.csv ?? '').length > 20_000 ? '' : (opts.csv ?? ''),
      fileId: opts.file?.id ?? '',
      fileNote: opts.file ? `File: ${md(opts.file.name, TEXT_LIMITS.name)}. Choose the customer, then Check.` : '',
      error: err ? `${err.title}: ${err.text}${opts.error?.detail ? ` (${md(opts.error.detail, 300)})` : ''} ${err.todo}` : '',
      errorId: opts.error ? `error.${opts.error.code}` : 'error',
    });
  }

  batch(batch: Batch, rows: RowOutcome[]): AdaptiveCardJson {
    const state = batch.state.kind;
    const ready = acceptedRows(batch).length;
    const leftOut = batch.rows.length - ready;
    const counts = countOutcomes(rows);
    const company = md(batch.customer.companyName, TEXT_LIMITS.name);
    const requester = md(batch.requester.name, TEXT_LIMITS.name);
    const title =
      state === 'pending-approval'
        ? `${requester} asks to create ${ready} users in ${company}`
        : state === 'rejected'
          ? `Bulk creation for ${company}: rejected`
          : state === 'expired'
            ? `Bulk creation for ${company}: expired`
          : state === 'checked' ? `Bulk creation for ${company}: check` : state === 'running' ? `Creating ${ready} users in ${company}…` : state === 'done' ? `Bulk creation for ${company}: done` : 'Bulk creation cancelled';
    const summary =
      state === 'checked'
        ? ready > 0
          ? `${ready} of ${batch.rows.length} rows are ready. ${leftOut ? `${leftOut === 1 ? '1 row has a problem and will be' : `${leftOut} rows have problems and will be`} left out (listed first below; the full report is in the CSV).` : 'No row has a problem.'} Nothing is created until you confirm.`
          : `None of the ${batch.rows.length} rows can be created: ${errorText('BULK_NOTHING_TO_CREATE').todo}`
        : state === 'pending-approval'
          ? `One approval for the whole batch: an approver's Approve creates the ${ready} ready rows with the approver's own sign-in (each row checked again under it); the ${leftOut} rows with problems are left out.`
          : state === 'rejected' && batch.state.kind === 'rejected'
            ? `${md(batch.state.by.name, TEXT_LIMITS.name)} rejected the batch: "${md(batch.state.reason, TEXT_LIMITS.reason)}". Nothing was created.`
            : state === 'expired'
              ? `Nobody approved or rejected the batch in time, so it expired. Nothing was created; ${requester} can check the CSV again and send a new batch.`
        : state === 'running'
          ? `${counts.created + counts.failed} of ${ready} done so far. This card updates as rows finish.`
          : state === 'done'
            ? `${counts.created} created, ${counts.failed} failed, ${counts['left-out']} left out.${batch.passwords?.count ? ` The ${batch.passwords.count} temporary passwords went to ${batch.mode === 'approval' ? `${requester} privately` : 'you'} in one message, removed after a while.` : ''}`
            : 'Nothing was created.';
    // Problems first: on the checklist the rows left out are what the person must read.
    const ordered = [...rows].sort((a, b) => rank(a) - rank(b) || a.line - b.line);
    const shown = ordered.slice(0, BULK_LIMITS.rowsOnCard);
    const problemsOf = new Map(batch.rows.map((r) => [r.line, r.problems]));
    return this.views.render('bulk-batch', {
      id: batch.id,
      state,
      title,
      color: state === 'done' && counts.failed === 0 ? 'Good' : state === 'cancelled' ? 'Attention' : 'Default',
      summary,
      facts: [
        { title: 'Customer', value: company },
        { title: 'Rows', value: String(batch.rows.length) },
        { title: 'Ready', value: String(ready) },
        { title: 'Left out', value: String(leftOut) },
        ...(state === 'checked' || state === 'pending-approval' || state === 'rejected' || state === 'expired' ? [] : [{ title: 'Created', value: String(counts.created) }, { title: 'Failed', value: String(counts.failed) }]),
      ],
      rowsNote: rows.length > shown.length ? `The first ${shown.length} of ${rows.length} rows; ${state === 'done' ? 'the results CSV' : 'the CSV report'} has them all.` : '',
      rows: shown.map((r) => {
        const problems = problemsOf.get(r.line) ?? [];
        const words = r.status === 'left-out' ? problems.map((p) => `${p.column ? `${p.column}: ` : ''}${md(p.text, 300)}`).join(' · ') : r.code ? errorText(r.code).title : r.steps ? md(r.steps, 300) : '';
        const before = state === 'checked' || state === 'pending-approval' || state === 'rejected' || state === 'expired';
        return {
          elementId: `row.${r.line}.${r.status}.${r.code ?? ''}`,
          text: `Line ${r.line}: ${upnText(r.userPrincipalName || '(no user name)')} — ${before ? (r.status === 'left-out' ? 'left out' : 'ready') : STATUS_WORDS[r.status]}`,
          color: r.status === 'left-out' || r.status === 'failed' ? 'Attention' : r.status === 'created' ? 'Good' : 'Default',
          detail: words,
        };
      }),
      canConfirm: state === 'checked' && ready > 0,
      confirmTitle: batch.mode === 'approval' ? `Send ${ready} users for approval` : `Create ${ready} users`,
    });
  }

  passwords(batch: Batch, lines?: PasswordLine[], users: string[] = []): AdaptiveCardJson {
    const company = md(batch.customer.companyName, TEXT_LIMITS.name);
    const passes = (lines ?? []).filter((l) => l.pass).length;
    // A Temporary Access Pass line says so, and until when: a third field, so the first two stay "user,secret".
    const line = (l: PasswordLine) => `${l.userPrincipalName},${l.password}${l.pass ? `,Temporary Access Pass${l.pass.isUsableOnce ? ' (one-time)' : ''} valid ${l.pass.validFrom.slice(0, 16).replace('T', ' ')} to ${l.pass.expiresAt.slice(0, 16).replace('T', ' ')} UTC` : ''}`;
    return this.views.render('bulk-passwords', {
      shown: lines ? 'shown' : 'hidden',
      title: lines ? `Temporary passwords: ${lines.length} new users in ${company}${batch.mode === 'approval' && batch.state.kind !== 'checked' && 'by' in batch.state ? ` (approved by ${md(batch.state.by.name, TEXT_LIMITS.name)})` : ''}` : `Temporary passwords removed (${company})`,
      text: lines
        ? `Only you can see this message. Hand each password to its user; each must change it at first sign-in.${passes ? ` ${passes} users got a Temporary Access Pass instead (marked on their line): they sign in with it and set up their own sign-in methods.` : ''} The passwords are removed from this message after a while and are not kept anywhere.`
        : 'The passwords were removed from this message. A user who lost theirs gets a new one by a password reset.',
      lines: (lines ?? []).map(line).join('\n'),
      users: users.map(upnText).join(', '),
    });
  }
}

function rank(r: RowOutcome): number {
  return r.status === 'left-out' ? 0 : r.status === 'failed' ? 1 : r.status === 'cancelled' ? 2 : 3;
}
