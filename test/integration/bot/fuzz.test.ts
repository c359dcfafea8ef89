import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { VERBS } from '../../../src/teams/verbs/verb-table';
import { BotHarness, FABRIKAM, HELPDESK_CHANNEL, PARTNER_TENANT, type TeamsUser } from '../../support/bot-harness';

/**
 * Property-based fuzzing of `/api/messages` (issue 12, point 12): random activities from the bot's own tenant, as
 * seeded partner users (some signed in), 8 at a time. Whatever comes in: no 5xx, every invoke answered within 5 s,
 * and no error-level log line (client garbage is at most a warn). `npm test` runs FUZZ_RUNS (default 300)
 * activities; `npm run fuzz` runs 10,000.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const PARALLEL = 8;
const INVOKE_DEADLINE_MS = 5000;

/** Sign-in invokes are another helper's (h2-signin); their findings are reported apart, not hidden. */
const SIGN_IN_INVOKES = new Set(['signin/tokenExchange', 'signin/verifyState', 'signin/failure']);

describe('fuzzing /api/messages', () => {
  const bot = new BotHarness();
  let users: TeamsUser[];
  let knownRequestIds: string[] = [];

  beforeAll(async () => {
    await bot.start();
    users = await Promise.all(['ada', 'ben', 'cleo', 'erin'].map((n) => bot.teamsUser(`${n}@contoso-partner.example`)));
    // Two of them signed in, so card actions get past sign-in into the flows.
    await bot.signIn(users[0]);
    await bot.signIn(users[2]);
    // A real request id or two, so verbs also meet stored requests, not only unknown ids.
    knownRequestIds = [await bot.reviewNewUser(users[0], `fuzz-${Date.now()}`)];
  }, 120_000);
  afterAll(() => bot.stop());

  const text = fc.oneof(
    fc.constantFrom('new user', 'help', 'history', 'history csv', 'history since 2020-01-01', 'history csv fabrikam', 'NEW USER', ' ', ''),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
  const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });
  const id = fc.oneof(fc.constant(''), fc.constant(undefined), fc.uuid(), fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null));
  const requestId = fc.oneof(fc.constant(''), fc.uuid(), fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null), fc.constant('KNOWN'));
  const verb = fc.oneof(fc.constantFrom(...VERBS), fc.string({ maxLength: 20 }), fc.constant(''));
  const data = fc.record(
    {
      requestId,
      customerId: fc.oneof(fc.constant(FABRIKAM), fc.string({ maxLength: 20 }), fc.integer()),
      firstName: fc.string({ maxLength: 30 }),
      lastName: fc.string({ maxLength: 30 }),
      userName: fc.string({ maxLength: 30 }),
      domain: fc.oneof(fc.constant('fabrikam.example'), fc.string({ maxLength: 30 })),
      usageLocation: fc.oneof(fc.constant('US'), fc.string({ maxLength: 3 })),
      passwordMode: fc.oneof(fc.constantFrom('generate', 'manual'), fc.string({ maxLength: 8 })),
      password: fc.string({ maxLength: 30 }),
      reason: fc.string({ maxLength: 60 }),
      ticket: fc.string({ maxLength: 30 }),
      extra: json,
    },
    { requiredKeys: [] },
  );
  const actionExecute = fc.record({
    type: fc.constant('invoke'),
    name: fc.constant('adaptiveCard/action'),
    value: fc.oneof(
      fc.record(
        {
          action: fc.record({ type: fc.oneof(fc.constant('Action.Execute'), fc.string({ maxLength: 10 })), verb, data }, { requiredKeys: ['type'] }),
          trigger: fc.oneof(fc.constantFrom('manual', 'automatic'), fc.string({ maxLength: 8 })),
          authentication: fc.record({ token: fc.oneof(fc.string({ maxLength: 30 }), fc.integer()) }, { requiredKeys: [] }),
          state: fc.oneof(fc.string({ maxLength: 12 }), fc.integer()),
        },
        { requiredKeys: ['action'] },
      ),
      json,
    ),
  });
  const cardSubmit = fc.record({ type: fc.constant('message'), value: fc.oneof(data, json), text: fc.oneof(fc.constant(undefined), text) });
  const message = fc.record({ type: fc.constant('message'), text });
  const signInInvoke = fc.record({
    type: fc.constant('invoke'),
    name: fc.constantFrom(...SIGN_IN_INVOKES),
    value: fc.oneof(
      fc.record({ id: fc.oneof(fc.uuid(), fc.string(), fc.integer()), connectionName: fc.oneof(fc.constant('sso'), fc.string()), token: fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.constant('')) }, { requiredKeys: [] }),
      fc.record({ state: fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.constant('')) }, { requiredKeys: [] }),
      fc.record({ code: fc.oneof(fc.constantFrom('resourcematchfailed', 'authrequestfailed'), fc.string(), fc.integer()), message: fc.string() }, { requiredKeys: [] }),
      json,
    ),
  });
  const search = fc.record({
    type: fc.constant('invoke'),
    name: fc.constant('application/search'),
    value: fc.oneof(
      fc.record(
        {
          dataset: fc.oneof({ weight: 3, arbitrary: fc.constant('customers') }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.integer() }),
          queryText: fc.oneof({ weight: 4, arbitrary: fc.string({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.integer() }),
          queryOptions: fc.record(
            {
              top: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 50 }) }, { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.string()) }),
              skip: fc.oneof({ weight: 4, arbitrary: fc.nat(100) }, { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.string()) }),
            },
            { requiredKeys: [] },
          ),
          kind: fc.constantFrom('search', 'typeahead'),
        },
        { requiredKeys: ['dataset'] },
      ),
      json,
    ),
  });
  const otherInvoke = fc.record({ type: fc.constant('invoke'), name: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('composeExtension/query', 'task/fetch', 'config/fetch', 'healthCheck')), value: json });
  const otherType = fc.record({ type: fc.oneof(fc.constantFrom('conversationUpdate', 'installationUpdate', 'messageReaction', 'typing', 'event', 'messageUpdate', 'messageDelete'), fc.string({ maxLength: 12 })), value: json });

  const payload = fc.oneof(
    { weight: 3, arbitrary: actionExecute },
    { weight: 2, arbitrary: message },
    { weight: 2, arbitrary: cardSubmit },
    { weight: 2, arbitrary: signInInvoke },
    { weight: 2, arbitrary: search },
    { weight: 1, arbitrary: otherInvoke },
    { weight: 1, arbitrary: otherType },
  );
  const conversation = fc.record({
    kind: fc.oneof({ weight: 12, arbitrary: fc.constantFrom('personal', 'personal', 'channel', 'groupChat') }, { weight: 1, arbitrary: fc.constantFrom('odd', 'emptyId', 'missing') }),
    oddType: fc.string({ maxLength: 10 }),
  });
  const sender = fc.record({ user: fc.nat(), aadMissing: fc.boolean(), fromId: id, replyToId: fc.oneof(fc.constant(undefined), fc.constant('act-card'), fc.string({ maxLength: 10 })) });
  /** Now and then one field of the envelope replaced by any JSON value (the SDK walks some before our code runs). */
  const garble = fc.oneof(
    { weight: 10, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.record({ field: fc.constantFrom('serviceUrl', 'entities', 'attachments', 'text', 'channelData', 'recipient', 'timestamp', 'locale', 'value', 'replyToId', 'channelId'), value: json }) },
  );
  const activityArb = fc.record({ payload, conversation, sender, garble, dropField: fc.oneof({ weight: 10, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('channelId', 'serviceUrl', 'from', 'recipient', 'conversation', 'id', 'type') }) });

  type Generated = typeof activityArb extends fc.Arbitrary<infer T> ? T : never;

  function build(g: Generated): Record<string, unknown> {
    const { payload: p, conversation: c, sender: s } = g;
    const user = users[s.user % users.length];
    const body = JSON.parse(JSON.stringify(p, (_k, v) => (v === 'KNOWN' ? knownRequestIds[0] : v))) as Record<string, unknown>;
    const base = c.kind === 'channel' ? bot.channelActivity(user, body) : bot.activity(user, body);
    const a: Record<string, unknown> = { ...base, replyToId: s.replyToId };
    if (c.kind === 'groupChat') a.conversation = { id: `19:group-${s.user % 3}@thread.v2`, conversationType: 'groupChat', isGroup: true, tenantId: PARTNER_TENANT };
    if (c.kind === 'odd') a.conversation = { id: `19:odd-${randomUUID()}`, conversationType: c.oddType, tenantId: PARTNER_TENANT };
    if (c.kind === 'emptyId') a.conversation = { ...(a.conversation as object), id: '' };
    if (c.kind === 'missing') delete a.conversation;
    if (s.aadMissing) a.from = { id: (a.from as { id: string }).id, name: user.name };
    if (s.fromId !== undefined && s.user % 5 === 0) a.from = { ...(a.from as object), id: s.fromId };
    if (g.dropField) delete a[g.dropField];
    if (g.garble) a[g.garble.field] = g.garble.value;
    if (c.kind === 'channel' && a.conversation === undefined) a.conversation = { id: HELPDESK_CHANNEL };
    return a;
  }

  interface Finding {
    status: number;
    ms: number;
    name?: unknown;
    type?: unknown;
    activity: Record<string, unknown>;
  }

  async function send(activity: Record<string, unknown>): Promise<Finding> {
    const started = Date.now();
    const res = await fetch(`${bot.botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity), signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    if (res) await res.text();
    return { status: res?.status ?? 599, ms: Date.now() - started, name: activity.name, type: activity.type, activity };
  }

  it(`${RUNS} random activities: no 5xx, every invoke within 5 s, no error-level log`, async () => {
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    const byKind = new Map<string, number>();
    const logStart = bot.logs.lines.length;
    await fc.assert(
      fc.asyncProperty(fc.array(activityArb, { minLength: PARALLEL, maxLength: PARALLEL }), async (batch) => {
        const results = await Promise.all(batch.map((g) => send(build(g))));
        for (const r of results) {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          const kind = `${String(r.type)}${r.type === 'invoke' ? ` ${String(r.name).slice(0, 24)}` : ''} ${r.status}`;
          byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
          if (r.status >= 500 || (r.type === 'invoke' && r.ms > INVOKE_DEADLINE_MS)) findings.push(r);
        }
      }),
      // npm test replays one fixed seed (a regression test that does not change between runs); `npm run fuzz`
      // explores a new one each time (fast-check prints it with any failure; FUZZ_SEED replays it).
      { numRuns: Math.ceil(RUNS / PARALLEL), seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : RUNS <= 1000 ? 20261130 : undefined, verbose: false },
    );
    const logs = bot.logs.lines.slice(logStart).map((l) => JSON.parse(l) as Record<string, unknown>);
    const errors = logs.filter((l) => Number(l.level) >= 50);
    const warns = logs.filter((l) => Number(l.level) === 40);
    const summary = {
      runs: RUNS,
      statuses: Object.fromEntries([...statuses.entries()].sort((x, y) => x[0] - y[0])),
      warnLines: warns.length,
      errorLines: errors.length,
      errorMessages: [...new Set(errors.map((e) => String(e.msg)))],
      byKind: Object.fromEntries([...byKind.entries()].filter(([, n]) => n > 2).sort()),
      findings: findings.length,
      findingsOutsideSignIn: findings.filter((f) => !SIGN_IN_INVOKES.has(String(f.name))).length,
    };
    process.stderr.write(`fuzz summary: ${JSON.stringify(summary)}\n`);
    for (const f of findings.slice(0, 10)) process.stderr.write(`fuzz finding: ${f.status} in ${f.ms} ms: ${JSON.stringify(f.activity).slice(0, 600)}\n`);
    for (const e of errors.slice(0, 5)) process.stderr.write(`fuzz error line: ${JSON.stringify(e).slice(0, 600)}\n`);
    expect(findings.map((f) => ({ status: f.status, ms: f.ms, type: f.type, name: f.name }))).toEqual([]);
    expect(errors.map((e) => e.msg)).toEqual([]);
  }, 600_000);
});
