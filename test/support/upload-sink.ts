import { createServer, type Server } from 'node:http';
import { listenOnLoopback } from './free-port';

/**
 * A stand-in for a OneDrive upload session on loopback: records every PUT body, answers 201. Used to accept a
 * file offer (fileConsent/invoke) in tests, the way Teams hands the bot an upload URL.
 */
export class UploadSink {
  readonly uploads: Array<{ path: string; body: string }> = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (req.method === 'PUT') this.uploads.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(req.method === 'PUT' ? 201 : 405, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    const port = await listenOnLoopback(this.server);
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
