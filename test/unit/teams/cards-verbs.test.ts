import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestState } from '../../../src/core/approval/request-state';
import type { UserRequest } from '../../../src/core/approval/user-request';
import { AppError } from '../../../src/core/errors';
import { CARD_NAMES, CardTemplates, defaultCardsDir, type CardName } from '../../../src/teams/cards/card-templates';
import { CardViews } from '../../../src/teams/cards/views';
import { VERBS } from '../../../src/teams/verbs/verb-table';
import { TemplateViews } from '../../../src/teams/templates/template-views';
import { SANDBOX_TEMPLATES } from '../../../src/sandbox/seed-templates';
import { BulkViews } from '../../../src/teams/bulk/bulk-views';
import type { Batch } from '../../../src/core/bulk/batch';

/**
 * The cards and the verb table name the same verbs: every action a card can send is answered, every verb the bot
 * answers is on some card, and every template renders with sample data without a `${…}` left unbound.
 */
const CARDS = defaultCardsDir();
const TEAMS_SRC = join(__dirname, '..', '..', '..', 'src', 'teams');

/** Verbs the table answers that no card or card button carries, each with the reason. */
const NOT_ON_A_CARD: Record<string, string> = {};

interface CardAction {
  where: string;
  type: string;
  verb?: string;
  dataVerb?: unknown;
}

/** Every Action.Execute / Action.Submit in a card (templates or rendered cards), with where it is. */
function actionsIn(card: unknown, where: string): CardAction[] {
  const out: CardAction[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'Action.Execute' || o.type === 'Action.Submit') {
      const data = (o.data ?? {}) as Record<string, unknown>;
      out.push({ where, type: o.type, verb: o.type === 'Action.Execute' ? (o.verb as string) : ((data.verb as string | undefined) ?? (o.id as string | undefined)), dataVerb: data.verb });
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

const templateFiles = readdirSync(CARDS).filter((f) => f.endsWith('.json'));
const templateActions = templateFiles.flatMap((f) => actionsIn(JSON.parse(readFileSync(join(CARDS, f), 'utf8')), f));
const bound = (v: string | undefined) => v !== undefined && !v.includes('${');

/** Buttons built in code (notice cards carry `${verb}` from their data): `verb: '…'` literals under src/teams. */
function codeVerbs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return codeVerbs(p);
    if (!p.endsWith('.ts')) return [];
    return [...readFileSync(p, 'utf8').matchAll(/\bverb: '(\w+)'/g)].map((m) => m[1]);
  });
}

