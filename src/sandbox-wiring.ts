// What the composition root (main.ts) does only in sandbox mode, kept out of it so main.ts reads as the production
// wiring: the local sandbox started or found, a development encryption key, sign-in without SSO, the Playground.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config';
import type { Logger } from './core/ports';

/**
 * Sandbox mode's upstream address: the sandbox started in this process (its close added to `stops`) when `startHere`
 * (else SANDBOX_EMBEDDED) says so, or the one already running on SANDBOX_PORT. Undefined outside sandbox mode.
 */
export async function sandboxUrlOf(config: Config, startHere: boolean | undefined, stops: Array<() => Promise<void>>): Promise<string | undefined> {
  let sandboxUrl: string | undefined;
  if (config.sandbox) {
    if (startHere ?? config.sandboxEmbedded) {
      const { startSandbox } = await import('./sandbox/server');
      // The signing key lives beside the development encryption key, so sessions sealed in DATA_DIR stay valid.
      const sandbox = await startSandbox({ port: config.sandboxPort, quiet: true, signingKeyFile: join(config.dataDir, 'sandbox-signing-key.json'), appRegistration: config.sandboxAppRegistration });
      stops.push(() => sandbox.close());
      sandboxUrl = sandbox.url;
    } else {
      sandboxUrl = config.sandboxUrl;
    }
  }
  return sandboxUrl;
}

/**
 * Sandbox only (config refuses to start without DATA_ENCRYPTION_KEY otherwise): a development key kept in the
 * data folder, so stored passwords survive a restart of `npm start` like they would in production.
 */
export function sandboxKey(dataDir: string, logger: Logger): Buffer {
  const file = join(dataDir, 'sandbox-encryption.key');
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (key.length === 32) return key;
  }
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  logger.warn({ file }, 'DATA_ENCRYPTION_KEY is not set: using a development key from the data folder (sandbox mode only)');
  return key;
}

/**
 * The Agents Playground has no SSO: in sandbox mode the bot asks the sandbox for the SSO token Teams would have
 * handed it. The Playground user's object id picks the seeded partner user; anyone else signs in as SANDBOX_USER.
 */
export function sandboxSignIn(sandboxUrl: string, defaultUpn: string, logger: Logger) {
  return async (ctx: { activity: { from: { aadObjectId?: string } } }): Promise<string | undefined> => {
    const res = await fetch(`${sandboxUrl}/_sandbox/sso-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ oid: ctx.activity.from.aadObjectId, userPrincipalName: defaultUpn, mfa: true }),
    });
    if (!res.ok) {
      logger.warn({ status: res.status }, 'the sandbox did not issue an SSO token');
      return undefined;
    }
    return ((await res.json()) as { token?: string }).token;
  };
}

/**
 * Sandbox mode's Teams client: the Agents Playground, its users being the sandbox's seeded partner engineers
 * (SANDBOX_USER first, so that is who the Playground's current user is).
 */
export async function startDevPlayground(running: { config: Config; botUrl: string }): Promise<{ url: string; stop(): Promise<void> }> {
  const { startPlayground } = await import('./sandbox/dev-environment');
  const { partnerUsersForPlayground } = await import('./sandbox/seed');
  const config = running.config;
  const users = partnerUsersForPlayground(config.sandboxUser);
  return startPlayground({
    botUrl: `${running.botUrl}/api/messages`,
    port: config.playgroundPort,
    dataDir: config.dataDir,
    tenantId: config.aad.tenantId,
    botId: config.bot.id ?? config.aad.clientId,
    users,
  });
}
