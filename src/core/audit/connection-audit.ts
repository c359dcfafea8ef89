import type { ConnectionRecord } from '../ports';
import { csvCell } from './audit-export';

const COLUMNS = ['connection_id', 'at', 'customer_id', 'customer', 'by_upn', 'by_name', 'outcome', 'error_code', 'upstream_code', 'correlation_id', 'scopes'] as const;

/** The connection audit as CSV, one row per attempt (quoted like the request export). */
export function connectionAuditCsv(records: ConnectionRecord[]): string {
  const rows = records.map((r) =>
    [r.id, r.at, r.customerId, r.customerName, r.by.upn, r.by.name, r.outcome, r.code, r.upstreamCode, r.correlationId, r.scopes.join(' ')].map(csvCell).join(','),
  );
  return [COLUMNS.join(','), ...rows].join('\r\n');
}
