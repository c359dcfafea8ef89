import type { Clock } from '../../src/core/ports';

/**
 * A domain clock a test moves forward (`startApplication(config, { clock })`): due work, request times and first
 * days follow it. Token checks do not: the bot keeps the real clock for SSO verification and sign-in sessions
 * (src/main.ts), because the sandbox issues tokens on real time and MSAL judges them on real time; sharing this
 * clock would make every fresh token look a day old, or a day early, once the test moves it.
 */
export class MovableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Moves to `at` (never backwards: work already done must not become due again). */
  advanceTo(at: Date): void {
    this.offsetMs += Math.max(0, at.getTime() - this.now().getTime());
  }
}
