/**
 * `npm run bench` (builds first): the bot's performance against its targets (issue 16), on the compiled bot
 * (`node dist/src/main.js`) with the sandbox in its own process, a local Bot Framework issuer signing every inbound
 * activity (the bot verifies each) and the recording connector as Teams; the embedded SQLite store.
 *
 * Every figure is printed with its target and PASS/FAIL. The exit code is non-zero on a FAIL only with
 * `--strict` (or BENCH_STRICT=true): latency on a shared machine varies, and CI should not flicker on it.
 * Sizes: BENCH_ENGINEERS (50), BENCH_REQUESTS_EACH (4), BENCH_PENDING (1000). BENCH_PROFILE=<dir>: a CPU profile of the bot
 * for each phase (turns-1 to turns-7, one a round; load; pending), taken through its own inspector so each shows that phase alone.
 * BENCH_PHASES=turns,load,…: only those phases (start, turns, counts, load, msal, preflight, pending; default all),
 * to look at one while changing the code; the figures of a partial run are not the benchmark's.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { SANDBOX_IDENTITY } from '../../src/config';
import { BotFrameworkIssuer } from '../../test/support/bot-framework-issuer';
import { freePort } from '../../test/support/free-port';
import { RecordingConnector } from '../../test/support/recording-connector';
import { PARTNER_TENANT } from '../../test/support/sandbox-network';
import { cardOfAnswer, Driver, form, STEPS, userName, wholeRequest, type Engineer, type RequestTiming, type Step } from './driver';
import { burstLoad, echoBurst, echoWorking, workingLoad } from './load-phase';
import { Child, sandboxBotEnv, teamsAuthEnv } from './processes';
import { Report, percentile } from './report';

const ROOT = join(__dirname, '..', '..');
const ENGINEERS = Number(process.env.BENCH_ENGINEERS ?? 50);
const EACH = Number(process.env.BENCH_REQUESTS_EACH ?? 4);
const PENDING = Number(process.env.BENCH_PENDING ?? 1000);
/**
 * Whole requests run before the one-at-a-time figures are taken. The figures are the steady state of a bot that
 * has been serving a helpdesk for a while, as the echo bot's are after its own warm-up (ECHO_WARM_UP, below). V8
 * optimises the ~450 functions a request runs one by one as each becomes hot; measured with --trace-opt (p-jit),
 * that tails off over the first few hundred requests (compiler thread ≈ 10–15 ms a request around request 50, ≈ 5 ms
 * around request 270), with no deopt loop and no code generated per request. With 30 the figures still carried that
 * tail (review 10–13 ms against 7 ms warm). The cold start is reported on its own: the first-round figure of the load
 * phase.
 */
const WARM_UP = Number(process.env.BENCH_WARMUP ?? 300);
/**
 * Echo bot message turns run before the one-at-a-time figures: its own steady state. Its turn kept getting cheaper
 * long after 1,200 turns (the bot's warm-up × 4, what it had until 2 December): with BENCH_WARMUP=1200 its turn
 * before each of the bot's was 3.1 ms against 4.1 ms with 300, while the bot's review stayed at ≈ 6 ms, so the
 * ratios were read against a baseline still warming up (review 1.57× against 1.92×). An echo bot alone fell from
 * 4.0 ms in its first 250 turns to 2.1–3.0 ms after 2,000–3,000.
 */
const ECHO_WARM_UP = Number(process.env.BENCH_ECHO_WARMUP ?? 5000);
const STRICT = process.argv.includes('--strict') || process.env.BENCH_STRICT === 'true';
const PHASES = new Set((process.env.BENCH_PHASES ?? 'start,turns,counts,load,msal,preflight,pending').split(',').map((p) => p.trim()));
const PROFILE_DIR = process.env.BENCH_PROFILE;
// The bot writes its profiles there; a folder that does not exist yet would make that write fail inside the bot.
if (PROFILE_DIR) mkdirSync(PROFILE_DIR, { recursive: true });
/** Node/V8 flags the bot runs with: BENCH_BOT_NODE_FLAGS, to try others, else the ones App Service starts it with. */
const NODE_FLAGS = (process.env.BENCH_BOT_NODE_FLAGS ?? '').split(' ').filter(Boolean);
const BOT_ID = SANDBOX_IDENTITY.botId;
const APP_TOKEN = `bench-app-token-${randomUUID()}`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const say = (s: string) => process.stdout.write(`${s}\n`);
const loadAtBenchStart = load();