describe('cards and verbs', () => {
  it('every action of every card template is a verb the table answers, with the same verb in its data', () => {
    expect(templateActions.length).toBeGreaterThan(10);
    const unknown = templateActions.filter((a) => bound(a.verb) && !VERBS.includes(a.verb as never));
    expect(unknown).toEqual([]);
    // Action.Execute carries its verb twice (verb, data.verb): they must agree, or the click says one thing and does another.
    const mismatched = templateActions.filter((a) => a.type === 'Action.Execute' && a.dataVerb !== undefined && a.dataVerb !== a.verb);
    expect(mismatched).toEqual([]);
  });

  it('every verb built into a card by code is in the table', () => {
    const verbs = codeVerbs(TEAMS_SRC);
    expect(verbs.length).toBeGreaterThan(0);
    expect(verbs.filter((v) => !VERBS.includes(v as never))).toEqual([]);
  });

  it('every verb in the table is on some card (or listed with the reason it is not)', () => {
    const onCards = new Set([...templateActions.map((a) => a.verb).filter(bound), ...codeVerbs(TEAMS_SRC)]);
    expect(VERBS.filter((v) => !onCards.has(v) && !NOT_ON_A_CARD[v])).toEqual([]);
    // An exception that is on a card after all is stale.
    expect(Object.keys(NOT_ON_A_CARD).filter((v) => onCards.has(v))).toEqual([]);
  });

  describe('every template renders with sample data', () => {
    const rendered = new Map<CardName, unknown[]>();
    class RecordingTemplates extends CardTemplates {
      override render(name: CardName, data: object) {
        const card = super.render(name, data);
        rendered.set(name, [...(rendered.get(name) ?? []), card]);
        return card;
      }
    }
    const views = new CardViews(new RecordingTemplates(CARDS), { ticketRequired: true, defaultUsageLocation: 'US' });
    const actor = { oid: 'oid-1', upn: 'cleo@contoso-partner.example', name: 'Cleo', teamsId: '29:cleo' };
    const customer = { id: '6c7a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', tenantId: '6c7a1f2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b', companyName: 'Fabrikam', defaultDomain: 'fabrikam.example', relationshipToPartner: 'reseller' };
    const request = (state: RequestState): UserRequest => ({
      id: '4a1f4c8e-6f7e-4d7a-9a4b-2f9b1f3a8c11',
      mode: 'approval',
      createdAt: '2026-01-01T10:00:00.000Z',
      updatedAt: '2026-01-01T10:00:00.000Z',
      requester: { ...actor, oid: 'oid-2', teamsId: '29:ada', name: 'Ada' },
      customer: { id: customer.id, companyName: customer.companyName, defaultDomain: customer.defaultDomain },
      user: { firstName: 'Kath', lastName: 'Johnson', displayName: 'Kath Johnson', userName: 'kath', domain: 'fabrikam.example', userPrincipalName: 'kath@fabrikam.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: true, immutableId: 'abc' },
      ticket: 'T-1',
      msRequestId: 'ms-1',
      correlationId: 'corr-1',
      state,
      history: [],
      checksAtSubmit: [{ id: 'domain', status: 'ok', text: 'Domain is managed' }],
    });
    const at = '2026-01-01T11:00:00.000Z';
    const draft = request({ kind: 'draft' } as RequestState);
    const pending = request({ kind: 'pending-approval', submittedAt: at, expiresAt: '2026-01-02T11:00:00.000Z' });
    const created = request({ kind: 'created', by: actor, at, user: { id: 'obj-1', userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath Johnson', state: 'active' }, passwordRevealUntil: '2026-01-01T12:00:00.000Z' });
    const failed = request({ kind: 'failed', by: actor, at, attempt: 1, failure: { code: 'PARTNER_CENTER_UNAVAILABLE', upstreamCode: '500', retryable: true } });
    const checklist = {
      blocked: false,
      checks: [
        { id: 'customer' as const, status: 'ok' as const, text: 'Customer found', evidence: 'Fabrikam' },
        { id: 'upn-free' as const, status: 'not-checked' as const, text: 'Not checked', connectable: true, restorableUserId: 'obj-9' },
      ],
    };

    const cards: Array<[string, () => unknown]> = [
      ['welcome', () => views.welcome('cleo@contoso-partner.example')],
      ['pick-customer', () => views.pickCustomer([{ id: customer.id, name: 'Fabrikam', domain: 'fabrikam.example' }], 1, { error: 'Choose one.' })],
      ['new-user-form', () => views.form({ customer, domains: [{ name: 'fabrikam.example', federated: false, isDefault: true }], offerApproval: true, values: { firstName: 'Kath' }, issues: [{ field: 'userName', message: 'taken' }], requestId: draft.id })],
      ['confirm', () => views.confirm(draft, customer, checklist)],
      ['creating', () => views.creating(request({ kind: 'creating', by: actor, startedAt: at, attempt: 2 }))],
      ['created', () => views.created(created, 'Temp-Passw0rd!')],
      ['failed', () => views.failed(failed)],
      ['notice', () => views.confirmRestore(draft, { id: 'obj-9', displayName: 'Kath', softDeletionTime: at })],
      ['notice (error)', () => views.error(new AppError('UPN_TAKEN', 'x', { upstreamCode: '409' }), 'ref-1')],
      ['approval-request', () => views.approvalRequest(pending, 'approver', ['29:ada'])],
      ['approval-request (failed)', () => views.approvalRequest(failed, 'base', ['29:ada'])],
      ['history', () => views.history('Requests', 'The last 2', [created, failed])],
      ['history (prompt)', () => views.historyPrompt('Request history', 'Sign in', 'history csv')],
      ['new-user-form (templates)', () => views.form({ customer, domains: [{ name: 'fabrikam.example', federated: false, isDefault: true }], templates: SANDBOX_TEMPLATES, values: { templateId: SANDBOX_TEMPLATES[0].id }, issues: [{ field: 'ticket', message: 'Enter it.', code: 'TICKET_REQUIRED' }], templateNotes: ['A note.'] })],
      ['confirm (onboarding)', () => views.confirm({ ...draft, template: { id: SANDBOX_TEMPLATES[0].id, name: 'T' }, onboarding: { licences: SANDBOX_TEMPLATES[0].licences, groups: SANDBOX_TEMPLATES[0].groups, profile: { jobTitle: 'Rep' } } }, customer, checklist)],
      ['templates', () => new TemplateViews(views).list({ rows: SANDBOX_TEMPLATES.map((template, i) => ({ template, canManage: i === 0 })), scopes: [{ title: 'Every customer', value: 'partner' }], notice: { text: 'Saved.', color: 'Good' }, confirmDelete: SANDBOX_TEMPLATES[0] })],
      ['template-form', () => new TemplateViews(views).form({ scope: SANDBOX_TEMPLATES[0].scope, scopeValue: '', template: SANDBOX_TEMPLATES[0], etag: 'e1', issues: [{ field: 'name', message: 'x' }] })],
      ['template-form (new)', () => new TemplateViews(views).form({ scope: { kind: 'partner' }, scopeValue: 'partner' })],
      ['bulk-input', () => new BulkViews(views).input([{ id: customer.id, name: 'Fabrikam', domain: 'fabrikam.example' }], { selected: customer.id, csv: 'firstName', error: { code: 'BULK_CSV_COLUMNS', detail: 'missing: lastName' } })],
      ...(['checked', 'running', 'done'] as const).map((kind): [string, () => unknown] => [
        `bulk-batch (${kind})`,
        () => {
          const batch: Batch = {
            id: draft.id, mode: 'personal', createdAt: at, updatedAt: at, requester: actor, customer: draft.customer, correlationId: 'c',
            state: kind === 'checked' ? { kind, at } : { kind, at, by: actor },
            rows: [
              { line: 2, values: { firstName: 'Kath' }, userPrincipalName: 'kath@fabrikam.example', problems: [], requestId: draft.id, user: draft.user },
              { line: 3, values: {}, userPrincipalName: '', problems: [{ code: 'BULK_DUPLICATE_USER', column: 'userName', text: 'twice' }] },
            ],
            passwords: kind === 'done' ? { sentAt: at, count: 1 } : undefined,
          };
          return new BulkViews(views).batch(batch, [
            { line: 2, userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath', status: kind === 'done' ? 'created' : 'waiting', steps: 'licences ✓', licences: ['E3'], groups: [], settled: kind === 'done' },
            { line: 3, userPrincipalName: '', displayName: '', status: 'left-out', code: 'BULK_DUPLICATE_USER', steps: '', licences: [], groups: [], settled: true },
          ]);
        },
      ]),
      ['bulk-passwords', () => new BulkViews(views).passwords({ id: draft.id, mode: 'personal', createdAt: at, updatedAt: at, requester: actor, customer: draft.customer, correlationId: 'c', state: { kind: 'done', at, by: actor }, rows: [] }, [{ userPrincipalName: 'kath@fabrikam.example', password: 'Temp-Passw0rd!' }])],
      ['customers', () => views.customers('Customers', 'Connected or not', [{ id: customer.id, name: 'Fabrikam', domain: 'fabrikam.example', state: 'not-connected', code: 'CUSTOMER_NOT_CONNECTED' }])],
    ];

    it.each(cards)('%s: no binding left unbound, and its actions are verbs the table answers', (_name, render) => {
      const card = render();
      expect(JSON.stringify(card)).not.toContain('${');
      const actions = actionsIn(card, _name);
      expect(actions.filter((a) => !VERBS.includes(a.verb as never))).toEqual([]);
    });

    it('together they render every template in cards/', () => {
      for (const [, render] of cards) render();
      expect(CARD_NAMES.filter((n) => !rendered.has(n))).toEqual([]);
      expect(templateFiles.map((f) => f.replace(/\.json$/, '')).filter((f) => !(CARD_NAMES as readonly string[]).includes(f))).toEqual([]);
    });
  });
});
