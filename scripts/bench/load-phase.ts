import { wholeRequest, type Driver, type Engineer, type RequestTiming } from './driver';

/**
 * The two shapes of load the benchmark puts on a bot.
 *
 * - Working: what the target of issue 16 names, "50 engineers working at once (no think time)". Each engineer has
 *   one request in flight and starts the next the moment the last one's result card arrives, so 50 requests are
 *   always under way. A person fills one form at a time; a helpdesk of 50 is 50 requests at once, not 200.
 * - Burst: the probe the issue was filed from, every engineer raising all their requests in the same instant
 *   (50 × 4 = 200 `new user` messages in one second). With one core and a closed queue, the last turn of a burst
 *   waits for the CPU of every turn ahead of it, whatever the bot does, so the same burst is put on the bare echo
 *   bot beside it: its figures are the floor of that shape.
 */
export async function workingLoad(d: Driver, team: Engineer[], each: number): Promise<RequestTiming[]> {
  const timings: RequestTiming[] = [];
  await Promise.all(
    team.map(async (e) => {
      for (let i = 0; i < each; i++) timings.push({ ...(await wholeRequest(d, e)), wave: i });
    }),
  );
  return timings;
}

export function burstLoad(d: Driver, team: Engineer[], each: number): Promise<RequestTiming[]> {
  return Promise.all(team.flatMap((e) => Array.from({ length: each }, () => wholeRequest(d, e))));
}

/** The echo bot under the working shape: each engineer sends `turns` messages one after another, all at once. */
export async function echoWorking(echo: Driver, team: Engineer[], turns: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    team.map(async (e) => {
      for (let i = 0; i < turns; i++) latencies.push(await timedSay(echo, e, `hello ${i}`));
    }),
  );
  return latencies;
}

/** The echo bot under the burst shape: `each` messages from every engineer in the same instant. */
export function echoBurst(echo: Driver, team: Engineer[], each: number): Promise<number[]> {
  return Promise.all(team.flatMap((e) => Array.from({ length: each }, (_, i) => timedSay(echo, e, `burst ${i}`))));
}

async function timedSay(echo: Driver, e: Engineer, text: string): Promise<number> {
  const t0 = performance.now();
  const r = await echo.say(e, text);
  if (r.status !== 200) throw new Error(`echo bot answered ${r.status}`);
  return performance.now() - t0;
}
