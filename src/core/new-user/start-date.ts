/**
 * The new user's first day, as the form takes it: a date and an optional time (default 08:00) in a time zone
 * (IANA name; the customer's, when known), turned into one instant. Pure: `now` is passed in.
 */

import { BoundedMap } from '../bounded-map';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d)?$/;
/** How far ahead a start date may be (a Temporary Access Pass is made at the start; a year covers any hiring). */
export const START_MAX_DAYS = 365;

/**
 * One formatter per style and zone, made once: building an Intl.DateTimeFormat loads the zone's ICU data and cost
 * ≈ 1 % of the bot's CPU under load when every form and review built three (issue 16). Bounded, since the zone
 * comes from people (a template, the form); an unknown zone is remembered as such (`null`).
 */
const STYLES: Record<'offset' | 'local' | 'people' | 'check', Intl.DateTimeFormatOptions> = {
  offset: { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' },
  local: { hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' },
  people: { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  check: {},
};
const formatters = new BoundedMap<string, Intl.DateTimeFormat | null>(256);
function formatter(style: 'offset' | 'local' | 'people' | 'check', zone: string): Intl.DateTimeFormat | null {
  const key = `${style} ${zone}`;
  let f = formatters.get(key);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat(style === 'people' ? 'en-GB' : 'en-US', { timeZone: zone, ...STYLES[style] });
    } catch {
      f = null;
    }
    formatters.set(key, f);
  }
  return f;
}

/** The offset (ms) of `timeZone` from UTC at `instant`. */
function offsetMs(instant: Date, timeZone: string): number {
  const parts = Object.fromEntries(
    formatter('offset', timeZone)!
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** Whether `zone` is an IANA time zone this runtime knows (Node ships full ICU). */
export function isTimeZone(zone: string): boolean {
  if (!zone || zone.length > 64) return false;
  return formatter('check', zone) !== null;
}

/** The zones the form offers (UTC first); a template may name any other valid zone. */
export const COMMON_TIME_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/Amsterdam',
  'Europe/Madrid',
  'Europe/Warsaw',
  'Europe/Helsinki',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Dubai',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Australia/Sydney',
  'Pacific/Auckland',
] as const;

export type ZonedInstant = { ok: true; at: Date } | { ok: false; reason: 'invalid' | 'skipped' };

/**
 * The instant a wall-clock date and time in `timeZone` stands for. Across a DST change: a local time that does
 * not exist (clocks jump forward over it, e.g. 02:30 on the last Sunday of March in Europe/Berlin) is refused
 * (`skipped`: the person picks another time, the bot does not guess); a local time that exists twice (clocks go
 * back) is the first of the two, the earlier instant, so a first day never starts later than the person meant.
 */
export function resolveZoned(date: string, time: string, timeZone: string): ZonedInstant {
  const d = DATE.exec(date);
  const t = TIME.exec(time);
  if (!d || !t || !isTimeZone(timeZone)) return { ok: false, reason: 'invalid' };
  const wall = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  const check = new Date(wall);
  if (check.getUTCFullYear() !== Number(d[1]) || check.getUTCMonth() !== Number(d[2]) - 1 || check.getUTCDate() !== Number(d[3])) return { ok: false, reason: 'invalid' };
  // The offsets a day either side cover any one DST change; a candidate is real when it reads back as `wall`.
  const candidates = [offsetMs(new Date(wall - 86_400_000), timeZone), offsetMs(new Date(wall + 86_400_000), timeZone)]
    .map((o) => wall - o)
    .filter((c) => c + offsetMs(new Date(c), timeZone) === wall);
  if (candidates.length === 0) return { ok: false, reason: 'skipped' };
  return { ok: true, at: new Date(Math.min(...candidates)) };
}

/** The instant, or undefined for a date or time that is not one (see resolveZoned for the DST rule). */
export function zonedInstant(date: string, time: string, timeZone: string): Date | undefined {
  const r = resolveZoned(date, time, timeZone);
  return r.ok ? r.at : undefined;
}

/** An instant as the form's date and time inputs in `timeZone` (to show a stored first day on the form again). */
export function localDateTime(iso: string, timeZone: string): { date: string; time: string } {
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const p = Object.fromEntries(
    formatter('local', zone)!
      .formatToParts(new Date(iso))
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

/**
 * A first day as people read it: in its zone, with UTC beside it ("Mon 7 Dec 2026 08:00 Europe/Berlin (07:00
 * UTC)"); in UTC alone when the zone is UTC or unknown (requests stored before zones existed).
 */
export function formatStart(iso: string, timeZone?: string): string {
  const at = new Date(iso);
  const zone = timeZone && timeZone !== 'UTC' && isTimeZone(timeZone) ? timeZone : 'UTC';
  const p = Object.fromEntries(
    formatter('people', zone)!
      .formatToParts(at)
      .map((x) => [x.type, x.value]),
  );
  const local = `${p.weekday} ${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute}`;
  return zone === 'UTC' ? `${local} UTC` : `${local} ${zone} (${iso.slice(11, 16)} UTC)`;
}

export type StartParse = { ok: true; startAt?: Date } | { ok: false; message: string; code?: 'START_TIME_SKIPPED' };

/** '' date: no start date. A time without a date is a mistake; a start in the past or too far ahead is refused. */
export function parseStart(date: string, time: string, timeZone: string, now: Date): StartParse {
  if (date === '' && time === '') return { ok: true };
  if (date === '') return { ok: false, message: 'Choose a start date, or clear the start time.' };
  const resolved = resolveZoned(date, time === '' ? '08:00' : time, timeZone);
  if (!resolved.ok && resolved.reason === 'skipped') {
    return { ok: false, code: 'START_TIME_SKIPPED', message: `That time does not exist on that day in ${timeZone} (the clocks go forward): choose another time.` };
  }
  if (!resolved.ok) return { ok: false, message: 'Enter the start as a date (and a time, HH:MM).' };
  const at = resolved.at;
  if (at.getTime() <= now.getTime()) return { ok: false, message: 'The start must be in the future; leave it empty to create the user now.' };
  if (at.getTime() > now.getTime() + START_MAX_DAYS * 86_400_000) return { ok: false, message: `The start must be within ${START_MAX_DAYS} days.` };
  return { ok: true, startAt: at };
}
