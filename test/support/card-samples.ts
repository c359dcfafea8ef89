import type { RequestState } from '../../src/core/approval/request-state';
import type { UserRequest } from '../../src/core/approval/user-request';
import type { Batch, BatchState } from '../../src/core/bulk/batch';
import type { RowOutcome } from '../../src/core/bulk/row-outcome';
import { AppError, ERROR_CODES } from '../../src/core/errors';
import type { Checklist } from '../../src/core/preflight/checks';
import { SANDBOX_TEMPLATES } from '../../src/sandbox/seed-templates';
import { BulkViews } from '../../src/teams/bulk/bulk-views';
import type { AdaptiveCardJson, CardTemplates } from '../../src/teams/cards/card-templates';
import { ReadyViews } from '../../src/teams/cards/ready-views';
import { type ApprovalView, CardViews } from '../../src/teams/cards/views';
import { TemplateViews } from '../../src/teams/templates/template-views';

/**
 * Every card view with representative data: every request state, every approval view, every error code, the
 * form's and the checklist's variants, people's text with markdown and `${…}` in it. Shared by the rendering
 * identity test (test/unit/teams/card-render-identity.test.ts) and the render micro-benchmark
 * (scripts/bench/card-render.ts), so that both look at the same cards.
 */
export function cardSamples(views: CardViews): Array<[string, () => AdaptiveCardJson]> {
  const ready = new ReadyViews(views);
  const templates = new TemplateViews(views);
  const bulk = new BulkViews(views);
  const actor = { oid: 'oid-1', upn: 'cleo@contoso-partner.example', name: 'Cleo *the* approver', teamsId: '29:cleo' };
  const customer = { id: '6c7a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', tenantId: '6c7a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', companyName: 'Fabrikam & [Sons] ${x}', defaultDomain: 'fabrikam.example', relationshipToPartner: 'reseller' };
  const at = '2026-01-01T11:00:00.000Z';
  const request = (state: RequestState, extra: Partial<UserRequest> = {}): UserRequest => ({
    id: '4a1f4c8e-6f7e-4d7a-9a4b-2f9b1f3a8c11',
    mode: 'approval',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    requester: { ...actor, oid: 'oid-2', teamsId: '29:ada', name: 'Ada' },
    customer: { id: customer.id, companyName: customer.companyName, defaultDomain: customer.defaultDomain },
    user: { firstName: 'Kath', lastName: 'O\'Neil_<b>', displayName: 'Kath `O\'Neil`', userName: 'kath', domain: 'fabrikam.example', userPrincipalName: 'kath@fabrikam.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: true, immutableId: 'abc' },
    ticket: 'T-1',
    msRequestId: 'ms-1',
    correlationId: 'corr-1',
    state,
    history: [],
    checksAtSubmit: [
      { id: 'domain', status: 'ok', text: 'Domain is managed' },
      { id: 'gdap-role', status: 'warning', text: 'Role ends soon' },
    ],
    ...extra,
  });
  const onboarding = {
    template: { id: SANDBOX_TEMPLATES[0].id, name: 'T' },
    onboarding: { licences: SANDBOX_TEMPLATES[0].licences, groups: SANDBOX_TEMPLATES[0].groups, manager: { id: 'm-1', name: 'Maria' }, profile: { jobTitle: 'Rep' } },
  };
  const steps = (status: 'done' | 'failed' | 'pending') => [
    { name: 'assign-licences', status, code: status === 'failed' ? ('NO_FREE_SEAT' as const) : undefined },
    { name: 'add-to-groups', status: 'done' as const },
  ];
  const states: Record<string, RequestState> = {
    draft: { kind: 'draft' },
    scheduled: { kind: 'scheduled', startAt: '2026-02-01T08:00:00.000Z', readyAt: '2026-01-31T08:00:00.000Z', scheduledAt: at },
    pending: { kind: 'pending-approval', submittedAt: at, expiresAt: '2026-01-02T11:00:00.000Z' },
    creating: { kind: 'creating', by: actor, startedAt: at, attempt: 2 },
    created: { kind: 'created', by: actor, at, user: { id: 'obj-1', userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath', state: 'active' }, passwordRevealUntil: '2026-01-01T12:00:00.000Z' },
    'created (hidden)': { kind: 'created', by: actor, at, user: { id: 'obj-1', userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath', state: 'active' } },
    failed: { kind: 'failed', by: actor, at, attempt: 1, failure: { code: 'PARTNER_CENTER_UNAVAILABLE', upstreamCode: '500', httpStatus: 503, retryable: true } },
    'failed (final)': { kind: 'failed', by: actor, at, attempt: 1, failure: { code: 'UPN_TAKEN', correlationId: 'c-9', retryable: false } },
    rejected: { kind: 'rejected', by: actor, at, reason: 'Not *this* one' },
    cancelled: { kind: 'cancelled', by: actor, at },
    expired: { kind: 'expired', at },
  };
  const requests: Array<[string, UserRequest]> = [];
  for (const [name, state] of Object.entries(states)) {
    requests.push([name, request(state)]);
    requests.push([`${name}, onboarding`, request(state, { ...onboarding, steps: steps(name.startsWith('failed') ? 'failed' : name.startsWith('created') ? 'done' : 'pending') })]);
  }
  requests.push(['draft, starts later', request({ kind: 'draft' }, { startAt: '2026-02-01T08:00:00.000Z', startTimeZone: 'Europe/Berlin', mode: 'personal' })]);
  requests.push(['created, TAP', request(states.created, { temporaryAccessPass: { methodId: 't', validFrom: at, expiresAt: '2026-01-02T11:00:00.000Z', lifetimeInMinutes: 60, isUsableOnce: true }, user: { ...request(states.draft).user, firstCredential: { kind: 'tap', isUsableOnce: true } } })]);
  requests.push(['created, TAP failed', request(states.created, { steps: [{ name: 'temporary-access-pass', status: 'failed', code: 'INTERNAL' }], passwordDelivery: { sentTo: [], waitingFor: [{ teamsId: '29:ada', oid: 'oid-2', name: 'Ada' }] } })]);
  requests.push(['created, password sent', request(states.created, { passwordDelivery: { sentTo: ['29:ada'], waitingFor: [] } })]);
  const byState = new Map(requests);
  const draft = byState.get('draft')!;

  const checklists: Record<string, Checklist> = {
    empty: { checks: [], blocked: false },
    mixed: {
      blocked: false,
      checks: [
        { id: 'customer', status: 'ok', text: 'Customer found', evidence: 'Fabrikam' },
        { id: 'upn-free', status: 'not-checked', text: 'Not checked', todo: 'Connect it.', connectable: true, restorableUserId: 'obj-9' },
        { id: 'mfa', status: 'warning', text: 'MFA *maybe*' },
      ],
    },
    blocked: {
      blocked: true,
      blockingCode: 'GDAP_ROLE_MISSING',
      checks: [
        { id: 'gdap-role', status: 'blocked', code: 'GDAP_ROLE_MISSING', text: 'No role', todo: 'Ask for one.' },
        { id: 'licences', status: 'blocked', code: 'NO_FREE_SEAT', text: 'No seats' },
        { id: 'manager', status: 'blocked', text: 'Gone' },
      ],
    },
  };
  const domains = [
    { name: 'fabrikam.example', federated: false, isDefault: true },
    { name: 'fed.example', federated: true, isDefault: false },
    { name: 'other.example', federated: false, isDefault: false },
  ];
  const choices = { licences: [{ value: 'sku-1', title: 'E3 (2 free)' }], groups: [{ value: 'g-1', title: 'Sales *team*' }], people: [{ value: 'p-1', title: 'Maria' }] };

  const cards: Array<[string, () => AdaptiveCardJson]> = [
    ['welcome', () => views.welcome('cleo@contoso-partner.example')],
    ['welcome (anonymous)', () => views.welcome()],
    ['pick-customer', () => views.pickCustomer([{ id: customer.id, name: 'Fabrikam', domain: 'fabrikam.example' }, { id: 'c-2', name: 'Contoso', domain: 'contoso.example' }], 2, { error: 'Choose one.' })],
    ['pick-customer (selected)', () => views.pickCustomer([{ id: customer.id, name: 'Fabrikam', domain: 'fabrikam.example' }], 40, { selected: customer.id })],
    ['pick-customer (none)', () => views.pickCustomer([], 0)],
    ['form (empty)', () => views.form({ customer, domains: [] })],
    ['form', () => views.form({ customer, domains, offerApproval: true, values: { firstName: 'Kath' }, issues: [{ field: 'userName', message: 'taken' }, { field: 'elsewhere', message: 'Other problem' }], requestId: draft.id, onboarding: choices, copyNotes: ['Copied *job title*.'] })],
    ['form (unavailable)', () => views.form({ customer, domains, domainsUnavailable: true, onboarding: { ...choices, graphUnavailable: new AppError('CUSTOMER_NOT_CONNECTED', 'x'), licencesUnavailable: new AppError('GDAP_ROLE_MISSING', 'x') } })],
    ['form (templates)', () => views.form({ customer, domains, templates: SANDBOX_TEMPLATES, values: { templateId: SANDBOX_TEMPLATES[0].id, startTimeZone: 'Pacific/Chatham', passwordMode: 'typed' }, issues: [{ field: 'ticket', message: 'Enter it.', code: 'TICKET_REQUIRED' }], templateNotes: ['A note.'], onboarding: choices })],
    ...Object.entries(checklists).flatMap(([name, list]): Array<[string, () => AdaptiveCardJson]> => [
      [`confirm (${name})`, () => views.confirm(draft, customer, list)],
      [`confirm (${name}, onboarding)`, () => views.confirm(byState.get('draft, onboarding')!, customer, list)],
      [`confirm (${name}, TAP)`, () => views.confirm(byState.get('created, TAP')!, customer, list)],
    ]),
    ...requests.map(([name, r]): [string, () => AdaptiveCardJson] => [`current (${name})`, () => views.current(r)]),
    ['created (with password)', () => views.created(byState.get('created')!, 'Temp-Passw0rd! *_`${x}`')],
    ['created (TAP, shown)', () => views.created(byState.get('created, TAP')!, 'TAP-12345678')],
    ...requests.flatMap(([name, r]) =>
      (['base', 'approver', 'requester', 'observer'] as ApprovalView[]).map((view): [string, () => AdaptiveCardJson] => [`approval-request (${name}, ${view})`, () => views.approvalRequest(r, view, ['29:ada', '29:cleo'])]),
    ),
    ...ERROR_CODES.map((code): [string, () => AdaptiveCardJson] => [`error ${code}`, () => views.error(new AppError(code, 'x', { upstreamCode: '409', correlationId: 'c-1' }), 'ref-1')]),
    ['error (reference only)', () => views.error(new AppError('INTERNAL', 'x'), 'ref-1')],
    ['confirmRestore', () => views.confirmRestore(draft, { id: 'obj-9', displayName: 'Kath', softDeletionTime: at })],
    ['restored', () => views.restored(draft, { id: 'obj-9', userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath' })],
    ['ready', () => ready.ready(byState.get('draft, starts later')!)],
    ['ready retired', () => ready.retired(byState.get('draft, starts later')!)],
    ['ready reminder (personal)', () => ready.reminder(byState.get('draft, starts later')!)],
    ['ready reminder (approval)', () => ready.reminder(byState.get('pending')!)],
    ['history', () => views.history('Requests', 'The last ones', requests.map(([, r]) => r))],
    ['history (none)', () => views.history('Requests', 'None', [])],
    ['history (prompt)', () => views.historyPrompt('Request history', 'Sign in', 'history csv')],
    ['customers', () => views.customers('Customers', 'Connected or not', [
      { id: customer.id, name: 'Fabrikam', domain: 'fabrikam.example', state: 'not-connected', code: 'CUSTOMER_NOT_CONNECTED' },
      { id: 'c-2', name: 'Contoso', domain: 'contoso.example', state: 'connected' },
      { id: 'c-3', name: 'Woodgrove', domain: 'woodgrove.example', state: 'unknown', code: 'CUSTOMER_CONSENT_MISSING', upstreamCode: 'AADSTS65001' },
      { id: 'c-4', name: 'Litware', domain: 'litware.example', state: 'not-connected', upstreamCode: 'AADSTS700016' },
    ])],
    ['templates', () => templates.list({ rows: SANDBOX_TEMPLATES.map((template, i) => ({ template, canManage: i === 0 })), scopes: [{ title: 'Every customer', value: 'partner' }], notice: { text: 'Saved.', color: 'Good' }, confirmDelete: SANDBOX_TEMPLATES[0] })],
    ['templates (read-only)', () => templates.list({ rows: SANDBOX_TEMPLATES.map((template) => ({ template, canManage: false })), scopes: [] })],
    ['template-form', () => templates.form({ scope: SANDBOX_TEMPLATES[0].scope, scopeValue: '', template: SANDBOX_TEMPLATES[0], etag: 'e1', issues: [{ field: 'name', message: 'x' }] })],
    ['template-form (new)', () => templates.form({ scope: { kind: 'partner' }, scopeValue: 'partner' })],
    ['bulk-input', () => bulk.input([{ id: customer.id, name: 'Fabrikam', domain: 'fabrikam.example' }], { selected: customer.id, csv: 'firstName', error: { code: 'BULK_CSV_COLUMNS', detail: 'missing: lastName' } })],
    ['bulk-input (file)', () => bulk.input([], { file: { id: 'f-1', name: 'users.csv' } })],
    ...(['checked', 'pending-approval', 'expired', 'rejected', 'running', 'done', 'cancelled'] as const).map((kind): [string, () => AdaptiveCardJson] => [`bulk-batch (${kind})`, () => bulk.batch(batchIn(kind), batchRows(kind))]),
    ['bulk-passwords', () => bulk.passwords(batchIn('done'), [{ userPrincipalName: 'kath@fabrikam.example', password: 'Temp-Passw0rd!' }])],
    ['bulk-passwords (removed)', () => bulk.passwords(batchIn('done'), undefined, ['kath@fabrikam.example'])],
  ];
  return cards;

  function batchIn(kind: BatchState['kind']): Batch {
    const state = { kind, at, by: actor, reason: 'no', expiresAt: '2026-01-02T11:00:00.000Z' } as unknown as BatchState;
    return {
      id: draft.id, mode: 'approval', createdAt: at, updatedAt: at, requester: actor, customer: draft.customer, correlationId: 'c', state,
      rows: [
        { line: 2, values: { firstName: 'Kath' }, userPrincipalName: 'kath@fabrikam.example', problems: [], requestId: draft.id, user: draft.user },
        { line: 3, values: {}, userPrincipalName: '', problems: [{ code: 'BULK_DUPLICATE_USER', column: 'userName', text: 'twice' }] },
      ],
      passwords: kind === 'done' ? { sentAt: at, count: 1 } : undefined,
    };
  }
  function batchRows(kind: BatchState['kind']): RowOutcome[] {
    return [
      { line: 2, userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath', status: kind === 'done' ? 'created' : kind === 'running' ? 'creating' : 'waiting', steps: 'licences ✓', licences: ['E3'], groups: ['Sales'], settled: kind === 'done' },
      { line: 3, userPrincipalName: '', displayName: '', status: 'left-out', code: 'BULK_DUPLICATE_USER', steps: '', licences: [], groups: [], settled: true },
      { line: 4, userPrincipalName: 'x@fabrikam.example', displayName: 'X', status: 'failed', code: 'UPN_TAKEN', steps: '', licences: [], groups: [], settled: true },
    ];
  }
}

/** The views every sample renders with (the settings of a partner who requires a ticket). */
export function sampleViews(templates: CardTemplates): CardViews {
  return new CardViews(templates, { ticketRequired: true, defaultUsageLocation: 'US' });
}
