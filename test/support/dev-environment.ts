import { rmSync } from 'node:fs';
import { loadConfig } from '../../src/config';
import type { Clock } from '../../src/core/ports';
import { startApplication, startDevPlayground, type RunningApplication } from '../../src/main';
import { freePort } from './free-port';
import { LogCapture } from './log-capture';

/** What `npm start` runs (sandbox, bot, Agents Playground), on free ports and its own data folder, for e2e tests. */
export class DevEnvironment {
  readonly logs = new LogCapture();
  app!: RunningApplication;
  playground!: { url: string; stop(): Promise<void> };

  /**
   * `env`: extra environment for loadConfig, e.g. `SANDBOX_APP_REGISTRATION`. `opts.clock`: the bot's domain clock
   * (test/support/movable-clock.ts), so a test can move time forward in-process; a deployed bot has no such door.
   */
  constructor(
    readonly dataDir: string,
    private readonly env: Record<string, string> = {},
    private readonly opts: { clock?: Clock } = {},
  ) {}

  async start(): Promise<this> {
    // A port free a moment ago can be taken by another process's outgoing connection before the bot or the
    // sandbox listens on it (CI saw EADDRINUSE once): the start is tried again on fresh ports.
    for (let attempt = 1; ; attempt++) {
      rmSync(this.dataDir, { recursive: true, force: true });
      const config = { ...loadConfig({ LOG_LEVEL: 'info', ...this.env }), port: await freePort(), sandboxPort: await freePort(), playgroundPort: await freePort(), dataDir: this.dataDir };
      try {
        this.app = await startApplication(config, { logDestination: this.logs, host: '127.0.0.1', ...(this.opts.clock ? { clock: this.opts.clock } : {}) });
        break;
      } catch (e) {
        if (attempt >= 3 || (e as { code?: string }).code !== 'EADDRINUSE') throw e;
      }
    }
    this.playground = await startDevPlayground(this.app);
    return this;
  }

  async stop(): Promise<void> {
    await this.playground?.stop();
    await this.app?.stop();
  }

  async sandboxState(): Promise<{ users: Record<string, Array<{ userPrincipalName: string }>>; requests: Array<{ method: string; path: string; body: unknown; auth: { upn?: string } | null }> }> {
    return (await fetch(`${this.app.sandboxUrl}/_sandbox/state`)).json() as never;
  }
}
