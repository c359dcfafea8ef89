import type { UserRequest } from '../approval/user-request';
import { stepsSummary } from '../onboarding/step-outcome';

/** Who decided (approved, rejected, cancelled, created) a request, for lists and exports. */
export function decidedBy(request: UserRequest): string | undefined {
  const s = request.state;
  return 'by' in s ? s.by.name : undefined;
}

const CSV_COLUMNS = ['request_id', 'created_at', 'state', 'customer_id', 'customer', 'user_principal_name', 'display_name', 'requester', 'decided_by', 'ticket', 'correlation_id', 'error_code', 'partner_center_code', 'user_object_id', 'onboarding_steps', 'events'] as const;

/**
 * RFC 4180 quoting; a leading = + - @ is neutralised so a spreadsheet never runs a cell as a formula. So is one
 * right after a ";" (spaces or quotes between): Excel in locales whose list separator is ";" (German, French,
 * Dutch…) opens a comma CSV by splitting every line at ";", quotes or not, so a display name, ticket, reason or
 * company name like `x;=HYPERLINK(…)` would start a cell of its own there.
 */
export function csvCell(value: string | undefined): string {
  let v = value ?? '';
  if (/^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  v = v.replace(/;([\s"]*)(?=[=+\-@])/g, ";$1'");
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The audit trail as CSV: one row per request, its history folded into the last column. Never a password. */
export function auditCsv(requests: UserRequest[]): string {
  const rows = requests.map((r) => {
    const s = r.state;
    return [
      r.id,
      r.createdAt,
      s.kind,
      r.customer.id,
      r.customer.companyName,
      r.user.userPrincipalName,
      r.user.displayName,
      r.requester.name,
      decidedBy(r),
      r.ticket,
      r.correlationId,
      s.kind === 'failed' ? s.failure.code : undefined,
      s.kind === 'failed' ? s.failure.upstreamCode : undefined,
      s.kind === 'created' ? s.user.id : undefined,
      stepsSummary(r),
      r.history.map((h) => `${h.at} ${h.event}${h.actor ? ` by ${h.actor.name}` : ''}${h.detail ? ` (${h.detail})` : ''}`).join('; '),
    ].map(csvCell).join(',');
  });
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n');
}
