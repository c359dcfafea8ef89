import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** `npm run sandbox` is `ts-node --transpile-only src/sandbox/cli.ts`: started here the same way. */

const ROOT = join(__dirname, '..', '..', '..');
const TS_NODE = join(ROOT, 'node_modules', 'ts-node', 'dist', 'bin.js');

function startCli(env: Record<string, string>) {
  const child = spawn(process.execPath, [TS_NODE, '--transpile-only', 'src/sandbox/cli.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (pattern: RegExp, ms = 30_000) => {
    const deadline = Date.now() + ms;
    while (!pattern.test(out)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`cli did not print ${pattern}: ${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, waitFor, out: () => out, err: () => err };
}

describe('npm run sandbox (src/sandbox/cli.ts)', () => {
  it('listens on SANDBOX_PORT, lists the seeded engineers and customers, serves, and stops cleanly on SIGTERM', async () => {
    const cli = startCli({ SANDBOX_PORT: '0', SANDBOX_QUIET: 'true' });
    try {
      await cli.waitFor(/Stop with Ctrl\+C/);
      const url = /Sandbox listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(cli.out())![1];
      const out = cli.out();
      expect(out).toMatch(/ada@contoso-partner\.example\s+User Administrator/);
      expect(out).toMatch(/dan@contoso-partner\.example\s+has not consented/);
      expect(out).toMatch(/Fabrikam, Inc\.\s+22222222-0000-4000-8000-000000000001\s+healthy/);
      expect(out).toMatch(/Tailspin Toys\s+22222222-0000-4000-8000-000000000003\s+GDAP relationship expired/);
      expect(out).toContain('VanArsdel, Ltd.');
      expect(out).toContain('22222222-0000-4000-8000-0000000000ff');
      expect((await fetch(`${url}/_sandbox/state`)).status).toBe(200);
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exited).toBe(0);
    expect(cli.out()).toContain('SIGTERM: stopping the sandbox');
  });

  it('stops on SIGINT too', async () => {
    const cli = startCli({ SANDBOX_PORT: '0', SANDBOX_QUIET: 'true' });
    try {
      await cli.waitFor(/Stop with Ctrl\+C/);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(0);
  });

  it('refuses a SANDBOX_PORT that is not a port, naming it', async () => {
    const cli = startCli({ SANDBOX_PORT: 'eighty' });
    expect(await cli.exited).toBe(1);
    expect(cli.err()).toContain('SANDBOX_PORT must be a port number');
  });
});
