import type { RequestState } from '../../src/core/approval/request-state';
import type { UserRequest } from '../../src/core/approval/user-request';
import type { Batch } from '../../src/core/bulk/batch';
import type { Checklist } from '../../src/core/preflight/checks';
import { SANDBOX_TEMPLATES } from '../../src/sandbox/seed-templates';
import { BulkViews } from '../../src/teams/bulk/bulk-views';
import type { AdaptiveCardJson } from '../../src/teams/cards/card-templates';
import { ReadyViews } from '../../src/teams/cards/ready-views';
import type { CardViews } from '../../src/teams/cards/views';

/**
 * The longest values a card may have to show, without a space or a hyphen to break at (dots are no break
 * opportunity in a browser): the worst case for a card's width.
 * - A user name of 113 characters before the @ (the lead's figure; Microsoft's own limit for a UPN is 113 in all,
 *   64 before the @ and 48 after it: Microsoft Entra "username policies", partner-center-contract.md) and a domain
 *   of 253 characters (the longest DNS name). Upstream reads (a manager, a user to copy, a guest) are not bound by
 *   our creation rules, so the cards must hold more than what the bot itself creates.
 * - A display name of 256 characters (Graph's limit), one unbroken word.
 */
export const LONG = {
  local: `${'konstantinos.'.repeat(8)}${'x'.repeat(113 - 13 * 8)}`,
  domain: `${'subsidiaryofaverylongnamedholdingcompany.'.repeat(5)}${'d'.repeat(253 - 41 * 5 - 8)}.example`,
  displayName: `${'Wolfeschlegelsteinhausenbergerdorff'.repeat(8)}`.slice(0, 256),
  companyName: `${'Internationalverbandholdinggesellschaft'.repeat(4)}`,
};
export const LONG_UPN = `${LONG.local}@${LONG.domain}`;

/**
 * Fragments that identify each long value on a card wherever it appears, also when the card shows it bounded
 * (a display name is cut at TEXT_LIMITS.name with an ellipsis): a TextBlock or fact holding one of them shows a
 * long value.
 */
export const LONG_MARKERS = [LONG.local.slice(0, 40), LONG.domain.slice(0, 40), LONG.displayName.slice(0, 40), LONG.companyName.slice(0, 40)];

