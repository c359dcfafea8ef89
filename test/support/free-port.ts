import { createServer, type Server } from 'node:net';

/**
 * A TCP port that was free a moment ago, for child processes that cannot be given port 0. Another process (tests
 * run side by side) can take it before the child listens: a caller retries on EADDRINUSE with a fresh port
 * (BotProcess.start, DevEnvironment). Azurite can be given port 0 and reports the port it bound (azurite.ts). A
 * server in this process uses `listenOnLoopback` instead.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `server` on a loopback port the system picks (port 0: nothing can take it in between); resolves with it. */
export async function listenOnLoopback(server: Pick<Server, 'listen' | 'address' | 'once' | 'off'>): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : 0);
    });
  });
}
