import type { UserRequest } from '../../core/approval/user-request';
import { decidedBy } from '../../core/audit/audit-export';
import { markdownText as md, TEXT_LIMITS, upnText } from '../../core/text/people-text';
import { showName, STATE_LABELS, utcMinute } from './card-values';

/** Template data for `history`: one row per request, newest as given. */
export function historyData(title: string, subtitle: string, requests: UserRequest[]): object {
  return {
    title,
    subtitle,
    prompt: false,
    command: '',
    rows: requests.map((r) => {
      const by = decidedBy(r);
      return {
        upn: upnText(r.user.userPrincipalName),
        customer: md(r.customer.companyName, TEXT_LIMITS.name),
        when: utcMinute(r.createdAt),
        requester: showName(r.requester.name),
        decidedBy: by && by !== r.requester.name ? ` · ${r.state.kind} by ${showName(by)}` : '',
        ticket: r.ticket ? ` · ticket ${md(r.ticket, TEXT_LIMITS.name)}` : '',
        state: STATE_LABELS[r.state.kind].label,
        color: STATE_LABELS[r.state.kind].color,
      };
    }),
  };
}

/**
 * Template data for `history` as a sign-in prompt: no rows, a button that signs the person in through Universal
 * Actions and answers with the history for `command` (see CardViews.historyPrompt).
 */
export function historyPromptData(title: string, subtitle: string, command: string): object {
  return { title, subtitle, rows: [], prompt: true, command };
}
