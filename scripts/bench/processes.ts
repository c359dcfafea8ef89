import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SANDBOX_IDENTITY } from '../../src/config';
import { PARTNER_TENANT } from '../../test/support/sandbox-network';

/**
 * The benchmark's child processes (bot, echo bot, sandbox) and what the kernel says they used: CPU time of every
 * thread (nanoseconds, /proc/<pid>/task/<tid>/schedstat) and resident memory, read from outside so measuring costs
 * the measured process nothing.
 */
export class Child {
  readonly lines: string[] = [];
  private exited: Promise<number | null>;
  private pending = new Map<number, (m: Record<string, unknown>) => void>();
  private nextId = 1;
  private partial = '';
  /** Called for each JSON log line the process prints (the bot's pino lines). */
  onLine?: (line: string) => void;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.stdout?.on('data', (d: Buffer) => {
      const text = this.partial + d.toString('utf8');
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      for (const l of parts) {
        if (this.onLine) this.onLine(l);
        else this.keep(l);
      }
    });
    proc.stderr?.on('data', (d: Buffer) => this.keep(d.toString('utf8')));
    proc.on('message', (m: Record<string, unknown>) => {
      const resolve = this.pending.get(m.id as number);
      this.pending.delete(m.id as number);
      resolve?.(m);
    });
  }

  private keep(l: string): void {
    this.lines.push(l);
    if (this.lines.length > 200) this.lines.shift();
  }

  static start(name: string, args: string[], env: NodeJS.ProcessEnv, ipc = false): Child {
    const proc = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...(process.env.BENCH_HEAP_SAMPLING ? { BENCH_HEAP_SAMPLING: process.env.BENCH_HEAP_SAMPLING } : {}), ...env }, stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] });
    return new Child(name, proc);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Waits for `GET url` to answer 200; returns the milliseconds since `since`. */
  async waitReady(url: string, since: number, timeoutMs = 60_000): Promise<number> {
    for (;;) {
      if (!this.alive) throw new Error(`${this.name} exited while starting:\n${this.lines.slice(-20).join('\n')}`);
      if (performance.now() - since > timeoutMs) throw new Error(`${this.name} did not answer ${url} in ${timeoutMs} ms`);
      const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) return performance.now() - since;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The `listening <url>` line the fixtures print. */
  async listeningUrl(timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => l.startsWith('listening '));
      if (line) return line.slice('listening '.length).trim();
      if (!this.alive || Date.now() > deadline) throw new Error(`${this.name} did not start:\n${this.lines.slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** A question to the bench preload over IPC. */
  ask<T>(cmd: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, (m) => resolve(m as T));
      this.proc.send({ ...fields, cmd, id });
    });
  }

  /** CPU time of all the process's threads, in milliseconds (nanosecond resolution). */
  cpuMs(): number {
    return cpuMs(this.pid);
  }

  rssMb(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  }

  /**
   * RSS once the pages a full GC freed are back with the operating system. V8 hands them back from a background
   * thread, so a reading taken the moment the GC ends can still count tens of MB the heap has already let go, and
   * how many depends on how busy the machine is (measured after the load and pending phases: 205.6 MB at once,
   * 156.4 MB one second later and for the next 15 s). Reads after 1 s, then every 500 ms until two readings agree
   * within 1 MB (at most 5 s); `atGc` is the first reading.
   */
  async settledRssMb(): Promise<{ rss: number; atGc: number }> {
    const atGc = this.rssMb();
    await new Promise((r) => setTimeout(r, 1000)); // the release starts within this on a busy machine
    let last = this.rssMb();
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const now = this.rssMb();
      if (Math.abs(now - last) <= 1) return { rss: now, atGc };
      last = now;
    }
    return { rss: last, atGc };
  }

  /**
   * Where the resident memory is, from /proc/<pid>/smaps (MB): the node binary and other files, glibc's main
   * malloc heap, anonymous mappings under 1 MB (V8's heap pages are 256 KB) and larger ones (malloc's thread
   * arenas, V8's large objects and code range).
   */
  rssBreakdown(): Record<'files' | 'mallocHeap' | 'anonSmall' | 'anonLarge', number> {
    const out = { files: 0, mallocHeap: 0, anonSmall: 0, anonLarge: 0 };
    let kind: keyof typeof out = 'files';
    for (const line of readFileSync(`/proc/${this.pid}/smaps`, 'utf8').split('\n')) {
      const map = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
      if (map) {
        const size = parseInt(map[2], 16) - parseInt(map[1], 16);
        const name = map[3].trim();
        kind = name === '[heap]' ? 'mallocHeap' : name === '' ? (size < 2 ** 20 ? 'anonSmall' : 'anonLarge') : 'files';
      } else if (line.startsWith('Rss:')) out[kind] += Number(line.split(/\s+/)[1]) / 1024;
    }
    return out;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

export function cpuMs(pid: number): number {
  const dir = `/proc/${pid}/task`;
  if (!existsSync(dir)) return Number.NaN;
  let ns = 0;
  for (const tid of readdirSync(dir)) {
    try {
      ns += Number(readFileSync(`${dir}/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/** How the bench's bots (ours and the echo bot) authenticate Teams: the bench's issuer signs the inbound tokens. */
export function teamsAuthEnv(metadataUrl: string, appToken: string): Record<string, string> {
  return { BOT_ID: SANDBOX_IDENTITY.botId, BOT_PASSWORD: 'bench-bot-secret', BOT_TENANT_ID: PARTNER_TENANT, BOT_OPENID_METADATA_URL: metadataUrl, BENCH_APP_TOKEN: appToken };
}

/** Our compiled bot in sandbox mode against the sandbox process, no Playground, its own data folder. */
export function sandboxBotEnv(o: { sandboxPort: number; port: number; dataDir: string; key: string; metadataUrl: string; appToken: string }): Record<string, string> {
  return {
    SANDBOX: 'true',
    SANDBOX_EMBEDDED: 'false',
    SANDBOX_PORT: String(o.sandboxPort),
    PLAYGROUND: 'false',
    PORT: String(o.port),
    DATA_DIR: o.dataDir,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
    DATA_ENCRYPTION_KEY: o.key,
    ...teamsAuthEnv(o.metadataUrl, o.appToken),
  };
}
