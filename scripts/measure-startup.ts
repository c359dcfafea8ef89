/**
 * `npm run bench:startup` (after `npm run build`, which the npm script runs first): how long the bot takes to start.
 *
 * 1. `node dist/src/main.js`, what App Service runs, from launch until `GET /healthz` answers 200. Measured in
 *    sandbox mode (sandbox in-process, no Playground) and with a production configuration (no sandbox; every
 *    Microsoft address pointed at a closed loopback port, so nothing leaves the machine). Target: ≤ 3 s.
 * 2. `npm start` (ts-node, bot + sandbox + Agents Playground) until the Playground answers.
 *
 * Each runs on free ports with a fresh data folder, STARTUP_ROUNDS times (default 3); the median is printed. Beside the
 * wall time, the CPU time the started node process used until it answered (Linux /proc): on a busy machine wall time
 * grows with the load, CPU time hardly does, so it is what an idle machine's start would take. The load average is
 * printed too, to judge a figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port';

const ROUNDS = Number(process.env.STARTUP_ROUNDS ?? 3);
const TARGET_MS = 3000;
const ROOT = join(__dirname, '..');

interface Sample {
  wallMs: number;
  cpuMs?: number;
}

/** Starts `command` in its own process group, polls `url` until it answers 200, then stops the whole group. */
async function timeUntilReady({ command, url, cpu }: Case, env: NodeJS.ProcessEnv, ports: Ports): Promise<Sample> {
  const started = performance.now();
  const child = spawn(command[0], command.slice(1), { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  try {
    for (;;) {
      if (done) throw new Error(`${command.join(' ')} exited before answering:\n${stderr.slice(-2000)}`);
      if (performance.now() - started > 120_000) throw new Error(`${command.join(' ')} did not answer ${url(ports)} within 120 s`);
      const ok = await fetch(url(ports), { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    return { wallMs: performance.now() - started, cpuMs: cpu ? cpuTimeMs(child) : undefined };
  } finally {
    await stopGroup(child, exited);
  }
}

/** utime + stime of the process, from /proc (Linux); undefined elsewhere. */
function cpuTimeMs(child: ChildProcess): number | undefined {
  const file = `/proc/${child.pid}/stat`;
  if (!existsSync(file)) return undefined;
  // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15 (clock ticks, 100 Hz).
  const fields = readFileSync(file, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function stopGroup(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null) return;
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 30_000);
  await exited;
  clearTimeout(timer);
}

interface Ports {
  bot: number;
  sandbox: number;
  playground: number;
}

interface Case {
  name: string;
  command: string[];
  /** Whether the started process is the one doing the work (npm start's is npm, its child runs the bot). */
  cpu: boolean;
  env: (ports: Ports, dataDir: string) => NodeJS.ProcessEnv;
  url: (ports: Ports) => string;
}

const CLOSED = 'http://127.0.0.1:9'; // the discard port: nothing listens, so a stray call fails at once, locally

const cases: Case[] = [
  {
    name: 'node dist/src/main.js, sandbox mode → /healthz 200',
    command: [process.execPath, 'dist/src/main.js'],
    cpu: true,
    env: (p, dataDir) => ({ SANDBOX: 'true', PORT: String(p.bot), SANDBOX_PORT: String(p.sandbox), PLAYGROUND: 'false', DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
    url: (p) => `http://127.0.0.1:${p.bot}/healthz`,
  },
  {
    name: 'node dist/src/main.js, production configuration → /healthz 200',
    command: [process.execPath, 'dist/src/main.js'],
    cpu: true,
    env: (p, dataDir) => ({
      SANDBOX: 'false',
      PORT: String(p.bot),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      AAD_APP_CLIENT_ID: '00000000-0000-4000-8000-0000000000a1',
      AAD_APP_CLIENT_SECRET: 'startup-measurement',
      AAD_APP_TENANT_ID: '00000000-0000-4000-8000-0000000000a2',
      BOT_ID: '00000000-0000-4000-8000-0000000000a1',
      BOT_PASSWORD: 'startup-measurement',
      DATA_ENCRYPTION_KEY: '00'.repeat(32),
      AUTHORITY_HOST: CLOSED,
      PARTNER_CENTER_BASE_URL: CLOSED,
      GRAPH_BASE_URL: CLOSED,
    }),
    url: (p) => `http://127.0.0.1:${p.bot}/healthz`,
  },
  {
    name: 'npm start → Agents Playground answers',
    command: ['npm', 'start', '--silent'],
    cpu: false,
    env: (p, dataDir) => ({ SANDBOX: 'true', PORT: String(p.bot), SANDBOX_PORT: String(p.sandbox), PLAYGROUND_PORT: String(p.playground), DATA_DIR: dataDir, LOG_LEVEL: 'warn' }),
    url: (p) => `http://127.0.0.1:${p.playground}/`,
  },
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'src', 'main.js'))) throw new Error('dist/src/main.js is missing: run `npm run build` first (npm run bench:startup does).');
  console.log(`Node ${process.version}, ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}; ${ROUNDS} rounds each`);
  const results: Array<{ name: string; wall: number; cpu?: number }> = [];
  for (const c of cases) {
    const samples: Sample[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const ports = { bot: await freePort(), sandbox: await freePort(), playground: await freePort() };
      const dataDir = mkdtempSync(join(tmpdir(), 'startup-'));
      try {
        samples.push(await timeUntilReady(c, c.env(ports, dataDir), ports));
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
    const cpu = samples.every((s) => s.cpuMs !== undefined) ? median(samples.map((s) => s.cpuMs!)) : undefined;
    results.push({ name: c.name, wall: median(samples.map((s) => s.wallMs)), cpu });
    const cpuText = cpu === undefined ? '' : `; CPU time ${samples.map((s) => fmt(s.cpuMs)).join(', ')} (median ${fmt(cpu)})`;
    console.log(`${c.name}\n  wall ${samples.map((s) => fmt(s.wallMs)).join(', ')} (median ${fmt(results.at(-1)!.wall)})${cpuText}`);
  }
  const production = results.slice(0, 2);
  const worst = Math.max(...production.map((r) => r.wall));
  console.log(
    `Production start (target ≤ ${fmt(TARGET_MS)}): median wall ${fmt(worst)}, ${worst <= TARGET_MS ? 'within' : 'over'} the target` +
      (loadavg()[0] > cpus().length ? ` — the machine is busy (load ${loadavg()[0].toFixed(1)} on ${cpus().length} cores); the CPU figures are closer to an idle start` : ''),
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
