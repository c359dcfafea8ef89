import type { Server } from 'node:http';
import express from 'express';
import type { Logger } from '../core/ports';
import type { TeamsApp } from './app';

export interface BotServerOptions {
  port: number;
  host?: string;
  teams: TeamsApp;
  logger: Logger;
  /** Activities from any other tenant are refused before any code runs for them. */
  allowedTenantId?: string;
}

/** The tenant an activity comes from, as Teams reports it. */
export function tenantOf(activity: unknown): string | undefined {
  const a = activity as { channelData?: { tenant?: { id?: string } }; conversation?: { tenantId?: string } } | undefined;
  return a?.channelData?.tenant?.id ?? a?.conversation?.tenantId;
}

/**
 * The bot's HTTP endpoint: `POST /api/messages` (authenticated by the adapter whenever a bot app id is configured)
 * and `GET /healthz`. One log line per turn.
 */
export async function startBotServer(opts: BotServerOptions): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.post('/api/messages', async (req, res) => {
    const started = Date.now();
    const activity = req.body as { type?: string; name?: string; conversation?: { conversationType?: string } } | undefined;
    const fields = { activityType: activity?.type, name: activity?.name, conversationType: activity?.conversation?.conversationType };
    if (opts.allowedTenantId && tenantOf(activity) !== opts.allowedTenantId) {
      opts.logger.warn({ ...fields, tenantId: tenantOf(activity) }, 'activity from an unexpected tenant refused');
      res.status(403).json({ error: 'tenant not allowed' });
      return;
    }
    try {
      await opts.teams.handle(req, res);
      opts.logger.info({ ...fields, status: res.statusCode, durationMs: Date.now() - started }, 'turn');
    } catch (e) {
      opts.logger.error({ ...fields, err: e instanceof Error ? e.name : String(e), durationMs: Date.now() - started }, 'turn crashed');
      if (!res.headersSent) res.status(500).json({ error: 'internal error' });
    }
  });
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    opts.logger.warn({ err: err instanceof Error ? err.name : String(err) }, 'bad request');
    res.status(400).json({ error: 'bad request' });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(opts.port, opts.host ?? '0.0.0.0', () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    server,
    url: `http://${!opts.host || opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
