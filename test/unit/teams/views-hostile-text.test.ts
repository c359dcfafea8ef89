import type { UserRequest } from '../../../src/core/approval/user-request';
import type { RequestState } from '../../../src/core/approval/request-state';
import { auditCsv } from '../../../src/core/audit/audit-export';
import { fencedBlock } from '../../../src/core/text/people-text';
import { CardTemplates, defaultCardsDir } from '../../../src/teams/cards/card-templates';
import { CardViews } from '../../../src/teams/cards/views';

/**
 * People's text through the real card templates (issue 12, point 13): hostile display names, company names,
 * tickets, requester names and rejection reasons must come out as text in the card JSON: no link, no emphasis,
 * no line break, no control character, and bounded.
 */
const LINK = '[Approve here](https://evil.example/phish)';
const HOSTILE = {
  name: `**Boss**\n\n- ${LINK}\u202E\u0007`,
  company: `Contoso ${LINK} _Ltd_ \`x\`\r\n# Big`,
  ticket: `<https://evil.example> ~~T-1~~\u0000`,
  reason: `\`\`\`\nrow,with,csv\n\`\`\`\n${LINK} ${'long '.repeat(400)}`,
  upn: 'kath_johnson@fabrikam.example',
};

const views = new CardViews(new CardTemplates(defaultCardsDir()), { ticketRequired: false, defaultUsageLocation: 'US' });
const actor = { oid: 'oid-1', upn: 'cleo@contoso-partner.example', name: HOSTILE.name, teamsId: '29:cleo' };

function request(state: RequestState): UserRequest {
  return {
    id: '4a1f4c8e-6f7e-4d7a-9a4b-2f9b1f3a8c11',
    mode: 'approval',
    createdAt: '2026-01-01T10:00:00.000Z',
    updatedAt: '2026-01-01T10:00:00.000Z',
    requester: { ...actor, oid: 'oid-2', teamsId: '29:ada' },
    customer: { id: 'cust-1', companyName: HOSTILE.company, defaultDomain: 'fabrikam.example' },
    user: { firstName: HOSTILE.name, lastName: 'Johnson', displayName: HOSTILE.name, userName: 'kath_johnson', domain: 'fabrikam.example', userPrincipalName: HOSTILE.upn, usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
    ticket: HOSTILE.ticket,
    msRequestId: 'ms-1',
    correlationId: 'corr-1',
    state,
    history: [],
    checksAtSubmit: [{ id: 'domain', status: 'ok', text: `Domain ${LINK} is managed` }],
  };
}

const at = '2026-01-01T11:00:00.000Z';
const states: Array<[string, RequestState]> = [
  ['pending', { kind: 'pending-approval', submittedAt: at, expiresAt: '2026-01-02T11:00:00.000Z' }],
  ['creating', { kind: 'creating', by: actor, startedAt: at, attempt: 1 }],
  ['created', { kind: 'created', by: actor, at, user: { id: 'obj-1', userPrincipalName: HOSTILE.upn, displayName: HOSTILE.name, state: 'active' } }],
  ['failed', { kind: 'failed', by: actor, at, attempt: 1, failure: { code: 'PARTNER_CENTER_UNAVAILABLE', upstreamCode: `${LINK}`, retryable: true } }],
  ['rejected', { kind: 'rejected', by: actor, at, reason: HOSTILE.reason }],
  ['cancelled', { kind: 'cancelled', by: actor, at }],
];

/** Every markdown-rendered string of a card: TextBlock texts and fact titles and values. */
function markdownStrings(card: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as Array<{ title: string; value: string }>) out.push(f.title, f.value);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

function expectPlain(card: unknown, showsNames = true): void {
  const texts = markdownStrings(card);
  expect(texts.length).toBeGreaterThan(0);
  for (const t of texts) {
    expect(t).not.toMatch(/(^|[^\\])\[[^\]]*\]\(/); // no markdown link
    expect(t).not.toMatch(/(^|[^\\])<https?:/); // no autolink
    expect(t).not.toMatch(/(^|[^\\])\*\*Boss/); // no emphasis from people's text
    expect(t).not.toMatch(/[\u0000-\u001F\u007F\u202E]/); // no control or override characters, no line breaks
    expect(t).not.toMatch(/(^|[^\\])`/); // no code span or fence
    expect(t.length).toBeLessThanOrEqual(900);
  }
  // The text is still there, readable.
  if (showsNames) expect(texts.join(' ')).toContain('Approve here');
}

describe('hostile people text in the real cards', () => {
  it.each(states)('the channel approval card (%s) shows it as text', (_name, state) => {
    expectPlain(views.approvalRequest(request(state), 'base', []));
  });

  it.each(states.filter(([n]) => n !== 'pending' && n !== 'rejected'))('the personal card for a %s request shows it as text', (_name, state) => {
    expectPlain(views.current({ ...request(state), mode: 'personal' }), _name !== 'cancelled');
  });

  it('the rejection reason is escaped and bounded on the card', () => {
    const card = views.approvalRequest(request(states.find(([n]) => n === 'rejected')![1]), 'base', []);
    const reason = markdownStrings(card).find((t) => t.includes('row,with,csv'))!;
    expect(reason.startsWith('\\`\\`\\` row,with,csv')).toBe(true);
    expect([...reason].length).toBeLessThanOrEqual(500 + 40);
  });

  it('the customers card shows a company name and domain from Partner Center as text', () => {
    expectPlain(views.customers('Customers', 'All', [{ id: 'cust-1', name: HOSTILE.company, domain: `fabrikam.example ${LINK}`, state: 'not-connected', code: 'CUSTOMER_NOT_CONNECTED' }]));
  });

  it('the history card escapes every row', () => {
    expectPlain(views.history('All requests', 'newest first', states.map(([, s]) => request(s))));
  });

  it('the created card keeps the user name readable and escapes the underscore', () => {
    const texts = markdownStrings(views.created({ ...request(states[2][1]), mode: 'personal' }, 'P@ss*word_1'));
    expect(texts.join(' ')).toContain('kath\\_johnson@fabrikam.example');
  });

  it('the history CSV: a reason cannot close the code fence or add a link outside it', () => {
    const csv = fencedBlock(auditCsv(states.map(([, s]) => request(s))));
    const message = `All requests, as CSV:\n\n\`\`\`\n${csv}\n\`\`\``;
    // Exactly the opening and the closing fence, each on its own line: nothing in between can end the block.
    expect(message.match(/^\s{0,3}(`{3,}|~{3,})/gm)).toHaveLength(2);
    expect(csv).not.toMatch(/[`~]{3}/);
  });
});
