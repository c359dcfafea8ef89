import { parseStart, zonedInstant } from '../../../../src/core/new-user/start-date';

const now = new Date('2026-11-30T07:00:00Z');

describe('start date', () => {
  it('turns a wall-clock time in the customer’s zone into one instant, across daylight saving', () => {
    expect(zonedInstant('2026-12-01', '08:00', 'UTC')?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(zonedInstant('2026-12-01', '08:00', 'Europe/Berlin')?.toISOString()).toBe('2026-12-01T07:00:00.000Z');
    expect(zonedInstant('2026-07-01', '08:00', 'Europe/Berlin')?.toISOString()).toBe('2026-07-01T06:00:00.000Z');
    expect(zonedInstant('2026-12-01', '09:30', 'America/New_York')?.toISOString()).toBe('2026-12-01T14:30:00.000Z');
    expect(zonedInstant('2026-02-30', '08:00', 'UTC')).toBeUndefined();
  });

  it('is optional, defaults to 08:00, and must lie ahead (within a year)', () => {
    expect(parseStart('', '', 'UTC', now)).toEqual({ ok: true });
    expect(parseStart('2026-12-01', '', 'UTC', now)).toEqual({ ok: true, startAt: new Date('2026-12-01T08:00:00Z') });
    expect(parseStart('', '08:00', 'UTC', now).ok).toBe(false);
    expect(parseStart('2026-11-29', '08:00', 'UTC', now).ok).toBe(false);
    expect(parseStart('2028-01-01', '08:00', 'UTC', now).ok).toBe(false);
    expect(parseStart('tomorrow', '', 'UTC', now).ok).toBe(false);
  });
});
