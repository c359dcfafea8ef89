import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';

/** Azurite's fixed development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  connectionString: string;
  port: number;
  /** The Azurite child's process id (the process that holds `port`). */
  pid: number;
  /** How long the start took, process spawn to Azurite's own report that it listens. */
  startMs: number;
  stop(): Promise<void>;
}

export interface AzuriteOptions {
  /**
   * A fixed port to listen on. Left out (the normal case), Azurite is given port 0 and the system picks a free one
   * as it binds, so no other process can take it in between. A fixed port that is taken fails at once (EADDRINUSE).
   */
  port?: number;
  /** How long to wait for Azurite to report that it listens (default 30 s). */
  timeoutMs?: number;
}

/**
 * The line Azurite 3.35's blob/main.js prints once `server.start()` has bound its socket
 * (`Azurite Blob service successfully listens on http://127.0.0.1:<port>`): printed by our child, about the socket
 * it bound itself, so the port in it is one no other process holds.
 */
const LISTENS = /Azurite Blob service successfully listens on https?:\/\/[^\s:]+:(\d+)/;

/**
 * Starts Azurite's Blob service as a child process on a loopback port, in memory, and waits until the child itself
 * reports the port it listens on. `--skipApiVersionCheck`: the SDK sends a newer API version than Azurite 3.35 knows.
 *
 * Readiness is never "something accepts connections on the port": that is also true of another process's
 * listener on a port taken after a free-port probe, and tests would then run against it (or a stranger's Azurite)
 * while our child had already exited with EADDRINUSE. Tests start and stop it themselves; CI starts nothing else.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const asked = options.port ?? 0;
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      require.resolve('azurite/dist/src/blob/main.js'),
      '--blobHost', '127.0.0.1',
      '--blobPort', String(asked),
      '--inMemoryPersistence',
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ],
    // Its own working directory, so nothing it might write lands in the repository.
    { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const port = await listeningPort(child, options.timeoutMs ?? 30_000);
    if (asked !== 0 && port !== asked) throw new Error(`it reports port ${port}, not the ${asked} it was given`);
    return {
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
      port,
      pid: child.pid!,
      startMs: Date.now() - started,
      stop: () => stopChild(child),
    };
  } catch (e) {
    await stopChild(child);
    throw new Error(`Azurite did not start on 127.0.0.1:${asked === 0 ? '(a port of its choosing)' : asked}: ${(e as Error).message}`);
  }
}

/**
 * The port from the child's "successfully listens" line. Fails as soon as the child exits (a taken fixed port:
 * "listen EADDRINUSE", printed on stderr before it exits with 1), naming what it printed.
 */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const printed = () => [stderr.trim(), stdout.trim()].filter(Boolean).join(' | ') || 'nothing';
    const finish = (error?: Error, port?: number) => {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.off('close', onClose);
      child.off('error', onError);
      // Keep draining its output (unread pipes would block the child once their buffer fills).
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve(port!);
    };
    const onStdout = (d: Buffer) => {
      stdout += d.toString();
      const m = LISTENS.exec(stdout);
      if (m) finish(undefined, Number(m[1]));
    };
    // 'close', not 'exit': by then everything it printed (the EADDRINUSE on stderr) has been read.
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
      const taken = /EADDRINUSE/.test(stderr) ? 'the port is taken by another process (EADDRINUSE); ' : '';
      finish(new Error(`${taken}it exited (${code ?? signal}) before listening; it printed: ${printed()}`));
    };
    const onError = (e: Error) => finish(new Error(`it could not be spawned: ${e.message}`));
    const timer = setTimeout(() => finish(new Error(`it did not report listening within ${timeoutMs} ms; it printed: ${printed()}`)), timeoutMs);
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('close', onClose);
    child.once('error', onError);
  });
}

/** SIGTERM, then SIGKILL if it has not exited within five seconds. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
