/**
 * The new user's first day, as the form takes it: a date and an optional time (default 08:00) in a time zone
 * (IANA name; the customer's, when known), turned into one instant. Pure: `now` is passed in.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$/;
/** How far ahead a start date may be (a Temporary Access Pass is made at the start; a year covers any hiring). */
export const START_MAX_DAYS = 365;

/** The offset (ms) of `timeZone` from UTC at `instant`. */
function offsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a wall-clock date and time in `timeZone` stands for (the later one across a DST change). */
export function zonedInstant(date: string, time: string, timeZone: string): Date | undefined {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t) return undefined;
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  const check = new Date(wall);
  if (check.getUTCFullYear() !== Number(d[1]) || check.getUTCMonth() !== Number(d[2]) - 1 || check.getUTCDate() !== Number(d[3])) return undefined;
  // Two passes: the offset at the guessed instant may differ from the offset at the true one near a DST change.
  let guess = wall - offsetMs(new Date(wall), timeZone);
  guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

export type StartParse = { ok: true; startAt?: Date } | { ok: false; message: string };

/** '' date: no start date. A time without a date is a mistake; a start in the past or too far ahead is refused. */
export function parseStart(date: string, time: string, timeZone: string, now: Date): StartParse {
  if (date === '' && time === '') return { ok: true };
  if (date === '') return { ok: false, message: 'Choose a start date, or clear the start time.' };
  const at = zonedInstant(date, time === '' ? '08:00' : time, timeZone);
  if (!at) return { ok: false, message: 'Enter the start as a date (and a time, HH:MM).' };
  if (at.getTime() <= now.getTime()) return { ok: false, message: 'The start must be in the future; leave it empty to create the user now.' };
  if (at.getTime() > now.getTime() + START_MAX_DAYS * 86_400_000) return { ok: false, message: `The start must be within ${START_MAX_DAYS} days.` };
  return { ok: true, startAt: at };
}
