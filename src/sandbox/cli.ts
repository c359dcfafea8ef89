import { startSandbox } from './server';
import { loadSeed } from './seed';

/** `npm run sandbox`: the sandbox alone, with what it holds printed for a person. */
async function main(): Promise<void> {
  const port = Number(process.env.SANDBOX_PORT ?? 3979);
  const sandbox = await startSandbox({ port, quiet: process.env.SANDBOX_QUIET === 'true' });
  const seed = loadSeed();
  const lines = [
    `Sandbox listening on ${sandbox.url}`,
    `  identity provider  ${sandbox.url}/<tenant>/oauth2/v2.0/token  (MSAL authority https://login.sandbox.test/<tenant>)`,
    `  Partner Center     ${sandbox.url}/v1/...`,
    `  Microsoft Graph    ${sandbox.url}/v1.0/...`,
    `  test control       ${sandbox.url}/_sandbox/{state,reset,faults,sso-token}  (loopback only)`,
    '',
    `Partner tenant ${seed.partnerTenant.name} (${seed.partnerTenant.id})`,
    ...seed.partnerUsers.map((u) => `  ${u.upn.padEnd(32)} ${u.situation}`),
    '',
    'Customers:',
    ...seed.customers.map((c) => `  ${c.companyName.padEnd(24)} ${c.id}  ${c.situation}`),
    `  … and ${seed.fillerCustomers.names.length} more plain customers; ${seed.missingTenantId} is not a customer at all`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e) => {
  process.stderr.write(`sandbox failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
