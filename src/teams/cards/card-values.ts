import type { UserRequest } from '../../core/approval/user-request';
import type { ErrorCode } from '../../core/errors';
import type { CheckStatus } from '../../core/preflight/checks';
import { cleanText, markdownText as md, TEXT_LIMITS, upnText } from '../../core/text/people-text';

/**
 * How the values several cards share look on a card. People's text (typed by someone, or read from Partner
 * Center or Graph) goes in as template data through `md`, which shows it as text (escaped, bounded, without
 * control characters), wherever a template puts it in a TextBlock or a fact. Input values and choice titles are
 * not markdown and keep the raw value.
 */
export const showUser = (u: UserRequest['user']) => ({
  ...u,
  // The user's own names are shown whole (Graph allows a display name of 256): the card shows what is created.
  displayName: md(u.displayName, TEXT_LIMITS.short),
  firstName: md(u.firstName, TEXT_LIMITS.name),
  lastName: md(u.lastName, TEXT_LIMITS.name),
  userPrincipalName: upnText(u.userPrincipalName),
  usageLocation: md(u.usageLocation, 8),
});
export const showCustomer = (c: { id: string; companyName: string; tenantId?: string; defaultDomain?: string }) => ({
  ...c,
  id: md(c.id),
  companyName: md(c.companyName, TEXT_LIMITS.name),
  tenantId: md(c.tenantId ?? ''),
  defaultDomain: md(c.defaultDomain ?? ''),
});
export const showName = (name: string | undefined) => md(name, TEXT_LIMITS.name);
export const showTicket = (ticket: string | undefined) => (ticket ? md(ticket, TEXT_LIMITS.name) : '—');

/**
 * A name inside a button title ("Connect <customer>"): plain text (titles are not markdown) and short, since a
 * button does not wrap and a long unbroken name ran past the card's edge in the Agents Playground.
 */
export const buttonName = (name: string): string => cleanText(name, 32);

/**
 * The element id of an error card's title: `error.<CODE>`. Adaptive Cards never show an id, so the stable code
 * travels in the card itself for tests and tools, while people read only the words from error-text.ts.
 */
export const errorTitleId = (code: ErrorCode): string => `error.${code}`;

/** A stored time to the minute, in UTC ("2026-01-01 10:00 UTC"). */
export const utcMinute = (iso: string): string => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** How each check status looks on a card: a not-checked notice is neither a pass nor a stop. */
export const CHECK_MARKS: Record<CheckStatus, { icon: string; color: string }> = {
  ok: { icon: '✓', color: 'Good' },
  warning: { icon: '!', color: 'Warning' },
  blocked: { icon: '✗', color: 'Attention' },
  'not-checked': { icon: '–', color: 'Accent' },
};

/** Each request state's label and colour, on the approval card and in the history. */
export const STATE_LABELS: Record<string, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'Default' },
  scheduled: { label: 'Scheduled', color: 'Accent' },
  'pending-approval': { label: 'Waiting for approval', color: 'Warning' },
  approved: { label: 'Approved', color: 'Good' },
  creating: { label: 'Creating…', color: 'Accent' },
  created: { label: 'Created', color: 'Good' },
  failed: { label: 'Failed', color: 'Attention' },
  rejected: { label: 'Rejected', color: 'Attention' },
  cancelled: { label: 'Cancelled', color: 'Default' },
  expired: { label: 'Expired', color: 'Default' },
};
