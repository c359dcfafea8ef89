import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { freePort } from './free-port';

/** Azurite's fixed development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  connectionString: string;
  port: number;
  /** How long the start took, process spawn to first accepted connection. */
  startMs: number;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's Blob service as a child process on a free loopback port, in memory, and waits until it
 * accepts connections. `--skipApiVersionCheck`: the SDK sends a newer API version than Azurite 3.35 knows.
 * Tests start and stop it themselves; CI starts nothing else.
 */
export async function startAzurite(): Promise<Azurite> {
  let lastError: unknown;
  // The free port can be taken between the probe and Azurite's bind: try another one.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        require.resolve('azurite/dist/src/blob/main.js'),
        '--blobHost', '127.0.0.1',
        '--blobPort', String(port),
        '--inMemoryPersistence',
        '--skipApiVersionCheck',
        '--disableTelemetry',
        '--silent',
      ],
      // Its own working directory, so nothing it might write lands in the repository.
      { cwd: tmpdir(), stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await waitUntilListening(child, port, 30_000);
      return {
        connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`,
        port,
        startMs: Date.now() - started,
        stop: () => stopChild(child),
      };
    } catch (e) {
      await stopChild(child);
      lastError = new Error(`Azurite did not start on port ${port}: ${(e as Error).message}; stderr: ${stderr.trim()}`);
    }
  }
  throw lastError;
}

async function waitUntilListening(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode})`);
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`not listening after ${timeoutMs} ms`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
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
