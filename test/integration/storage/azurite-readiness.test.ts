import { createServer, type Server, type Socket } from 'node:net';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../support/azurite';
import { listenOnLoopback } from '../../support/free-port';

/**
 * The test support's Azurite start: ready means OUR child reported the socket it bound, never "something accepts
 * connections on that port" (another process's listener on a port taken between a free-port probe and
 * Azurite's bind passed that check, and tests then ran against the stranger).
 */
describe('startAzurite readiness', () => {
  let squatter: Server | undefined;
  let azurite: Azurite | undefined;
  afterEach(async () => {
    await azurite?.stop();
    azurite = undefined;
    await new Promise<void>((r) => (squatter ? squatter.close(() => r()) : r()));
    squatter = undefined;
  });

  it('fails fast with a clear message on a taken port, without taking the other listener for Azurite', async () => {
    const connections: Socket[] = [];
    squatter = createServer((s) => {
      connections.push(s);
      s.destroy();
    });
    const taken = await listenOnLoopback(squatter);
    const started = Date.now();
    await expect(startAzurite({ port: taken, timeoutMs: 20_000 })).rejects.toThrow(new RegExp(`127\\.0\\.0\\.1:${taken}: the port is taken by another process \\(EADDRINUSE\\)`));
    // It learnt so from Azurite's exit, not from the timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    // Readiness never probed the port blindly: the other process's listener saw no connection.
    expect(connections).toHaveLength(0);
  });

  it('without a port: the one our child reports it bound, and it is Azurite with our account key behind it', async () => {
    azurite = await startAzurite();
    expect(azurite.port).toBeGreaterThan(0);
    expect(azurite.pid).toBeGreaterThan(0);
    // Our child holds the port: signalling it is allowed (it is alive), and the service answers with our key.
    expect(process.kill(azurite.pid, 0)).toBe(true);
    const service = BlobServiceClient.fromConnectionString(azurite.connectionString);
    const props = await service.getProperties();
    expect(props._response.status).toBe(200);
    expect(props._response.headers.get('server') ?? '').toMatch(/^Azurite-Blob\//);
  });
});
