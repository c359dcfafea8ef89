import type { UserRequest } from '../approval/user-request';
import type { ErrorCode } from '../errors';
import { stepsSummary } from '../onboarding/step-outcome';
import { acceptedRows, type Batch } from './batch';

/** Where a row of a batch stands, read from its own request (the batch does not copy it). */
export interface RowOutcome {
  line: number;
  userPrincipalName: string;
  displayName: string;
  /** `left-out`: blocked at the check; `waiting`: not started yet; the rest are its request's states. */
  status: 'left-out' | 'waiting' | 'creating' | 'created' | 'failed' | 'cancelled';
  code?: ErrorCode;
  userId?: string;
  requestId?: string;
  steps: string;
  licences: string[];
  groups: string[];
  /** Every step has run: nothing about this row will change any more. */
  settled: boolean;
}

export function rowOutcomes(batch: Batch, requests: Map<string, UserRequest>): RowOutcome[] {
  const accepted = new Set(acceptedRows(batch).map((r) => r.requestId));
  return batch.rows.map((row) => {
    const base = { line: row.line, userPrincipalName: row.userPrincipalName, displayName: row.user?.displayName ?? row.values.displayName ?? '', licences: (row.onboarding?.licences ?? []).map((l) => l.name), groups: (row.onboarding?.groups ?? []).map((g) => g.name) };
    if (!row.requestId || !accepted.has(row.requestId)) return { ...base, status: 'left-out', code: row.problems[0]?.code, steps: '', settled: true };
    const r = requests.get(row.requestId);
    if (!r || r.state.kind === 'draft' || r.state.kind === 'pending-approval') return { ...base, requestId: row.requestId, status: 'waiting', steps: '', settled: false };
    const s = r.state;
    const pending = (r.steps ?? []).some((x) => x.status === 'pending');
    const status = s.kind === 'created' || s.kind === 'failed' || s.kind === 'creating' || s.kind === 'cancelled' ? s.kind : 'failed';
    return {
      ...base,
      requestId: r.id,
      status,
      code: s.kind === 'failed' ? s.failure.code : (r.steps ?? []).find((x) => x.status === 'failed')?.code,
      userId: s.kind === 'created' ? s.user.id : undefined,
      steps: stepsSummary(r),
      settled: (s.kind === 'created' || s.kind === 'failed' || s.kind === 'cancelled') && !pending,
    };
  });
}

export function countOutcomes(rows: RowOutcome[]): Record<RowOutcome['status'], number> {
  const counts = { 'left-out': 0, waiting: 0, creating: 0, created: 0, failed: 0, cancelled: 0 };
  for (const r of rows) counts[r.status]++;
  return counts;
}
