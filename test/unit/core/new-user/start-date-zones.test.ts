import { formatStart, isTimeZone, localDateTime, resolveZoned } from '../../../../src/core/new-user/start-date';

/** The first day in the customer's zone: instants from local times across DST changes, and how cards show them. */
describe('start date in a time zone', () => {
  it('a local time in winter and summer: the zone\'s offset at that date', () => {
    expect(resolveZoned('2026-12-07', '08:00', 'Europe/Berlin')).toEqual({ ok: true, at: new Date('2026-12-07T07:00:00Z') });
    expect(resolveZoned('2027-07-05', '08:00', 'Europe/Berlin')).toEqual({ ok: true, at: new Date('2027-07-05T06:00:00Z') });
    expect(resolveZoned('2027-07-05', '08:00', 'America/Los_Angeles')).toEqual({ ok: true, at: new Date('2027-07-05T15:00:00Z') });
    expect(resolveZoned('2026-12-07', '08:00', 'Asia/Kolkata')).toEqual({ ok: true, at: new Date('2026-12-07T02:30:00Z') });
    expect(resolveZoned('2026-12-07', '08:00', 'UTC')).toEqual({ ok: true, at: new Date('2026-12-07T08:00:00Z') });
  });

  it('a local time the clocks jump over (spring forward) is refused as skipped, not guessed', () => {
    expect(resolveZoned('2027-03-28', '02:30', 'Europe/Berlin')).toEqual({ ok: false, reason: 'skipped' });
    expect(resolveZoned('2027-03-14', '02:15', 'America/New_York')).toEqual({ ok: false, reason: 'skipped' });
    // The minutes either side exist.
    expect(resolveZoned('2027-03-28', '01:59', 'Europe/Berlin')).toEqual({ ok: true, at: new Date('2027-03-28T00:59:00Z') });
    expect(resolveZoned('2027-03-28', '03:00', 'Europe/Berlin')).toEqual({ ok: true, at: new Date('2027-03-28T01:00:00Z') });
  });

  it('a local time that happens twice (fall back) is the first of the two, the earlier instant', () => {
    // 2026-10-25 02:30 in Berlin: 00:30 UTC (summer time) and 01:30 UTC (winter time).
    expect(resolveZoned('2026-10-25', '02:30', 'Europe/Berlin')).toEqual({ ok: true, at: new Date('2026-10-25T00:30:00Z') });
    expect(resolveZoned('2026-11-01', '01:30', 'America/New_York')).toEqual({ ok: true, at: new Date('2026-11-01T05:30:00Z') });
  });

  it('zones are checked with Intl; nonsense dates and zones are invalid', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(resolveZoned('2026-02-30', '08:00', 'UTC')).toEqual({ ok: false, reason: 'invalid' });
    expect(resolveZoned('2026-12-07', '08:00', 'Nowhere/Place')).toEqual({ ok: false, reason: 'invalid' });
  });

  it('cards show the start in its zone with UTC beside it; UTC alone without a zone', () => {
    expect(formatStart('2026-12-07T07:00:00.000Z', 'Europe/Berlin')).toBe('Mon 7 Dec 2026 08:00 Europe/Berlin (07:00 UTC)');
    expect(formatStart('2026-12-07T08:00:00.000Z')).toBe('Mon 7 Dec 2026 08:00 UTC');
    expect(formatStart('2026-12-07T08:00:00.000Z', 'UTC')).toBe('Mon 7 Dec 2026 08:00 UTC');
  });

  it('a stored first day back into the form\'s date and time in its zone (an edit keeps what was entered)', () => {
    expect(localDateTime('2026-12-07T07:00:00.000Z', 'Europe/Berlin')).toEqual({ date: '2026-12-07', time: '08:00' });
    expect(localDateTime('2026-12-07T02:30:00.000Z', 'America/Los_Angeles')).toEqual({ date: '2026-12-06', time: '18:30' });
  });
});
