import type { CheckResult } from '../../core/preflight/checks';
import { CHECK_NOT_MADE_ADVICE, errorText, PASSING_UPSTREAM_FAILURES } from '../error-text';

/**
 * The sentence a checklist row shows. A check stopped by a passing failure of Microsoft's (429, 5xx, no answer)
 * says which, in the error table's words, and that only waiting helps: "This could not be checked right now" left
 * a helpdesk guessing whether to fix something, wait, or call the administrator. Any other row keeps the check's
 * own sentence (and what to do, when it is not ok).
 */
export function checkText(c: Pick<CheckResult, 'status' | 'code' | 'text' | 'todo'>): string {
  if (c.status === 'blocked' && c.code && PASSING_UPSTREAM_FAILURES.has(c.code)) {
    const t = errorText(c.code);
    return `Not checked. ${t.title}: ${t.text} ${CHECK_NOT_MADE_ADVICE}`;
  }
  return c.todo && c.status !== 'ok' ? `${c.text} ${c.todo}` : c.text;
}
