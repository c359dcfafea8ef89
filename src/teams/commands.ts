/**
 * The text commands the bot understands, in every scope. The manifest's command lists are checked against this
 * table by a test, so the two cannot drift apart.
 */
export const BOT_COMMANDS = [
  { title: 'new user', description: 'Create a user in a customer tenant through Partner Center' },
  { title: 'bulk', description: 'Create many users at once from a CSV (1:1 chat)' },
  { title: 'history', description: 'List recent user requests, optionally for one customer' },
  { title: 'customers', description: 'List customers with their connection state, and connect them' },
  { title: 'templates', description: 'List the user templates; template administrators edit them' },
  { title: 'help', description: 'What this bot does and how to use it' },
] as const;

export type BotCommand = (typeof BOT_COMMANDS)[number]['title'];

/**
 * `history [all] [csv] [customer] [since YYYY-MM-DD] [until YYYY-MM-DD]`, parsed; dates are UTC days, both
 * inclusive. `all` asks for every team's requests (auditors, 1:1 chat only).
 */
export interface HistoryArgs {
  all: boolean;
  csv: boolean;
  customer: string;
  /** ISO: created at or after. */
  since?: string;
  /** ISO: created before (the day after `until`). */
  before?: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcDay(text: string): Date | undefined {
  const m = DAY.exec(text);
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2026-02-30 over to March: only a date that survives the round trip is real.
  return d.toISOString().slice(0, 10) === text ? d : undefined;
}

export function parseHistoryArgs(text: string): HistoryArgs | { error: string } {
  let rest = text.trim().replace(/^history\b\s*/i, '');
  const flags = { all: false, csv: false };
  for (let m = /^(all|csv)\b\s*/i.exec(rest); m; m = /^(all|csv)\b\s*/i.exec(rest)) {
    flags[m[1].toLowerCase() as keyof typeof flags] = true;
    rest = rest.slice(m[0].length);
  }
  const out: HistoryArgs = { ...flags, customer: '' };
  for (const word of ['since', 'until'] as const) {
    const m = new RegExp(`\\b${word}\\s+(\\S+)`, 'i').exec(rest);
    if (!m) continue;
    const day = utcDay(m[1]);
    if (!day) return { error: `"${m[1]}" is not a date: write it as YYYY-MM-DD, for example \`history ${word} 2026-11-01\`.` };
    if (word === 'since') out.since = day.toISOString();
    else out.before = new Date(day.getTime() + 86_400_000).toISOString();
    rest = rest.replace(m[0], ' ');
  }
  if (out.since && out.before && out.since >= out.before) return { error: '"since" must be on or before "until".' };
  out.customer = rest.replace(/\s+/g, ' ').trim();
  return out;
}
