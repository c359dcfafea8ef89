import { join } from 'node:path';
import { startSandbox } from './server';

/**
 * `npm run sandbox`: the sandbox alone, with what it holds printed for a person. The only sandbox file that
 * reads the environment: SANDBOX_PORT (default 3979), SANDBOX_QUIET=true (no request lines) and DATA_DIR (default
 * `.data`, as the bot's), where the signing key is kept so tokens stay valid across restarts.
 */
async function main(): Promise<void> {
  const rawPort = process.env.SANDBOX_PORT?.trim() || '3979';
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`SANDBOX_PORT must be a port number from 0 to 65535 (got ${JSON.stringify(rawPort)})`);
  const dataDir = process.env.DATA_DIR?.trim() || '.data';
  const registration = process.env.SANDBOX_APP_REGISTRATION?.trim() || 'multi-tenant';
  if (registration !== 'multi-tenant' && registration !== 'single-tenant') throw new Error(`SANDBOX_APP_REGISTRATION must be multi-tenant or single-tenant (got ${JSON.stringify(registration)})`);
  const sandbox = await startSandbox({ port, quiet: process.env.SANDBOX_QUIET === 'true', signingKeyFile: join(dataDir, 'sandbox-signing-key.json'), appRegistration: registration });
  const world = sandbox.state.world;
  const lines = [
    `Sandbox listening on ${sandbox.url}`,
    `  identity provider  ${sandbox.url}/<tenant>/oauth2/v2.0/token  (MSAL authority https://login.sandbox.test/<tenant>)`,
    `  Partner Center     ${sandbox.url}/v1/...`,
    `  Microsoft Graph    ${sandbox.url}/v1.0/...`,
    `  test control       ${sandbox.url}/_sandbox/{state,reset,faults,sso-token}  (loopback only)`,
    '',
    `Partner tenant ${world.partnerTenant.name} (${world.partnerTenant.id}), engineers:`,
    ...world.partnerUsers.map((u) => `  ${u.upn.padEnd(30)} ${u.situation}`),
    '',
    `Customers (bot app registered ${world.appRegistration}, SANDBOX_APP_REGISTRATION):`,
    ...world.customers.map((c) => `  ${c.companyName.padEnd(34)} ${c.id}  ${c.situation}${world.appRegistration === 'single-tenant' || !c.appConsents.has(world.botAppId) ? ' [app not connected]' : ''}`),
    `  ${'(not a customer)'.padEnd(34)} ${world.missingTenantId}  tenant not found`,
    '',
    'Stop with Ctrl+C.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the sandbox\n`);
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
