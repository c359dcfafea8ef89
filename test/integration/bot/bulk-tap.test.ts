import { BotHarness, FABRIKAM, NORTHWIND, invokeCard, type TeamsUser } from '../../support/bot-harness';
import { cardOf } from '../../support/recording-connector';

interface World {
  users: Record<string, Array<{ id: string; userPrincipalName: string }>>;
  requests: Array<{ method: string; path: string; status: number }>;
}

const rowIds = (card: unknown) => JSON.stringify(card).match(/"row\.\d+\.[a-z-]+\.[A-Z_]*"/g) ?? [];

/**
 * Issue 14, "the passwords or TAPs reach the requester privately": a `firstCredential` column asks for a
 * Temporary Access Pass per row. The checklist runs the pass's pre-flight per row (a customer whose policy has it
 * disabled leaves those rows out, TAP_POLICY_DISABLED); a created row gets its pass through the single-user
 * temporary-access-pass step, and the one private message lists the pass, marked as such, in place of the password.
 */
describe('bulk creation with Temporary Access Passes', () => {
  const bot = new BotHarness({ passwordRevealMinutes: 5 });
  let ada: TeamsUser;

  beforeAll(async () => {
    await bot.start();
    ada = await bot.teamsUser('ada@contoso-partner.example');
    await bot.signIn(ada);
  }, 90_000);
  afterAll(() => bot.stop());

  it('Northwind (pass policy disabled): the TAP rows are left out TAP_POLICY_DISABLED, the password row is ready; a bad value is left out on its column', async () => {
    const csv = ['firstName,lastName,userName,domain,firstCredential', 'Nw,Tap,nwt.tap,northwindtraders.onmicrosoft.com,TAP', 'Nw,Pwd,nwt.pwd,northwindtraders.onmicrosoft.com,', 'Nw,Odd,nwt.odd,northwindtraders.onmicrosoft.com,sms'].join('\n');
    const checklist = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: NORTHWIND, csv }, 'tap-nw'));
    expect(rowIds(checklist).sort()).toEqual(['"row.2.left-out.TAP_POLICY_DISABLED"', '"row.3.waiting."', '"row.4.left-out.VALIDATION_FAILED"'].sort());
    expect(JSON.stringify(checklist)).toContain('firstCredential: ');
  }, 60_000);

  it('Fabrikam: a TAP row and a password row; one message lists the pass (marked) and the password, one pass made', async () => {
    const csv = ['firstName,lastName,userName,domain,usageLocation,firstCredential', 'Fa,Tap,fbt.tap,fabrikam.example,US,tap', 'Fa,Pwd,fbt.pwd,fabrikam.example,US,password'].join('\n');
    const checklist = invokeCard(await bot.execute(ada, 'bulkCheck', { customerId: FABRIKAM, csv }, 'tap-fb'));
    expect(rowIds(checklist).sort()).toEqual(['"row.2.waiting."', '"row.3.waiting."']);
    const batchId = (checklist.actions as any[]).find((a) => a.verb === 'bulkConfirm').data.batchId as string;
    const before = ((await bot.sandboxState()) as unknown as World).requests.length;
    invokeCard(await bot.execute(ada, 'bulkConfirm', { batchId }, 'tap-fb'));
    await bot.connector.waitFor(() => bot.connector.updates('tap-fb').map(cardOf).find((c) => c && JSON.stringify(c).includes('"batch.done"')), 30_000);

    const after = (await bot.sandboxState()) as unknown as World;
    const tapUser = after.users[FABRIKAM].find((u) => u.userPrincipalName === 'fbt.tap@fabrikam.example')!;
    const pwdUser = after.users[FABRIKAM].find((u) => u.userPrincipalName === 'fbt.pwd@fabrikam.example')!;
    const passCalls = after.requests.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/authentication/temporaryAccessPassMethods'));
    expect(passCalls.map((r) => [r.path.includes(tapUser.id), r.status < 300])).toEqual([[true, true]]);
    expect(passCalls.some((r) => r.path.includes(pwdUser.id))).toBe(false);

    const messages = bot.connector.sent().filter((c) => JSON.stringify(c.body).includes('passwords.shown') && JSON.stringify(c.body).includes('fbt.'));
    expect(messages).toHaveLength(1);
    const inputs: any[] = [];
    const walk = (n: any) => (Array.isArray(n) ? n.forEach(walk) : n && typeof n === 'object' ? (n.id === 'passwords' && inputs.push(n), Object.values(n).forEach(walk)) : undefined);
    walk(cardOf(messages[0]));
    const lines = String(inputs[0].value).split('\n');
    const tapLine = lines.find((l) => l.startsWith('fbt.tap@'))!;
    const pwdLine = lines.find((l) => l.startsWith('fbt.pwd@'))!;
    expect(tapLine.split(',')[2]).toMatch(/^Temporary Access Pass \(one-time\) valid .* UTC$/);
    expect(tapLine.split(',')[1].length).toBeGreaterThan(0);
    expect(pwdLine.split(',')).toHaveLength(2);
  }, 90_000);
});
