import { createServer } from 'node:net';
import { startBotServer } from '../../../src/teams/http-server';
import type { TeamsApp } from '../../../src/teams/app';
import type { Logger } from '../../../src/core/ports';

const quiet = { info() {}, warn() {}, error() {}, debug() {} } as unknown as Logger;

describe('the bot server on a port already taken', () => {
  it('fails its start with EADDRINUSE instead of never finishing', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    try {
      // The Teams app is never reached: the listen fails first.
      await expect(startBotServer({ port, host: '127.0.0.1', teams: {} as TeamsApp, logger: quiet })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