/** Every card view that shows a user name, an email, a display name or a domain, each with the long values. */
export function longValueCards(views: CardViews): Array<[string, () => AdaptiveCardJson]> {
  const ready = new ReadyViews(views);
  const bulk = new BulkViews(views);
  const actor = { oid: 'oid-1', upn: LONG_UPN, name: LONG.displayName, teamsId: '29:cleo' };
  const customer = { id: '6c7a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', tenantId: '6c7a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', companyName: LONG.companyName, defaultDomain: LONG.domain, relationshipToPartner: 'reseller' };
  const at = '2026-01-01T11:00:00.000Z';
  const createdUser = { id: 'obj-1', userPrincipalName: LONG_UPN, displayName: LONG.displayName, state: 'active' };
  const request = (state: RequestState, extra: Partial<UserRequest> = {}): UserRequest => ({
    id: '4a1f4c8e-6f7e-4d7a-9a4b-2f9b1f3a8c11',
    mode: 'approval',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    requester: { ...actor, oid: 'oid-2', teamsId: '29:ada' },
    customer: { id: customer.id, companyName: customer.companyName, defaultDomain: customer.defaultDomain },
    user: { firstName: 'Kath', lastName: 'Long', displayName: LONG.displayName, userName: LONG.local, domain: LONG.domain, userPrincipalName: LONG_UPN, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
    ticket: 'T-1',
    msRequestId: 'ms-1',
    correlationId: 'corr-1',
    state,
    history: [],
    checksAtSubmit: [{ id: 'domain', status: 'ok', text: `${LONG.domain} is a managed domain of the customer` }],
    onboarding: { licences: [], groups: [], manager: { id: '0f0e0d0c-0b0a-4909-8807-060504030201', name: LONG.displayName }, profile: {} },
    ...extra,
  });
  const states: Record<string, RequestState> = {
    draft: { kind: 'draft' },
    scheduled: { kind: 'scheduled', startAt: '2026-02-01T08:00:00.000Z', readyAt: '2026-01-31T08:00:00.000Z', scheduledAt: at },
    pending: { kind: 'pending-approval', submittedAt: at, expiresAt: '2026-01-02T11:00:00.000Z' },
    creating: { kind: 'creating', by: actor, startedAt: at, attempt: 1 },
    created: { kind: 'created', by: actor, at, user: createdUser, passwordRevealUntil: '2026-01-01T12:00:00.000Z' },
    failed: { kind: 'failed', by: actor, at, attempt: 1, failure: { code: 'UPN_TAKEN', retryable: false } },
    rejected: { kind: 'rejected', by: actor, at, reason: 'no' },
    cancelled: { kind: 'cancelled', by: actor, at },
    expired: { kind: 'expired', at },
  };
  const checklist: Checklist = {
    blocked: false,
    checks: [
      { id: 'customer', status: 'ok', text: LONG.companyName, evidence: `tenant ${customer.tenantId} · default domain ${LONG.domain}` },
      { id: 'domain', status: 'ok', text: `${LONG.domain} is a managed domain of the customer.` },
      { id: 'upn-free', status: 'ok', text: `${LONG_UPN} is free.` },
      // As checkManager words it; a check's text is bounded at 500 (TEXT_LIMITS.reason), so the name is shortened here.
      { id: 'manager', status: 'ok', text: `${LONG.displayName.slice(0, 60)} (${LONG_UPN})`, names: [{ id: '0f0e0d0c-0b0a-4909-8807-060504030201', name: `${LONG.displayName.slice(0, 60)} (${LONG_UPN})` }] },
    ],
  };
  const draft = request(states.draft);
  const withStart = request(states.draft, { startAt: '2026-02-01T08:00:00.000Z', startTimeZone: 'Europe/Berlin', mode: 'personal' });
  const batch: Batch = {
    id: draft.id, mode: 'approval', createdAt: at, updatedAt: at, requester: actor, customer: draft.customer, correlationId: 'c', state: { kind: 'done', at } as Batch['state'],
    rows: [{ line: 2, values: {}, userPrincipalName: LONG_UPN, problems: [], requestId: draft.id, user: draft.user }],
    passwords: { sentAt: at, count: 1 },
  };
  const choices = [{ id: customer.id, name: LONG.companyName, domain: LONG.domain }];
  const template = { ...SANDBOX_TEMPLATES[0], licences: [{ skuId: 'c42b9cae-ea4f-4ab7-9717-81576235ccac', name: LONG.displayName }], groups: [{ id: '0f0e0d0c-0b0a-4909-8807-060504030202', name: LONG.displayName }] };
  const onboardingChoices = {
    licences: [{ value: 'c42b9cae-ea4f-4ab7-9717-81576235ccac', title: `${LONG.displayName} — 2 of 5 free` }],
    groups: [{ value: '0f0e0d0c-0b0a-4909-8807-060504030202', title: `${LONG.displayName} (security)` }],
    people: [{ value: '0f0e0d0c-0b0a-4909-8807-060504030201', title: `${LONG.displayName} (${LONG_UPN})` }],
  };
  const domains = [{ name: LONG.domain, federated: false, isDefault: true }];
  return [
    ['welcome', () => views.welcome(LONG_UPN)],
    ['form (onboarding lists)', () => views.form({ customer, domains, onboarding: onboardingChoices })],
    ['form (template lists)', () => views.form({ customer, domains, templates: [template], values: { templateId: template.id }, onboarding: onboardingChoices })],
    ['confirm', () => views.confirm(draft, customer, checklist)],
    ...Object.entries(states).map(([name, state]): [string, () => AdaptiveCardJson] => [`current (${name})`, () => views.current(request(state))]),
    ['current (draft, starts later)', () => views.current(withStart)],
    ['created (password shown)', () => views.created(request(states.created), 'Temp-Passw0rd!')],
    ...Object.entries(states).map(([name, state]): [string, () => AdaptiveCardJson] => [`approval-request (${name})`, () => views.approvalRequest(request(state), 'base', [])]),
    ['history', () => views.history('Requests', LONG_UPN, [draft, request(states.created)])],
    ['customers', () => views.customers('Customers', 'All', [{ id: customer.id, name: LONG.companyName, domain: LONG.domain, state: 'not-connected', code: 'CUSTOMER_NOT_CONNECTED' }])],
    ['pick-customer', () => views.pickCustomer(choices, 1)],
    ['confirmRestore', () => views.confirmRestore(draft, { id: 'obj-9', displayName: LONG.displayName, softDeletionTime: at })],
    ['restored', () => views.restored(draft, createdUser)],
    ['ready', () => ready.ready(withStart)],
    ['ready retired', () => ready.retired(withStart)],
    ['ready reminder', () => ready.reminder(withStart)],
    ['bulk-input', () => bulk.input(choices, { selected: customer.id })],
    ['bulk-batch', () => bulk.batch(batch, [{ line: 2, userPrincipalName: LONG_UPN, displayName: LONG.displayName, status: 'created', steps: '', licences: [], groups: [], settled: true }])],
    ['bulk-passwords (shown)', () => bulk.passwords(batch, [{ userPrincipalName: LONG_UPN, password: 'Temp-Passw0rd!' }])],
    ['bulk-passwords (removed)', () => bulk.passwords(batch, undefined, [LONG_UPN])],
  ];
}
