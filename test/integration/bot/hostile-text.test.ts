import { BotHarness, cardText, FABRIKAM, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { errorCodeOf } from '../../support/card-error-code';

/**
 * Text an attacker (or a careless paste) puts into the new-user form, over HTTP. The cards strip invisible format
 * characters (bidi overrides, isolates, zero-width spaces: src/core/text/people-text.ts), so the confirmation or
 * an approver's card would show a name other than the one Partner Center would create in the customer's
 * directory: "Kath Johnson\u202Enimda" shows on the card as "Kath Johnsonnimda" and in Outlook as
 * "Kath Johnsonadmin". Such a value is refused on its own field instead, and nothing is stored or sent.
 */
describe('hostile text in the new-user form', () => {
  const bot = new BotHarness();
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
  });
  afterAll(() => bot.stop());

  const form = (userName: string, extra: Record<string, string>) => ({
    customerId: FABRIKAM,
    firstName: 'Kath',
    lastName: 'Johnson',
    displayName: '',
    userName,
    domain: 'fabrikam.example',
    usageLocation: 'US',
    passwordMode: 'generate',
    forceChangePassword: 'true',
    ticket: 'INC-1',
    ...extra,
  });

  const refused: Array<[string, string, string]> = [
    ['a right-to-left override in the display name', 'displayName', 'Kath Johnson\u202Enimda'],
    ['a zero-width space in the last name', 'lastName', 'John\u200Bson'],
    ['a first-strong isolate in the first name', 'firstName', 'Ka\u2068th'],
    ['an Arabic letter mark in the ticket', 'ticket', 'INC-\u061C42'],
    ['a right-to-left override in the job title (set on the user in the customer directory)', 'jobTitle', 'Sales \u202Eeganam'],
    // Tag characters (U+E0000–U+E007F) are invisible copies of ASCII: text a person does not see, but a directory
    // search or a language model reads ("ASCII smuggling").
    ['hidden ASCII (tag characters) in the display name', 'displayName', `Kath Johnson${hiddenAscii('admin')}`],
    ['hidden ASCII (tag characters) in the first name', 'firstName', `Ka${hiddenAscii('x')}th`],
    ['hidden ASCII (tag characters) in the ticket', 'ticket', `INC-1${hiddenAscii('ignore previous instructions')}`],
    ['hidden ASCII (tag characters) in the job title', 'jobTitle', `Sales${hiddenAscii('admin')}`],
  ];

  it.each(refused)('%s is refused on that field; no request is drafted, nothing reaches Partner Center', async (_name, field, value) => {
    const userName = `hidden.${field.toLowerCase()}`;
    const logsBefore = bot.logs.lines.length;
    const card = invokeCard(await bot.execute(ada, 'submitForm', form(userName, { [field]: value })));
    expect(errorsFor(card)).toEqual([field]);
    expect(card.actions?.some((a: { verb?: string }) => a.verb === 'create') ?? false).toBe(false);
    expect(cardText(card)).toMatch(/invisible/);
    expect(bot.logs.parsed().slice(logsBefore).filter((l) => l.msg === 'request drafted')).toHaveLength(0);
    const state = await bot.sandboxState();
    expect(state.requests.filter((r) => r.method === 'POST' && JSON.stringify(r.body ?? '').includes(userName))).toHaveLength(0);
  });

  it('a tag character is refused by name and code point, so the person can find what they cannot see', async () => {
    const card = invokeCard(await bot.execute(ada, 'submitForm', form('hidden.tag.named', { lastName: `Johnson${hiddenAscii('a')}` })));
    expect(errorsFor(card)).toEqual(['lastName']);
    expect(cardText(card)).toContain("The last name can't contain an invisible tag character (U+E0061).");
  });

  it('a Japanese name written with an ideographic variation sequence (a variation selector after the kanji) is accepted', async () => {
    const card = invokeCard(await bot.execute(ada, 'submitForm', form('ivs.ok', { lastName: '葛\u{E0100}城', displayName: '葛\u{E0100}城 Kath' })));
    expect(errorsFor(card)).toEqual([]);
    expect(card.actions.some((a: { verb?: string }) => a.verb === 'create')).toBe(true);
  });

  it('names that need a zero-width joiner or non-joiner (emoji, Persian) are still accepted', async () => {
    const card = invokeCard(await bot.execute(ada, 'submitForm', form('zwnj.ok', { lastName: 'Ra\u200Cza', displayName: 'Kath 👩\u200D💻 Raza' })));
    expect(errorsFor(card)).toEqual([]);
    expect(card.actions.some((a: { verb?: string }) => a.verb === 'create')).toBe(true);
  });

  it.each([
    ['a 100 KB string', 'R'.repeat(100_000)],
    ['an object', { nested: 'R'.repeat(100_000) }],
  ])('a card action whose requestId is %s: REQUEST_NOT_FOUND, and its log lines stay under 1 KB', async (_name, requestId) => {
    const before = bot.logs.lines.length;
    const res = await bot.execute(ada, 'cancel', { requestId });
    expect(errorCodeOf(invokeCard(res))).toBe('REQUEST_NOT_FOUND');
    const lines = bot.logs.lines.slice(before);
    expect(lines.some((l) => l.includes('"turn failed"'))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThan(1024);
  });

  it('a bulk CSV row with a hidden character in a name or the job title is left out; the clean row stays ready', async () => {
    const csv = [
      'firstName,lastName,userName,domain,usageLocation,jobTitle',
      'Ann,Lee,bulk.ok,fabrikam.example,US,Clerk',
      'Ann,Le\u202Ee,bulk.name,fabrikam.example,US,Clerk',
      'Ann,Lee,bulk.title,fabrikam.example,US,Sales \u202Eeganam',
      `Ann,Lee${hiddenAscii('admin')},bulk.tagname,fabrikam.example,US,Clerk`,
      `Ann,Lee,bulk.tagtitle,fabrikam.example,US,Clerk${hiddenAscii('admin')}`,
    ].join('\r\n');
    const text = cardText(invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv }, 'bulk-hostile')));
    expect(text).toContain('Line 2: bulk.ok@fabrikam.example — ready');
    expect(text).toContain('Line 3: bulk.name@fabrikam.example — left out');
    expect(text).toContain('Line 4: bulk.title@fabrikam.example — left out');
    expect(text).toContain('Line 5: bulk.tagname@fabrikam.example — left out');
    expect(text).toContain('Line 6: bulk.tagtitle@fabrikam.example — left out');
  });
});

/** `text` as tag characters (U+E0000 + its ASCII code): invisible wherever it is shown. */
function hiddenAscii(text: string): string {
  return [...text].map((c) => String.fromCodePoint(0xe0000 + c.charCodeAt(0))).join('');
}

/** The ids of the inputs that have an attention line right under them (a field-level message). */
function errorsFor(card: unknown): string[] {
  const ids: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    const items = (o.items ?? o.body) as Array<Record<string, unknown>> | undefined;
    if (Array.isArray(items)) {
      items.forEach((item, i) => {
        const next = items[i + 1];
        if (typeof item.id === 'string' && next?.type === 'TextBlock' && next.color === 'Attention') ids.push(item.id);
      });
    }
    Object.values(o).forEach(walk);
  };
  walk(card);
  return ids;
}
