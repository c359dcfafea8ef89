import type { UserRequest } from '../../core/approval/user-request';
import { onboardingLines } from '../../core/onboarding/step-outcome';
import { errorText } from '../error-text';

const STEP_MARKS = {
  done: { icon: '✓', color: 'Good' },
  failed: { icon: '✗', color: 'Attention' },
  pending: { icon: '…', color: 'Default' },
  skipped: { icon: '–', color: 'Default' },
  'left-out': { icon: '–', color: 'Default' },
} as const;

/**
 * The onboarding steps on the result card and the approval card: each with ✓ / ✗ and the reason, and Retry when
 * one failed.
 */
export function stepsView(request: UserRequest) {
  const lines = onboardingLines(request);
  return {
    steps: lines.map((l) => ({
      ...STEP_MARKS[l.status],
      // Invisible: the step's name, status and code for tests and tools.
      stepId: `step.${l.name}.${l.status}.${l.code ?? ''}`,
      line: `${STEP_MARKS[l.status].icon} ${l.title}`,
      text:
        request.state.kind !== 'created' ? (l.status === 'left-out' ? 'Left out, as chosen.' : 'Planned: runs once the user is created.') : l.status === 'done' ? 'Done.' : l.status === 'failed' ? `${errorText(l.code ?? 'INTERNAL').title}. ${errorText(l.code ?? 'INTERNAL').todo ?? ''}`.trim() : l.status === 'left-out' ? 'Left out, as chosen before the creation.' : l.status === 'skipped' ? 'Not needed.' : 'Not done yet; it will be finished.',
    })),
    canRetrySteps: lines.some((l) => l.status === 'failed'),
  };
}
