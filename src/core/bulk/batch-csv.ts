import { csvCell } from '../audit/audit-export';
import { BULK_COLUMNS } from './bulk-limits';
import type { Batch } from './batch';
import type { RowOutcome } from './row-outcome';

/** The checklist's full report: every row as it was given, with its verdict and problems (codes and words). */
export function batchReportCsv(batch: Batch): string {
  const header = ['line', 'verdict', 'user_principal_name', 'problem_codes', 'problems', ...BULK_COLUMNS];
  const rows = batch.rows.map((r) =>
    [
      String(r.line),
      r.problems.length ? 'left out' : 'ready',
      r.userPrincipalName,
      r.problems.map((p) => p.code).join(' '),
      r.problems.map((p) => `${p.column ? `${p.column}: ` : ''}${p.text}`).join(' | '),
      ...BULK_COLUMNS.map((c) => r.values[c] ?? ''),
    ]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...rows].join('\r\n') + '\r\n';
}

/** The outcome per row: created (with the object id, licences, groups, steps), failed with its code, or left out. Never a password. */
export function batchResultsCsv(rows: RowOutcome[]): string {
  const header = ['line', 'outcome', 'user_principal_name', 'display_name', 'user_object_id', 'licences', 'groups', 'steps', 'error_code', 'request_id'];
  const lines = rows.map((r) => [String(r.line), r.status, r.userPrincipalName, r.displayName, r.userId, r.licences.join('; '), r.groups.join('; '), r.steps, r.code, r.requestId].map(csvCell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
