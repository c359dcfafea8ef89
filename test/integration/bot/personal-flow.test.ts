import { BotHarness, cardText, cardVerbs, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';
import { errorCodeOf } from '../../support/card-error-code';

/**
 * The personal-chat flow end to end over HTTP: real Bot Framework activities into the bot, the real MSAL
 * on-behalf-of exchange against the sandbox's identity provider, the real Partner Center and Graph clients
 * against the sandbox, and a recording connector standing in for Teams.
 */
describe('personal chat: create a customer user', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 0.01 });
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
  });
  afterAll(() => bot.stop());

  const validForm = (userName: string, extra: Record<string, string> = {}) => ({
    customerId: FABRIKAM,
    firstName: 'Grace',
    lastName: 'Hopper',
    displayName: '',
    userName,
    domain: 'fabrikam.example',
    usageLocation: 'GB',
    immutableId: '',
    passwordMode: 'generate',
    password: '',
    forceChangePassword: 'true',
    ticket: 'INC-4711',
    ...extra,
  });

  async function creates(userName: string): Promise<{ requestId: string; confirm: any }> {
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', validForm(userName)));
    const requestId = confirm.actions.find((a: any) => a.verb === 'create').data.requestId as string;
    return { requestId, confirm };
  }

  it('asks an unsigned-in user to sign in with an OAuth card carrying the SSO token exchange resource', async () => {
    const before = bot.connector.sent().length;
    expect((await bot.say(ada, 'New User')).status).toBe(200);
    const sent = bot.connector.sent().slice(before);
    const oauth = sent.flatMap((c) => (c.body.attachments as any[]) ?? []).find((a) => a.contentType === 'application/vnd.microsoft.card.oauth');
    expect(oauth).toBeDefined();
    expect(oauth.content.tokenExchangeResource.uri).toMatch(/^api:\/\/botid-/);
  });

  it('a token exchange that cannot be exchanged answers 412 so Teams falls back', async () => {
    const res = await bot.invoke(ada, 'signin/tokenExchange', { id: 'x', connectionName: 'sso', token: 'not-a-token' });
    expect(res.status).toBe(412);
  });

  it('after the token exchange, resumes with the customer picker', async () => {
    const before = bot.connector.sent().length;
    await bot.signIn(ada);
    const picker = await bot.connector.waitFor(() => bot.connector.sent().slice(before).map(cardOf).find((c) => c && cardText(c).includes('choose the customer')));
    const choices = (picker.body as any[]).find((b) => b.id === 'customerId').choices as Array<{ value: string }>;
    expect(choices.map((c) => c.value)).toContain(FABRIKAM);
  });

  it('picking a customer shows the form with its name and verified domains', async () => {
    const form = invokeCard(await bot.execute(ada, 'pickCustomer', { customerId: FABRIKAM }));
    expect(cardText(form)).toContain('Fabrikam');
    const domainInput = JSON.stringify(form).includes('fabrikam.example');
    expect(domainInput).toBe(true);
    expect(cardVerbs(form)).toEqual(['submitForm', 'cancelForm']);
  });

  it('an invalid submission returns the same form, values kept, a message on each bad field', async () => {
    const form = invokeCard(await bot.execute(ada, 'submitForm', validForm('bad..name.', { firstName: 'Grace', lastName: '', usageLocation: 'XX' })));
    const text = cardText(form);
    expect(text).toContain('Please correct the marked fields');
    const firstName = findInput(form, 'firstName');
    expect(firstName.value).toBe('Grace');
    // one attention line under each bad field
    expect(errorsFor(form)).toEqual(expect.arrayContaining(['userName', 'lastName', 'usageLocation']));
  });

  it('a valid submission shows the confirmation with the customer as Partner Center reports it now', async () => {
    const { confirm } = await creates('grace.hopper');
    const text = cardText(confirm);
    expect(text).toContain('Fabrikam');
    expect(text).toContain(FABRIKAM);
    expect(text).toContain('grace.hopper@fabrikam.example');
    expect(text).toContain('INC-4711');
    expect(cardVerbs(confirm)).toEqual(['create', 'edit', 'cancel']);
  });

  it('Create answers at once with "Creating…", then the result replaces it; a double click creates one user', async () => {
    const { requestId } = await creates('ada.created');
    const cardId = 'act-create-1';
    const [first, second] = await Promise.all([bot.execute(ada, 'create', { requestId }, cardId), bot.execute(ada, 'create', { requestId }, cardId)]);
    const texts = [cardText(invokeCard(first)), cardText(invokeCard(second))];
    expect(texts.some((t) => t.includes('Creating ada.created@fabrikam.example'))).toBe(true);

    const update = await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes('User created')));
    const card = cardOf(update)!;
    const text = cardText(card);
    expect(text).toContain('ada.created@fabrikam.example');
    const password = (findByType(card, 'CodeBlock') as any).codeSnippet as string;
    expect(password.length).toBeGreaterThanOrEqual(12);

    await bot.app.teams.background.drain();
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === 'ada.created@fabrikam.example')).toHaveLength(1);
    const createCalls = state.requests.filter((r) => r.method === 'POST' && r.path === `/v1/customers/${FABRIKAM}/users`);
    const forThis = createCalls.filter((r) => JSON.stringify(r.body).includes('ada.created@'));
    expect(forThis).toHaveLength(1);

    // A third click, later, just shows the result (without the password).
    const again = cardText(invokeCard(await bot.execute(ada, 'create', { requestId }, cardId)));
    expect(again).toContain('User created');
    expect(again).not.toContain(password);

    // The password is removed from the message after its time.
    const removed = await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes('has been removed')));
    expect(JSON.stringify(removed.body)).not.toContain(password);

    // Never in a log line.
    expect(bot.logs.text()).not.toContain(password);
  });

  it('a user name that is already taken is blocked on the confirmation card: no Create button', async () => {
    const confirm = invokeCard(await bot.execute(ada, 'submitForm', validForm('alice.smith')));
    expect(cardVerbs(confirm)).not.toContain('create');
    expect(cardText(confirm)).toContain('Nothing will be sent to Partner Center');
  });

  it('a user name taken since the confirmation fails with a plain sentence, the error code and the correlation id', async () => {
    const first = await creates('taken.meanwhile');
    const second = await creates('taken.meanwhile');
    await bot.execute(ada, 'create', { requestId: second.requestId }, 'act-dup-2');
    await bot.connector.waitFor(() => bot.connector.updates('act-dup-2').find((u) => cardText(cardOf(u)).includes('User created')));
    const createPosts = async () => (await bot.sandboxState()).requests.filter((r) => r.method === 'POST' && /^\/v1\/customers\/[^/]+\/users$/.test(r.path)).length;
    const before = await createPosts();
    await bot.execute(ada, 'create', { requestId: first.requestId }, 'act-dup-1');
    const update = await bot.connector.waitFor(() => bot.connector.updates('act-dup-1').find((u) => cardText(cardOf(u)).includes('was not created')));
    const card = cardOf(update)!;
    const text = cardText(card);
    expect(errorCodeOf(card)).toBe('UPN_TAKEN');
    expect(text).toContain('UPN_TAKEN'); // the visible "Error code" fact a person can quote
    expect(text).toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(cardVerbs(card)).toEqual(['edit', 'openForm']);
    // The final check caught it: the doomed request never reached Partner Center.
    expect(await createPosts()).toBe(before);
  });

  it('Partner Center unavailable: "Try again" reuses the same MS-RequestId and creates exactly one user', async () => {
    await bot.sandbox('POST', '/_sandbox/faults', { method: 'POST', path: '/v1/customers/*/users', kind: 'status', status: 503, count: 50 });
    const { requestId } = await creates('retry.me');
    const cardId = 'act-retry';
    await bot.execute(ada, 'create', { requestId }, cardId);
    const failed = await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes('was not created')), 30_000);
    expect(errorCodeOf(cardOf(failed))).toBe('PARTNER_CENTER_UNAVAILABLE');
    expect(cardVerbs(cardOf(failed))).toContain('retry');

    await bot.sandbox('DELETE', '/_sandbox/faults');
    await bot.execute(ada, 'retry', { requestId }, cardId);
    await bot.connector.waitFor(() => bot.connector.updates(cardId).find((u) => cardText(cardOf(u)).includes('User created')));
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].filter((u) => u.userPrincipalName === 'retry.me@fabrikam.example')).toHaveLength(1);
    const ids = new Set(state.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body).includes('retry.me@')).map((r) => headerOf(r.headers, 'ms-requestid')));
    expect(ids.size).toBe(1);
  }, 60_000);

  it('Edit returns the filled form; Cancel ends the request and nothing is created', async () => {
    const { requestId } = await creates('edit.me');
    const form = invokeCard(await bot.execute(ada, 'edit', { requestId }));
    expect(findInput(form, 'userName').value).toBe('edit.me');
    const cancelled = cardText(invokeCard(await bot.execute(ada, 'cancel', { requestId })));
    expect(cancelled).toContain('cancelled');
    const create = cardText(invokeCard(await bot.execute(ada, 'create', { requestId })));
    expect(create).toContain('cancelled');
    const state = await bot.sandboxState();
    expect(state.users[FABRIKAM].some((u) => u.userPrincipalName === 'edit.me@fabrikam.example')).toBe(false);
  });

  it("someone else cannot act on another person's request", async () => {
    const { requestId } = await creates('not.yours');
    const ben = await bot.teamsUser('ben@contoso-partner.example');
    await bot.signIn(ben);
    const card = invokeCard(await bot.execute(ben, 'create', { requestId }));
    expect(errorCodeOf(card)).toBe('REQUEST_NOT_FOUND');
  });

  it('an unknown verb gets an explicit answer, not a silent 200', async () => {
    const card = invokeCard(await bot.execute(ada, 'dropTables', {}));
    expect(errorCodeOf(card)).toBe('UNKNOWN_ACTION');
  });

  it('an activity from another tenant is refused', async () => {
    const res = await bot.post(bot.activity(ada, { type: 'message', text: 'new user' }, '99999999-9999-4999-8999-999999999999'));
    expect(res.status).toBe(403);
  });

  it('a card action without a signed-in session asks Teams for the SSO token (401 loginRequest)', async () => {
    const erin = await bot.teamsUser('erin@contoso-partner.example');
    const res = await bot.execute(erin, 'openForm', {});
    expect(res.body.statusCode).toBe(401);
    expect(res.body.type).toBe('application/vnd.microsoft.activity.loginRequest');
    expect(res.body.value.tokenExchangeResource.uri).toMatch(/^api:\/\/botid-/);
    // Teams repeats the invoke with the token: the action then goes through.
    const token = await bot.ssoToken(erin.upn);
    const again = await bot.execute(erin, 'openForm', {}, 'act-card', { authentication: { token } });
    expect(cardText(invokeCard(again))).toContain('choose the customer');
  });

  it('a sign-in without MFA is told so before anything reaches Partner Center', async () => {
    const cleo = await bot.teamsUser('cleo@contoso-partner.example');
    const before = bot.connector.sent().length;
    await bot.say(cleo, 'new user');
    const stateBefore = (await bot.sandboxState()).requests.length;
    await bot.signIn(cleo, { mfa: false });
    const card = await bot.connector.waitFor(() => bot.connector.sent().slice(before).map(cardOf).find((c) => c && cardText(c).includes('Multi-factor')));
    expect(card).toBeDefined();
    const after = (await bot.sandboxState()).requests.slice(stateBefore);
    expect(after.filter((r) => r.path.startsWith('/v1/'))).toHaveLength(0);
  });

  it('no token issued by the sandbox and no password ever appears in the logs', async () => {
    const logs = bot.logs.text();
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/);
    expect(logs).not.toMatch(/"password"\s*:\s*"[^"[]/);
  });
});

function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    Object.values(node as object).forEach((n) => walk(n, visit));
  }
}

function findInput(card: unknown, id: string): any {
  let found: any;
  walk(card, (n) => {
    if (n.id === id) found = n;
  });
  if (!found) throw new Error(`no input ${id}`);
  return found;
}

function findByType(card: unknown, type: string): unknown {
  let found: unknown;
  walk(card, (n) => {
    if (n.type === type && !found) found = n;
  });
  return found;
}

/** The inputs that have an attention-coloured message right below them in their container. */
function errorsFor(card: unknown): string[] {
  const ids: string[] = [];
  walk(card, (n) => {
    const items = (n.items ?? n.body) as Array<Record<string, unknown>> | undefined;
    if (!Array.isArray(items)) return;
    items.forEach((item, i) => {
      const next = items[i + 1];
      if (typeof item.id === 'string' && next?.type === 'TextBlock' && next.color === 'Attention') ids.push(item.id);
    });
  });
  return ids;
}

function headerOf(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}
