import { loadConfig } from '../../../src/config';
import type { ErrorCode } from '../../../src/core/errors';
import { CHECK_NOT_MADE_ADVICE, ERROR_TEXT } from '../../../src/teams/error-text';
import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';

/**
 * What a busy helpdesk sees when Microsoft throttles (429), fails (5xx) or does not answer, during the review and
 * during the creation: each is named by its own code, and the card's words for it come from the one error table
 * (src/teams/error-text.ts), never a bare "could not be checked". Faults are injected into the sandbox; short
 * timeouts and one retry keep it quick.
 */
const base = loadConfig({ PLAYGROUND: 'false' });
const GDAP_READ = '/v1.0/tenantRelationships/delegatedAdminRelationships';
const CREATE = '/v1/customers/*/users';
const CUSTOMER = '/v1/customers/*';

describe('upstream 429 / 5xx / timeout: specific words during the review and the creation', () => {
  const bot = new BotHarness({ lookupCacheSeconds: 0, http: { ...base.http, timeoutMs: 400, deadlineMs: 4_000, maxRetries: 1 } });
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
  }, 90_000);
  afterAll(() => bot.stop());
  afterEach(() => bot.sandbox('DELETE', '/_sandbox/faults'));

  const form = (userName: string) => ({ customerId: FABRIKAM, firstName: 'Grace', lastName: 'Hopper', userName, domain: 'fabrikam.example', usageLocation: 'US', passwordMode: 'generate', forceChangePassword: 'true' });

  /** The checklist row of a check on the confirmation card (its element id is check.<id>.<status>.<code>). */
  function checkRow(card: unknown, checkId: string): { id: string; text: string } | undefined {
    let found: { id: string; text: string } | undefined;
    const walk = (n: unknown) => {
      if (found) return;
      if (Array.isArray(n)) n.forEach(walk);
      else if (n && typeof n === 'object') {
        const id = (n as { id?: unknown }).id;
        if (typeof id === 'string' && id.startsWith(`check.${checkId}.`)) found = { id, text: cardText(n) };
        else Object.values(n).forEach(walk);
      }
    };
    walk(card);
    return found;
  }

  it.each<[string, object, ErrorCode]>([
    ['429', { kind: 'status', status: 429, retryAfterSeconds: 0 }, 'THROTTLED'],
    ['503', { kind: 'status', status: 503 }, 'GRAPH_UNAVAILABLE'],
    ['no answer', { kind: 'hang' }, 'UPSTREAM_TIMEOUT'],
  ])('review, Graph answers %s to the GDAP read: the row names the failure in the table\'s words and says to wait', async (_what, fault, code) => {
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'GET', path: GDAP_READ, count: 50, ...fault });
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(`review.${code.toLowerCase()}`)));
    const row = checkRow(confirm, 'gdap-role');
    expect(row?.id).toBe(`check.gdap-role.blocked.${code}`);
    expect(row!.text).toContain(ERROR_TEXT[code].title);
    expect(row!.text).toContain(CHECK_NOT_MADE_ADVICE);
    expect(row!.text).not.toContain('could not be checked right now');
    expect((confirm.actions as Array<{ verb?: string }>).map((a) => a.verb)).not.toContain('create');
  }, 30_000);

  it.each<[string, object, ErrorCode]>([
    ['429', { kind: 'status', status: 429, retryAfterSeconds: 0 }, 'THROTTLED'],
    ['503', { kind: 'status', status: 503 }, 'PARTNER_CENTER_UNAVAILABLE'],
    ['no answer', { kind: 'hang' }, 'UPSTREAM_TIMEOUT'],
  ])('creation, Partner Center answers %s: the failed card carries the code, the table\'s words, a correlation id and Try again', async (_what, fault, code) => {
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(`create.${code.toLowerCase()}`)));
    const requestId = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'create')!.data!.requestId!;
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: CREATE, count: 50, ...fault });
    const cardId = `act-${code}`;
    await bot.execute(ada, 'create', { requestId }, cardId);
    const failed = cardOf(await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => errorCodeOf(cardOf(u)) !== undefined), 20_000));
    expect(errorCodeOf(failed)).toBe(code);
    const text = cardText(failed);
    expect(text).toContain(ERROR_TEXT[code].title);
    expect(text).toContain(ERROR_TEXT[code].todo);
    expect(text).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(((failed as { actions?: Array<{ verb?: string }> }).actions ?? []).map((a) => a.verb)).toContain('retry');
  }, 30_000);

  it.each<[string, string, object, ErrorCode, string | undefined, number, string]>([
    ['Graph answers 503 to the GDAP read', GDAP_READ, { kind: 'status', status: 503 }, 'GRAPH_UNAVAILABLE', 'ServiceUnavailable', 503, 'GRAPH_UNAVAILABLE · upstream ServiceUnavailable · HTTP 503'],
    ['Graph answers 429 to the GDAP read', GDAP_READ, { kind: 'status', status: 429, retryAfterSeconds: 0 }, 'THROTTLED', 'TooManyRequests', 429, 'THROTTLED · upstream TooManyRequests · HTTP 429'],
    ['Partner Center answers 503 to the customer read', CUSTOMER, { kind: 'status', status: 503 }, 'PARTNER_CENTER_UNAVAILABLE', '503', 503, 'PARTNER_CENTER_UNAVAILABLE · HTTP 503'],
  ])(
    'final check before the creation, %s: the stored failure and the failed card keep the upstream code and HTTP status, nothing is created',
    async (_what, path, fault, code, upstreamCode, httpStatus, shown) => {
      const userName = `final.${code.toLowerCase()}.${httpStatus}`;
      const confirm = invokeCard(await bot.execute(ada, 'submitForm', form(userName)));
      const requestId = (confirm.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'create')!.data!.requestId!;
      // After the review, so only the final check's uncached reads meet the fault.
      await bot.sandbox('POST', '/_sandbox/faults', { method: 'GET', path, count: 50, ...fault });
      const cardId = `final-${code}-${httpStatus}`;
      await bot.execute(ada, 'create', { requestId }, cardId);
      const failed = cardOf(await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => errorCodeOf(cardOf(u)) !== undefined), 20_000));
      expect(errorCodeOf(failed)).toBe(code);
      expect(cardText(failed)).toContain(shown);
      const stored = (await bot.app.useCases.requests.get(requestId))!.value;
      expect(stored.state.kind).toBe('failed');
      expect(stored.state.kind === 'failed' && stored.state.failure).toMatchObject({ code, upstreamCode, httpStatus, retryable: true });
      const created = (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body ?? '').includes(userName));
      expect(created).toHaveLength(0);
    },
    30_000,
  );

  it("an approval whose role check Graph answers with 503: the approver's notice names our code, Graph's and the HTTP status; the request still waits, nothing is created", async () => {
    const ben = await bot.teamsUser('ben@contoso-partner.example');
    await bot.signIn(ben);
    const userName = 'approve.graph.503';
    const raised = invokeCard(await bot.executeInChannel(ben, 'submitForm', form(userName), 'approve-503'));
    const requestId = (raised.actions as Array<{ verb?: string; data?: { requestId?: string } }>).find((a) => a.verb === 'approve')!.data!.requestId!;
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'GET', path: GDAP_READ, count: 50, kind: 'status', status: 503 });
    const notice = invokeCard(await bot.executeInChannel(ada, 'approve', { requestId }, 'approve-503'));
    expect(errorCodeOf(notice)).toBe('GRAPH_UNAVAILABLE');
    expect(cardText(notice)).toContain('GRAPH_UNAVAILABLE · upstream ServiceUnavailable · HTTP 503');
    expect((await bot.app.useCases.requests.get(requestId))!.value.state.kind).toBe('pending-approval');
    const created = (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body ?? '').includes(userName));
    expect(created).toHaveLength(0);
  }, 30_000);
});