async function main(): Promise<void> {
  const report = new Report();
  const connector = new RecordingConnector();
  await connector.start();
  const issuer = await new BotFrameworkIssuer().start();
  const bearer = await issuer.token(BOT_ID, connector.url, { expiresInSeconds: 3 * 3600 });
  const dirs: string[] = [];
  const children: Child[] = [];
  // Whatever ends the benchmark, its processes end with it.
  process.on('exit', () => children.forEach((c) => c.alive && c.proc.kill('SIGKILL')));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  const dataDir = () => {
    const d = mkdtempSync(join(tmpdir(), 'bench-'));
    dirs.push(d);
    return d;
  };
  try {
    say(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB; load average at start ${load()}`);
    if (PHASES.size < 7) say(`Only the phases ${[...PHASES].join(', ')} (BENCH_PHASES): not the whole benchmark.`);

    // The sandbox in its own process, with the benchmark's engineers added to its seed.
    const sandboxPort = await freePort();
    const sandbox = Child.start('sandbox', [join(ROOT, 'dist/scripts/bench/fixtures/sandbox.js')], { SANDBOX_PORT: String(sandboxPort), BENCH_ENGINEERS: String(ENGINEERS + 10) });
    children.push(sandbox);
    const sandboxUrl = await sandbox.listeningUrl();

    const key = randomBytes(32).toString('hex');
    const botEnv = (port: number) => sandboxBotEnv({ sandboxPort, port, dataDir: dataDir(), key, metadataUrl: issuer.metadataUrl, appToken: APP_TOKEN });

    // 1. Start: `node dist/src/main.js` until /healthz answers 200, three fresh starts.
    // Beside the wall time, the CPU time the process used until it answered: on a busy machine the wall time grows
    // with the load, the CPU time hardly does.
    const starts: number[] = [];
    const startCpu: number[] = [];
    for (let i = 0; i < (PHASES.has('start') ? 2 : 0); i++) {
      const port = await freePort();
      const t0 = performance.now();
      const c = Child.start('bot (start)', [join(ROOT, 'dist/src/main.js')], botEnv(port));
      starts.push(await c.waitReady(`http://127.0.0.1:${port}/healthz`, t0));
      startCpu.push(c.cpuMs());
      await c.stop();
    }
    const botPort = await freePort();
    const t0 = performance.now();
    const bot = Child.start('bot', [...NODE_FLAGS, '--expose-gc', '-r', join(ROOT, 'dist/scripts/bench/fixtures/bot-preload.js'), join(ROOT, 'dist/src/main.js')], botEnv(botPort), true);
    children.push(bot);
    starts.push(await bot.waitReady(`http://127.0.0.1:${botPort}/healthz`, t0));
    startCpu.push(bot.cpuMs());
    const logTail: string[] = [];
    let logSink: ((entry: Record<string, unknown>) => void) | undefined;
    let logLines = 0;
    // BENCH_BOT_LOG=<file>: the bot's log lines, e.g. to read each card action's own duration beside the client's.
    const botLog = process.env.BENCH_BOT_LOG;
    bot.onLine = (l) => {
      logLines++;
      if (botLog) appendFileSync(botLog, `${l}\n`);
      logTail.push(l);
      if (logTail.length > 100) logTail.shift();
      if (logSink && (l.includes('"upstream call"') || l.includes('"pre-flight checks"'))) logSink(JSON.parse(l) as Record<string, unknown>);
    };
    /** `work` with a CPU profile of the bot around it when BENCH_PROFILE is set (<dir>/<name>.cpuprofile). */
    const profiled = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      if (!PROFILE_DIR) return work();
      await bot.ask('profile-start');
      try {
        return await work();
      } finally {
        await bot.ask('profile-stop', { file: join(PROFILE_DIR, `${name}.cpuprofile`) });
      }
    };
    const startMs = percentile(starts, 50);
    report.add('start: node dist/src/main.js → /healthz 200 (median of 3)', startMs, '≤ 3000 ms', startMs <= 3000, 'ms', `each ${starts.map((s) => s.toFixed(0)).join(', ')} ms wall, ${startCpu.map((s) => s.toFixed(0)).join(', ')} ms CPU; load ${load()}`);

    // Two echo bots, the same adapter and Application: one on the bot's own process setup (a node:http server, as
    // src/teams/http-server.ts), the baseline of the ratios; one on express, as the teams-ai samples have it, shown
    // beside it (what express adds to each turn).
    const startEcho = async (name: string, http: 'node' | 'express') => {
      const port = await freePort();
      const child = Child.start(name, ['-r', join(ROOT, 'dist/scripts/bench/fixtures/bot-preload.js'), join(ROOT, 'dist/scripts/bench/fixtures/echo-bot.js')], { PORT: String(port), ECHO_HTTP: http, ...teamsAuthEnv(issuer.metadataUrl, APP_TOKEN) }, true);
      children.push(child);
      await child.waitReady(`http://127.0.0.1:${port}/healthz`, performance.now());
      return { child, port };
    };
    const { child: echo, port: echoPort } = await startEcho('echo bot', 'node');
    const { child: echoExpress, port: echoExpressPort } = await startEcho('echo bot (express)', 'express');

    const d = new Driver(`http://127.0.0.1:${botPort}`, sandboxUrl, connector, bearer);
    const echoDriver = new Driver(`http://127.0.0.1:${echoPort}`, sandboxUrl, connector, bearer);
    const echoExpressDriver = new Driver(`http://127.0.0.1:${echoExpressPort}`, sandboxUrl, connector, bearer);
    const engineers: Engineer[] = [];
    for (let i = 1; i <= ENGINEERS + 10; i++) engineers.push(await d.engineer(`engineer${String(i).padStart(4, '0')}@contoso-partner.example`));
    const loadTeam = engineers.slice(0, ENGINEERS);
    const msalTeam = engineers.slice(ENGINEERS, ENGINEERS + 4);
    const soloist = engineers[ENGINEERS + 4];
    for (const e of loadTeam) await d.signIn(e);
    await d.signIn(soloist);

    // 2. CPU per turn, one turn at a time (CPU time of every thread of the process, from /proc).
    const perTurn = async (child: Child, n: number, turn: (i: number) => Promise<unknown>) => {
      for (let i = 0; i < 10; i++) await turn(i); // warm-up
      const before = child.cpuMs();
      for (let i = 0; i < n; i++) await turn(i);
      return (child.cpuMs() - before) / n;
    };
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    let soloWhole = Number.NaN;
    if (PHASES.has('turns')) {
      const echoExpressTurn = await perTurn(echoExpress, 300, async (i) => {
        const r = await echoExpressDriver.say(soloist, `hello ${i}`);
        if (r.status !== 200) throw new Error(`echo bot (express) answered ${r.status}`);
      });
      const helpTurn = await perTurn(bot, 100, async () => {
        const r = await d.say(soloist, 'help');
        if (r.status !== 200) throw new Error(`help answered ${r.status}`);
      });
      // Warm-up: JIT, caches, MSAL. Spread over 25 personal chats of the soloist: the bot paces itself to Teams'
      // 50 messages a conversation per 30 s, which in one chat made the warm-up take minutes of waiting.
      const warmChats = Array.from({ length: 25 }, () => ({ ...soloist, conversation: `a:personal-${randomUUID()}` }));
      for (let i = 0; i < WARM_UP; i++) await wholeRequest(d, warmChats[i % warmChats.length]);
      // The echo bot warmed up to its own steady state (ECHO_WARM_UP): V8 optimises its functions as they become
      // hot too, and a turn that runs the framework's whole adapter path keeps getting cheaper for thousands of
      // turns.
      let echoSaid = 0;
      /** One echo bot message turn; its CPU in ms. */
      const echoTurn1 = async (): Promise<number> => {
        const before = echo.cpuMs();
        const r = await echoDriver.say(soloist, `hello ${echoSaid++}`);
        if (r.status !== 200) throw new Error(`echo bot answered ${r.status}`);
        return echo.cpuMs() - before;
      };
      for (let i = 0; i < ECHO_WARM_UP; i++) await echoTurn1();
      // Side by side, turn by turn: before each of a request's four turns (message, pick, review, create), one
      // echo bot message turn, so each of the bot's steps and the echo turn it is compared with run in the same
      // conditions: right after the other process's turn, a second apart at most. ROUNDS rounds of SOLO requests;
      // each ratio is taken within its round and the figure is the median of the rounds'. The echo bot's turn in a
      // loop of its own (every turn right after an identical one: its caches as warm as they get, which none of a
      // request's turns ever is) is printed beside it. Before (until 2026-12-01) the rounds were 60 looped echo
      // turns and then 10 requests: the ratios of one run then ranged 1.2-3.0× for the same step as the host's
      // speed moved between the two halves of a round.
      const ROUNDS = 11;
      const ECHO_LOOP = 60;
      const SOLO = 20;
      type Figures = Record<Step | 'creation', number[]>;
      const blank = (): Figures => ({ message: [], pickCustomer: [], submitForm: [], create: [], creation: [] });
      const stepCpu = blank();
      const stepWall = blank();
      const rounds: Array<{ echo: number; echoLoop: number; steps: Record<Step | 'creation', number> }> = [];
      // The requests measured go round 10 chats of the soloist, each with one request behind it: in one chat the
      // bot's pacing to Teams' 50 messages a conversation per 30 s held the card updates back (4 a request), and a
      // held update then ran in whichever later step it fell, with the idle time around it.
      const soloChats = Array.from({ length: 10 }, () => ({ ...soloist, conversation: `a:personal-${randomUUID()}` }));
      for (const chat of soloChats) await wholeRequest(d, chat);
      let next = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const echoLoop = await perTurn(echo, ECHO_LOOP, async () => void (await echoTurn1()));
        const cpu = blank();
        const echoCpu: number[] = [];
        await profiled(`turns-${round + 1}`, async () => {
          for (let i = 0; i < SOLO; i++) {
            echoCpu.push(await echoTurn1());
            let mark = bot.cpuMs();
            const t = await wholeRequest(d, soloChats[next++ % soloChats.length], async (step) => {
              const now = bot.cpuMs();
              cpu[step].push(now - mark);
              // The next turn of the bot is preceded by one of the echo bot; the creation runs right after create.
              if (step === 'message' || step === 'pickCustomer' || step === 'submitForm') echoCpu.push(await echoTurn1());
              mark = bot.cpuMs();
            });
            for (const s of [...STEPS, 'creation'] as const) stepWall[s].push(t[s]);
          }
        });
        for (const s of [...STEPS, 'creation'] as const) stepCpu[s].push(...cpu[s]);
        rounds.push({ echo: avg(echoCpu), echoLoop, steps: Object.fromEntries([...STEPS, 'creation'].map((s) => [s, avg(cpu[s as Step])])) as Record<Step | 'creation', number> });
      }
      const median = (v: number[]) => percentile(v, 50);
      const echoTurn = median(rounds.map((r) => r.echo));
      say(`\nCPU per turn, one at a time (load ${load()}), ${ROUNDS} rounds of ${SOLO} requests, an echo turn before each of their turns:`);
      for (const [i, r] of rounds.entries()) {
        say(`  round ${i + 1}: echo ${r.echo.toFixed(2)} ms (in a loop of its own ${r.echoLoop.toFixed(2)} ms) · ${[...STEPS, 'creation'].map((s) => `${s} ${r.steps[s as Step].toFixed(2)} ms`).join(' · ')}`);
      }
      say(`  echo bot on express ${echoExpressTurn.toFixed(2)} ms · bot "help" ${helpTurn.toFixed(2)} ms`);
      say(`  (wall, median: ${[...STEPS, 'creation'].map((s) => `${s} ${percentile(stepWall[s as Step], 50).toFixed(1)} ms`).join(' · ')})`);
      soloWhole = [...STEPS, 'creation'].reduce((sum, s) => sum + avg(stepCpu[s as Step]), 0);
      report.add('CPU: echo bot message turn (the baseline)', echoTurn, 'reference', true, 'ms', `median of ${ROUNDS} rounds, each turn before one of the bot's (${rounds.map((r) => r.echo.toFixed(2)).join(', ')}); in a loop of its own ${median(rounds.map((r) => r.echoLoop)).toFixed(2)} ms; node:http as the bot; the same echo bot on express: ${echoExpressTurn.toFixed(2)} ms`);
      for (const [step, label] of [['pickCustomer', 'card action: pick customer → form'], ['submitForm', 'card action: review → confirm + checklist'], ['create', 'card action: create (invoke answer)']] as const) {
        const ratios = rounds.map((r) => r.steps[step] / r.echo);
        const r = median(ratios);
        report.add(`CPU: ${label}, × echo turn`, r, '≤ 1.5×', r <= 1.5, '×', `median of the rounds' ratios (${ratios.map((x) => x.toFixed(2)).join(', ')}); ${avg(stepCpu[step]).toFixed(2)} ms a turn`);
      }
    }

    // What each step reads, writes, seals, verifies, renders and logs: a pass of its own (counting costs CPU, so
    // the counters are switched on for this pass only).
    if (PHASES.has('counts')) {
      await bot.ask('count-on');
      type Snapshot = Record<string, number>;
      const snapshot = async (): Promise<Snapshot> => {
        await new Promise((r) => setTimeout(r, 50)); // the step's log lines arrive
        return { ...(await bot.ask<{ counts: Snapshot }>('counts')).counts, ...(await upstreamCalls(sandboxUrl)), 'log lines': logLines, 'calls to the Teams connector': connector.calls.length };
      };
      const perStep: Record<string, Snapshot> = {};
      const COUNTED = 5;
      for (let i = 0; i < COUNTED; i++) {
        let last = await snapshot();
        await wholeRequest(d, soloist, async (step) => {
          const now = await snapshot();
          for (const k of Object.keys(now)) {
            const delta = now[k] - (last[k] ?? 0);
            if (delta) (perStep[k] ??= {})[step] = (perStep[k][step] ?? 0) + delta / COUNTED;
          }
          last = now;
        });
      }
      const columns = [...STEPS, 'creation'];
      say(`\nWhat one request does, per step (mean of ${COUNTED}; SQLite statements by verb and table):`);
      say(`  ${''.padEnd(60)}${columns.map((c) => c.padStart(13)).join('')}`);
      for (const k of Object.keys(perStep).sort()) say(`  ${k.slice(0, 60).padEnd(60)}${columns.map((c) => (perStep[k][c] ? perStep[k][c].toFixed(1) : '·').padStart(13)).join('')}`);
      await bot.ask('count-off');
    }

    // 3. Load (scripts/bench/load-phase.ts): ENGINEERS engineers working at once, each raising EACH requests one
    //    after another with no think time (the target's shape), then the same number of requests in one burst (the
    //    probe the issue was filed from); the echo bot under each shape beside it, as that shape's floor.
    let n = 0;
    if (PHASES.has('load')) {
      const measured = async (work: () => Promise<RequestTiming[]>) => {
        const loadAtStart = load();
        const cpu0 = { bot: bot.cpuMs(), sandbox: sandbox.cpuMs(), driver: process.cpuUsage() };
        const wall0 = performance.now();
        const timings = await work();
        const wall = performance.now() - wall0;
        const driverCpu = process.cpuUsage(cpu0.driver);
        const cpu = { bot: bot.cpuMs() - cpu0.bot, sandbox: sandbox.cpuMs() - cpu0.sandbox, driver: (driverCpu.user + driverCpu.system) / 1000 };
        return { timings, wall, cpu, loadAtStart, loadAtEnd: load() };
      };
      const table = (title: string, r: Awaited<ReturnType<typeof measured>>) => {
        const k = r.timings.length;
        say(`\n${title} = ${k} requests, all created, in ${(r.wall / 1000).toFixed(1)} s (load average ${r.loadAtStart} → ${r.loadAtEnd})`);
        say(`  ${'step'.padEnd(34)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)}  (ms)`);
        for (const s of [...STEPS, 'creation', 'total'] as const) {
          const v = r.timings.map((t) => t[s]);
          say(`  ${s.padEnd(34)} ${[50, 95, 99].map((p) => percentile(v, p).toFixed(0).padStart(7)).join(' ')} ${Math.max(...v).toFixed(0).padStart(7)}`);
        }
        // The load generator (this process: the engineers' clients and the recording connector) shares the two cores.
        say(`  CPU: bot ${(r.cpu.bot / 1000).toFixed(2)} s (${(r.cpu.bot / k).toFixed(1)} ms a request), sandbox ${(r.cpu.sandbox / 1000).toFixed(2)} s, load generator ${(r.cpu.driver / 1000).toFixed(2)} s`);
      };
      const echoUnder = async (child: Child, work: () => Promise<number[]>) => {
        const cpu0 = child.cpuMs();
        const latencies = await work();
        return { p99: percentile(latencies, 99), p50: percentile(latencies, 50), cpuPerTurn: (child.cpuMs() - cpu0) / latencies.length, turns: latencies.length };
      };

      // Each engineer's first request of the day, all at once: their customer list, the customer's tokens and
      // look-ups are not cached yet (one on-behalf-of exchange per tenant, then an hour of cache). Reported on
      // its own; the working figures are the hours after it, as the one-at-a-time phase warms up too.
      const firstRound = await measured(() => workingLoad(d, loadTeam, 1));
      const firstP99 = Math.max(...(['pickCustomer', 'submitForm', 'create'] as const).map((s) => percentile(firstRound.timings.map((t) => t[s]), 99)));
      say(`\nFirst request of each of ${ENGINEERS} engineers at once (nothing cached yet): message p99 ${percentile(firstRound.timings.map((t) => t.message), 99).toFixed(0)} ms, slowest card action p99 ${firstP99.toFixed(0)} ms, bot CPU ${(firstRound.cpu.bot / firstRound.timings.length).toFixed(1)} ms a request`);
      // The target's shape three times, each followed by the echo bot under the same shape: one run of 200 requests is
      // ≈ 2.5 s of the bot's CPU, and on this shared host the same code measured 10.3-12.7 ms a request in
      // consecutive runs. The CPU figure is the median of the three runs' (each beside its own echo run); the
      // latencies are percentiles over all 600 requests.
      const REPEATS = 3;
      const memBefore = await bot.ask<{ memory: NodeJS.MemoryUsage }>('memory');
      const runs: Array<{ working: Awaited<ReturnType<typeof measured>>; echo: Awaited<ReturnType<typeof echoUnder>> }> = [];
      await echoWorking(echoDriver, loadTeam, 1); // its first turn from each engineer, as the bot's first round
      for (let r = 0; r < REPEATS; r++) {
        const one = await measured(() => profiled(r === 0 ? 'load' : `load-${r + 1}`, () => workingLoad(d, loadTeam, EACH)));
        runs.push({ working: one, echo: await echoUnder(echo, () => echoWorking(echoDriver, loadTeam, EACH * 4)) });
      }
      const memAfter = await bot.ask<{ memory: NodeJS.MemoryUsage }>('memory');
      const working = {
        timings: runs.flatMap((r) => r.working.timings),
        wall: runs.reduce((a, r) => a + r.working.wall, 0),
        cpu: { bot: runs.reduce((a, r) => a + r.working.cpu.bot, 0), sandbox: runs.reduce((a, r) => a + r.working.cpu.sandbox, 0), driver: runs.reduce((a, r) => a + r.working.cpu.driver, 0) },
        loadAtStart: runs[0].working.loadAtStart,
        loadAtEnd: runs[runs.length - 1].working.loadAtEnd,
      };
      table(`Load: ${ENGINEERS} engineers working at once, ${EACH} requests each one after another, no think time, ${REPEATS} runs`, working);
      const perRun = runs.map((r) => ({ bot: r.working.cpu.bot / r.working.timings.length, echo: r.echo.cpuPerTurn, echoP99: r.echo.p99 }));
      say(`  each run: ${perRun.map((r, i) => `${i + 1}: bot ${r.bot.toFixed(1)} ms a request, echo bot ${r.echo.toFixed(2)} ms a turn (p99 ${r.echoP99.toFixed(0)} ms)`).join(' · ')}`);
      // By wave (each engineer's 1st, 2nd, … request of a run): whether the tail is the start, when all engineers
      // begin in the same instant, or the steady state after they drift apart.
      for (let w = 0; w < EACH; w++) {
        const ws = working.timings.filter((t) => t.wave === w);
        say(`  wave ${w + 1}: ${(['message', 'pickCustomer', 'submitForm', 'create'] as const).map((s) => `${s} p50 ${percentile(ws.map((t) => t[s]), 50).toFixed(0)} max ${Math.max(...ws.map((t) => t[s])).toFixed(0)}`).join(' · ')} ms`);
      }
      const echoWorkingLoad = { cpuPerTurn: percentile(perRun.map((r) => r.echo), 50), p99: percentile(perRun.map((r) => r.echoP99), 50), p50: percentile(runs.map((r) => r.echo.p50), 50), turns: runs.reduce((a, r) => a + r.echo.turns, 0) };
      say(`  echo bot, same shape (${echoWorkingLoad.turns} message turns over the ${REPEATS} runs): p50 ${echoWorkingLoad.p50.toFixed(0)} ms, p99 ${echoWorkingLoad.p99.toFixed(0)} ms, CPU ${echoWorkingLoad.cpuPerTurn.toFixed(2)} ms a turn (medians of the runs)`);
      await echoWorking(echoExpressDriver, loadTeam, 1);
      const echoExpressWorkingLoad = await echoUnder(echoExpress, () => echoWorking(echoExpressDriver, loadTeam, EACH * 4));
      say(`  echo bot on express, same shape: p50 ${echoExpressWorkingLoad.p50.toFixed(0)} ms, p99 ${echoExpressWorkingLoad.p99.toFixed(0)} ms, CPU ${echoExpressWorkingLoad.cpuPerTurn.toFixed(2)} ms a turn`);
      const botPerRequest = percentile(perRun.map((r) => r.bot), 50);
      const inEchoTurns = percentile(perRun.map((r) => r.bot / r.echo), 50);
      report.add('CPU per whole request under load (message + 3 card actions + creation)', botPerRequest, '≤ 12 ms', botPerRequest <= 12, 'ms', `median of ${REPEATS} runs (${perRun.map((r) => r.bot.toFixed(1)).join(', ')}); one at a time: ${soloWhole.toFixed(1)} ms; the echo bot's 4 message turns under the same load: ${(echoWorkingLoad.cpuPerTurn * 4).toFixed(1)} ms, so a request is ${inEchoTurns.toFixed(1)} echo turns (the issue's 12 ms is ${(12 / 1.9).toFixed(1)} of its 1.9 ms echo turns)`);
      for (const s of ['pickCustomer', 'submitForm', 'create'] as const) {
        const v = working.timings.map((t) => t[s]);
        const p99 = percentile(v, 99);
        report.add(`latency: card action ${s}, p99, ${ENGINEERS} engineers working at once`, p99, '≤ 300 ms', p99 <= 300, 'ms', `over ${v.length} requests; p50 ${percentile(v, 50).toFixed(0)} p95 ${percentile(v, 95).toFixed(0)}; echo bot under the same load p99 ${echoWorkingLoad.p99.toFixed(0)} ms; load avg ${working.loadAtEnd}`);
      }
      const heapPerRequest = (memAfter.memory.heapUsed - memBefore.memory.heapUsed) / working.timings.length / 1024;
      report.add(`first request of each engineer, ${ENGINEERS} at once, nothing cached: slowest card action p99`, firstP99, 'reported', true, 'ms', `message p99 ${percentile(firstRound.timings.map((t) => t.message), 99).toFixed(0)} ms; bot CPU ${(firstRound.cpu.bot / firstRound.timings.length).toFixed(1)} ms a request`);
      report.add('heap growth per request (after GC)', heapPerRequest, 'reported', true, 'KB', `${(memBefore.memory.heapUsed / 2 ** 20).toFixed(1)} → ${(memAfter.memory.heapUsed / 2 ** 20).toFixed(1)} MB over ${working.timings.length} requests`);

      const burst = await measured(() => burstLoad(d, loadTeam, EACH));
      table(`Burst: ${ENGINEERS} engineers × ${EACH} requests raised in the same instant`, burst);
      const echoBurstLoad = await echoUnder(echo, () => echoBurst(echoDriver, loadTeam, EACH));
      say(`  echo bot, the same burst (${echoBurstLoad.turns} messages at once): p50 ${echoBurstLoad.p50.toFixed(0)} ms, p99 ${echoBurstLoad.p99.toFixed(0)} ms, CPU ${echoBurstLoad.cpuPerTurn.toFixed(2)} ms a turn`);
      const burstMessage = percentile(burst.timings.map((t) => t.message), 99);
      const burstActions = Math.max(...(['pickCustomer', 'submitForm', 'create'] as const).map((s) => percentile(burst.timings.map((t) => t[s]), 99)));
      report.add(`burst of ${burst.timings.length} requests at once: slowest card action p99`, burstActions, 'reported', true, 'ms', `message p99 ${burstMessage.toFixed(0)} ms; the echo bot's p99 for ${echoBurstLoad.turns} messages at once: ${echoBurstLoad.p99.toFixed(0)} ms; bot CPU ${(burst.cpu.bot / burst.timings.length).toFixed(1)} ms a request`);
      n = firstRound.timings.length + working.timings.length + burst.timings.length;
    }

    // 4. MSAL: a 100-request run by engineers new to the bot (their sign-in included).
    if (PHASES.has('msal')) {
      type Counts = { msal: { onBehalfOf: number; clientCredential: number }; provider: { delegated: number; appOnly: number } };
      const state0 = await sandboxTokenRequests(sandboxUrl);
      const counts0 = await bot.ask<Counts>('msal');
      await Promise.all(
        msalTeam.map(async (e) => {
          await d.signIn(e);
          for (let i = 0; i < 100 / msalTeam.length; i++) await wholeRequest(d, e);
        }),
      );
      const state1 = await sandboxTokenRequests(sandboxUrl);
      const counts1 = await bot.ask<Counts>('msal');
      const acquisitions = counts1.provider.delegated - counts0.provider.delegated;
      const exchanges = state1.obo - state0.obo;
      const hit = 1 - exchanges / acquisitions;
      // Partner Center and partner Graph in the partner tenant, one `.default` Graph token in the customer's tenant
      // (reads, onboarding and Temporary Access Pass share it): counted by tenant and scope.
      const scopes = Object.keys(state1.byScope).filter((k) => state1.byScope[k] > (state0.byScope[k] ?? 0)).length || 1;
      const perEngineerScope = exchanges / msalTeam.length / scopes;
      report.add(
        'token cache hits (on-behalf-of) over a 100-request run',
        hit * 100,
        '≥ 99 %',
        hit >= 0.99,
        '%',
        `${acquisitions} delegated tokens asked for (${counts1.msal.onBehalfOf - counts0.msal.onBehalfOf} reached MSAL), ${exchanges} exchanges at the token endpoint for ${msalTeam.length} engineers new to the bot, sign-in included (${perEngineerScope.toFixed(2)} per engineer, tenant and scope; ${scopes} tenant-scope pairs); app-only: ${counts1.provider.appOnly - counts0.provider.appOnly} asked, ${state1.clientCredentials - state0.clientCredentials} exchanged; exchanges by scope: ${Object.entries(state1.byScope).map(([k, v]) => `${k} ${v - (state0.byScope[k] ?? 0)}`).join(', ')}`,
      );

    }

    // 5. Pre-flight with 200 ms added to every sandbox call (identity, Partner Center, Graph).
    if (PHASES.has('preflight')) {
      await wholeRequest(d, soloist); // caches as a working engineer has them
      await addLatencyEverywhere(sandboxUrl, 200);
      const reviews: Array<{ turnMs: number; calls: number[] }> = [];
      for (let i = 0; i < 5; i++) {
        const entries: Array<Record<string, unknown>> = [];
        logSink = (entry) => entries.push(entry);
        const started = performance.now();
        cardOfAnswer(await d.execute(soloist, 'submitForm', form(userName('latency')), `form-${randomUUID()}`), 'submitForm (latency)');
        const turnMs = performance.now() - started;
        await new Promise((r) => setTimeout(r, 100)); // the log lines of the turn arrive
        logSink = undefined;
        const preflight = entries.filter((e) => e.msg === 'pre-flight checks').at(-1);
        const calls = entries.filter((e) => e.msg === 'upstream call' && e.correlationId === preflight?.correlationId).map((e) => Number(e.durationMs));
        reviews.push({ turnMs, calls });
      }
      await fetch(`${sandboxUrl}/_sandbox/faults`, { method: 'DELETE' });
      const median = reviews.sort((a, b) => a.turnMs - b.turnMs)[Math.floor(reviews.length / 2)];
      const slowest = Math.max(...median.calls);
      const sum = median.calls.reduce((a, b) => a + b, 0);
      report.add(
        'pre-flight with +200 ms on every upstream call, × slowest single call',
        median.turnMs / slowest,
        '≤ 1.2×',
        median.turnMs / slowest <= 1.2,
        '×',
        `review answered in ${median.turnMs.toFixed(0)} ms (median of 5); it made ${median.calls.length} upstream calls, slowest ${slowest.toFixed(0)} ms, together ${sum.toFixed(0)} ms one after another; load avg ${load()}`,
      );

    }

    // 6. Memory with PENDING approval requests stored (raised in a team channel, none decided).
    if (PHASES.has('pending')) {
      let next = 0;
      let cardNo = 0;
      await profiled('pending', () => Promise.all(
        Array.from({ length: 16 }, async (_, worker) => {
          while (next < PENDING) {
            next++;
            const e = loadTeam[(worker + next) % loadTeam.length];
            cardOfAnswer(await d.execute(e, 'submitForm', form(userName('pending')), `channel-form-${cardNo++}`, true), 'channel submitForm');
          }
        }),
      ));
      const memPending = await bot.ask<{ memory: NodeJS.MemoryUsage }>('memory');
      // BENCH_HEAP_SNAPSHOT=<file>: what the heap holds at this point, for the DevTools memory tab.
      if (process.env.BENCH_HEAP_SNAPSHOT) await bot.ask('heap-snapshot', { file: process.env.BENCH_HEAP_SNAPSHOT });
      const { rss, atGc } = await bot.settledRssMb();
      const where = bot.rssBreakdown();
      report.add(`RSS with ${PENDING} pending approval requests stored`, rss, '≤ 200 MB', rss <= 200, 'MB', `settled (${atGc.toFixed(1)} MB right after the GC); heap ${(memPending.memory.heapUsed / 2 ** 20).toFixed(1)} MB after GC (V8 heap reserved ${(memPending.memory.heapTotal / 2 ** 20).toFixed(1)} MB, external ${(memPending.memory.external / 2 ** 20).toFixed(1)} MB, array buffers ${(memPending.memory.arrayBuffers / 2 ** 20).toFixed(1)} MB); resident: files ${where.files.toFixed(0)} MB, malloc heap ${where.mallocHeap.toFixed(0)} MB, anonymous maps < 1 MB (V8 pages) ${where.anonSmall.toFixed(0)} MB, ≥ 1 MB ${where.anonLarge.toFixed(0)} MB; ${n + 100 + 6 + 45} requests created before`);
    }

    say('');
    report.print(say);
    say(`\nmeasured ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (Node ${process.version}); load average at the start ${loadAtBenchStart}, at the end ${load()}`);
    if (STRICT && report.failed()) process.exitCode = 1;
  } catch (e) {
    for (const c of children) if (c.lines.length) process.stderr.write(`--- ${c.name}:\n${c.lines.slice(-15).join('\n')}\n`);
    throw e;
  } finally {
    for (const c of children.reverse()) await c.stop();
    await issuer.stop();
    await connector.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** How many token requests the sandbox's identity provider answered, by grant. */
async function sandboxTokenRequests(sandboxUrl: string): Promise<{ obo: number; clientCredentials: number; byScope: Record<string, number> }> {
  const state = (await (await fetch(`${sandboxUrl}/_sandbox/state`)).json()) as { requests: Array<{ method: string; path: string; body?: { grant_type?: string; scope?: string } }> };
  const tokens = state.requests.filter((r) => r.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(r.path));
  const obo = tokens.filter((r) => r.body?.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer');
  const byScope: Record<string, number> = {};
  for (const r of obo) {
    const scope = String(r.body?.scope ?? '').split(' ').filter((x) => !['openid', 'profile', 'offline_access'].includes(x)).map((x) => x.replace(/^https:\/\/[^/]+\//, '')).join(' ');
    // `.default` is asked in the partner tenant and in a customer's: the tenant tells them apart.
    const tenant = r.path.split('/')[1] ?? '';
    const key = `${scope} in ${tenant === PARTNER_TENANT ? 'partner' : `customer ${tenant.slice(0, 8)}`}`;
    byScope[key] = (byScope[key] ?? 0) + 1;
  }
  return {
    byScope,
    obo: obo.length,
    clientCredentials: tokens.filter((r) => r.body?.grant_type === 'client_credentials').length,
  };
}

/** The calls the sandbox answered so far (Partner Center, Graph, the identity provider), by method and path shape. */
async function upstreamCalls(sandboxUrl: string): Promise<Record<string, number>> {
  const state = (await (await fetch(`${sandboxUrl}/_sandbox/state`)).json()) as { requests: Array<{ method: string; path: string }> };
  const counts: Record<string, number> = {};
  for (const r of state.requests) {
    const shape = r.path.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}').replace(/\/users\/[^/]+/, '/users/{u}').replace(/\('[^']*'\)/g, "('…')");
    const k = `upstream ${r.method} ${shape}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

/** A latency fault on every path (one `*` per segment, up to 10 segments deep), for every method. */
async function addLatencyEverywhere(sandboxUrl: string, ms: number): Promise<void> {
  const faults = [];
  for (const method of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE']) {
    for (let depth = 1; depth <= 10; depth++) faults.push({ method, path: `/${Array(depth).fill('*').join('/')}`, kind: 'latency', latencyMs: ms, count: 10_000 });
  }
  const res = await fetch(`${sandboxUrl}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  if (!res.ok) throw new Error(`the sandbox refused the latency faults: ${res.status} ${await res.text()}`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
