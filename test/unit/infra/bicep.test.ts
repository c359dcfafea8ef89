import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../../../src/config';
import { declarations, freeReferences, moduleParams, objectLiteral, paramDefault, readBicep } from './bicep-text';

const REPO = resolve(__dirname, '..', '..', '..');
const INFRA = join(REPO, 'infra');
const MAIN = join(INFRA, 'main.bicep');
const main = readBicep(MAIN);
const mainDecls = declarations(main);
const bicepFiles = [MAIN, ...readdirSync(join(INFRA, 'modules')).filter((f) => f.endsWith('.bicep')).map((f) => join(INFRA, 'modules', f))];

/** The environment variable names src/config.ts parses (its zod object's keys). */
function configVariables(): string[] {
  const src = readFileSync(join(REPO, 'src', 'config.ts'), 'utf8');
  const body = src.slice(src.indexOf('const envSchema = z.object({'), src.indexOf('});', src.indexOf('const envSchema')));
  return [...body.matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]);
}

describe('infra/*.bicep (structure; no Bicep compiler is available offline)', () => {
  it.each(bicepFiles.map((f) => [f.slice(REPO.length + 1), f]))('%s: every name it uses is declared, every param is used', (_, file) => {
    const src = readBicep(file);
    const decls = declarations(src);
    const declared = new Set(decls.map((d) => d.name));
    const undeclared = freeReferences(src).filter((r) => !declared.has(r));
    expect(undeclared).toEqual([]);
    const used = new Set(freeReferences(src));
    const unusedParams = decls.filter((d) => d.kind === 'param' && !used.has(d.name)).map((d) => d.name);
    expect(unusedParams).toEqual([]);
    // No symbol declared twice (outputs are not symbols: `output name string = x.name` beside `param name` is fine).
    const names = decls.filter((d) => d.kind !== 'output').map((d) => d.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it('every module main.bicep references exists, gets all its required params and no unknown ones; no orphans', () => {
    const modules = mainDecls.filter((d) => d.kind === 'module');
    expect(modules.map((m) => m.name).sort()).toEqual(['bot', 'identity', 'keyVault', 'storage', 'webApp']);
    for (const mod of modules) {
      const path = join(INFRA, mod.target!);
      expect(existsSync(path)).toBe(true);
      const params = declarations(readBicep(path)).filter((d) => d.kind === 'param');
      const given = moduleParams(main, mod.name);
      expect({ module: mod.name, unknown: given.filter((g) => !params.some((p) => p.name === g)) }).toEqual({ module: mod.name, unknown: [] });
      const missing = params.filter((p) => !p.optional && !given.includes(p.name)).map((p) => p.name);
      expect({ module: mod.name, missing }).toEqual({ module: mod.name, missing: [] });
      // Outputs main.bicep reads from the module exist.
      const outputs = new Set(declarations(readBicep(path)).filter((d) => d.kind === 'output').map((d) => d.name));
      for (const m of main.matchAll(new RegExp(`\\b${mod.name}\\.outputs\\.(\\w+)`, 'g'))) expect(`${mod.name}.outputs.${m[1]}: ${outputs.has(m[1])}`).toBe(`${mod.name}.outputs.${m[1]}: true`);
    }
    const referenced = new Set(modules.map((m) => resolve(INFRA, m.target!)));
    expect(bicepFiles.filter((f) => f !== MAIN && !referenced.has(f))).toEqual([]);
  });

  it('main.parameters.json sets only declared params and every required one', () => {
    const file = JSON.parse(readFileSync(join(INFRA, 'main.parameters.json'), 'utf8'));
    const params = mainDecls.filter((d) => d.kind === 'param');
    const given = Object.keys(file.parameters);
    expect(given.filter((g) => !params.some((p) => p.name === g))).toEqual([]);
    expect(params.filter((p) => !p.optional && !given.includes(p.name)).map((p) => p.name)).toEqual([]);
    // Its placeholders come from the env files the Toolkit reads.
    const envText = readFileSync(join(REPO, 'env', '.env.dev'), 'utf8') + readFileSync(join(REPO, 'env', '.env.dev.user.example'), 'utf8');
    const defined = new Set([...envText.matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const used = [...JSON.stringify(file).matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]);
    expect(used.filter((u) => !defined.has(u))).toEqual([]);
  });

  it('takes the Entra app id, its secret and the partner tenant as parameters; secrets are @secure()', () => {
    for (const name of ['entraAppClientId', 'partnerTenantId', 'entraAppClientSecret', 'dataEncryptionKey']) {
      expect(mainDecls.some((d) => d.kind === 'param' && d.name === name && !d.optional)).toBe(true);
    }
    expect(main).toMatch(/@secure\(\)\s*\nparam entraAppClientSecret string/);
    expect(main).toMatch(/@secure\(\)\s*\n(@\w+\([^)]*\)\s*\n)*param dataEncryptionKey string/);
    // No secret is ever an output.
    const outputs = main.split('\n').filter((l) => l.startsWith('output '));
    expect(outputs.join('\n')).not.toMatch(/Secret|dataEncryptionKey|listKeys|connectionString/i);
  });
});

describe('the Web App settings in main.bicep', () => {
  const settings = objectLiteral(main, 'botSettings');
  const SECRET_SETTINGS = ['BOT_PASSWORD', 'AAD_APP_CLIENT_SECRET', 'DATA_ENCRYPTION_KEY', 'STORAGE_CONNECTION_STRING'];

  it('names only variables src/config.ts reads (plus the reserved STORAGE_* names of the Blob store)', () => {
    const known = new Set([...configVariables(), 'STORAGE_CONNECTION_STRING', 'STORAGE_CONTAINER']);
    expect([...settings.keys()].filter((k) => !known.has(k))).toEqual([]);
  });

  it('sets everything production requires, sandbox off', () => {
    for (const k of ['BOT_ID', 'BOT_PASSWORD', 'BOT_TENANT_ID', 'AAD_APP_CLIENT_ID', 'AAD_APP_CLIENT_SECRET', 'AAD_APP_TENANT_ID', 'DATA_ENCRYPTION_KEY', 'OAUTH_CONNECTION_NAME', 'STORAGE_CONNECTION_STRING', 'STORAGE_CONTAINER', 'DATA_DIR']) {
      expect(`${k}: ${settings.has(k)}`).toBe(`${k}: true`);
    }
    expect(settings.get('SANDBOX')).toBe("'false'");
    expect(settings.get('PLAYGROUND')).toBe("'false'");
    // One Entra app is the bot and the SSO/OBO client.
    expect(settings.get('BOT_ID')).toBe('entraAppClientId');
    expect(settings.get('AAD_APP_CLIENT_ID')).toBe('entraAppClientId');
  });

  it('takes every secret from Key Vault, never as a plain value', () => {
    for (const k of SECRET_SETTINGS) expect(settings.get(k)).toMatch(/^kvRef\(keyVault\.outputs\.name, keyVault\.outputs\.\w+Name\)$/);
    expect(main).toMatch(/'@Microsoft\.KeyVault\(VaultName=\$\{vaultName\};SecretName=\$\{secretName\}\)'/);
    for (const [k, v] of settings) if (!SECRET_SETTINGS.includes(k)) expect(`${k}: ${v}`).not.toMatch(/Secret|dataEncryptionKey/);
  });

  it('parse into a production configuration with src/config.ts loadConfig', () => {
    const params = { entraAppClientId: '0b1c2d3e-4f50-4a6b-8c7d-8e9fa0b1c2d3', partnerTenantId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d' };
    const evaluate = (key: string, expr: string): string => {
      let m: RegExpExecArray | null;
      if ((m = /^'([^'$]*)'$/.exec(expr))) return m[1];
      if ((m = /^kvRef\(keyVault\.outputs\.name, keyVault\.outputs\.(\w+)\)$/.exec(expr))) {
        return m[1] === 'dataEncryptionKeyName' ? 'ab'.repeat(32) : `secret-from-${m[1]}`;
      }
      if (expr in params) return params[expr as keyof typeof params];
      if (expr === 'environment().authentication.loginEndpoint') return 'https://login.microsoftonline.com/';
      if (expr === 'storage.outputs.containerName') return paramDefault(main, 'storageContainerName')!.replace(/'/g, '');
      if ((m = /^(string|toUpper)\((\w+)\)$/.exec(expr))) {
        const v = paramDefault(main, m[2])!.replace(/'/g, '');
        return m[1] === 'toUpper' ? v.toUpperCase() : v;
      }
      if ((m = /^(\w+)$/.exec(expr)) && paramDefault(main, m[1])) return paramDefault(main, m[1])!.replace(/'/g, '');
      throw new Error(`test cannot evaluate ${key}: ${expr} (teach it, or simplify the template)`);
    };
    const env = Object.fromEntries([...settings].map(([k, v]) => [k, evaluate(k, v)]));
    const config = loadConfig(env);
    expect(config.sandbox).toBe(false);
    // Production keeps the Bot Connector's own signing keys and token service (BOT_OPENID_METADATA_URL and
    // BOT_OAUTH_URL are never set by the deployment).
    expect(config.bot).toEqual({ id: params.entraAppClientId, password: 'secret-from-clientSecretName', tenantId: params.partnerTenantId, openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration', oauthUrl: 'https://api.botframework.com' });
    expect(config.aad).toMatchObject({ clientId: params.entraAppClientId, tenantId: params.partnerTenantId, authorityHost: 'https://login.microsoftonline.com' });
    expect(config.partnerCenterBaseUrl).toBe('https://api.partnercenter.microsoft.com');
    expect(config.dataEncryptionKey?.length).toBe(32);
    expect(config.dataDir.startsWith('/home/')).toBe(true); // App Service's persistent storage
  });
});

describe('infra/modules', () => {
  const read = (name: string) => readBicep(join(INFRA, 'modules', name));

  it('web-app: Node 22 LTS on Linux, HTTPS only, Key Vault references resolved by the user-assigned identity', () => {
    const src = read('web-app.bicep');
    // Node 22 LTS: Node 20 reached end of life on 2026-04-30, and App Service drops end-of-life stacks.
    expect(src).toContain("linuxFxVersion: 'NODE|22-lts'");
    expect(src).not.toMatch(/NODE\|(1\d|20)-lts/);
    expect(src).toContain('reserved: true');
    expect(src).toContain('httpsOnly: true');
    expect(src).toContain('keyVaultReferenceIdentity: identityId');
    expect(src).toContain("type: 'UserAssigned'");
    expect(src).toContain("appCommandLine: 'node dist/src/main.js'");
    // The start command runs what `npm run build` produces.
    expect(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).main).toBe('dist/src/main.js');
  });

  it('key-vault: RBAC, the three secrets, and only "Key Vault Secrets User" for the identity', () => {
    const src = read('key-vault.bicep');
    expect(src).toContain('enableRbacAuthorization: true');
    expect(src).toContain("'4633458b-17de-408a-b874-0445c86b69e6'"); // Key Vault Secrets User
    expect(declarations(src).filter((d) => d.target?.startsWith('Microsoft.KeyVault/vaults/secrets')).map((d) => d.name).sort()).toEqual([
      'clientSecretEntry',
      'dataEncryptionKeyEntry',
      'storageConnectionStringEntry',
    ]);
    expect(main).toContain('readerPrincipalId: identity.outputs.principalId');
  });

  it('storage: a private container, no public blob access', () => {
    const src = read('storage.bicep');
    expect(src).toContain('allowBlobPublicAccess: false');
    expect(src).toContain("publicAccess: 'None'");
    expect(src).toContain("minimumTlsVersion: 'TLS1_2'");
  });

  it('storage: blob soft delete off on purpose (erased secrets and overwritten versions are not kept), container soft delete on', () => {
    const src = read('storage.bicep');
    expect(src).toMatch(/deleteRetentionPolicy: \{\s*enabled: false\s*\}/);
    expect(src).toMatch(/containerDeleteRetentionPolicy: \{\s*enabled: true\s*days: 7\s*\}/);
    expect(src).not.toContain('isVersioningEnabled: true');
    expect(readFileSync(join(__dirname, '../../../docs/deploy.md'), 'utf8')).toContain('What deleted data Azure keeps');
  });

  it('azure-bot: single-tenant identity, Teams channel, and an SSO connection whose reason is written down', () => {
    const src = read('azure-bot.bicep');
    expect(src).toContain("msaAppType: 'SingleTenant'");
    expect(src).toContain("channelName: 'MsTeamsChannel'");
    // tokenExchangeUrl = the manifest's webApplicationInfo.resource: api://botid-<id>, or on a verified domain (multi-tenant).
    expect(src).toContain("var ssoResource = empty(ssoResourceDomain) ? 'api://botid-${appId}' : 'api://${ssoResourceDomain}/botid-${appId}'");
    expect(src).toContain('value: ssoResource');
    expect(src).toContain("scopes: '${ssoResource}/access_as_user'");
    expect(src).toMatch(/exchanges Teams SSO tokens itself \(MSAL acquireTokenOnBehalfOf\)/);
    expect(src).toMatch(/What this OAuth connection is still used for/);
    expect(main).toContain("endpoint: 'https://${webApp.outputs.defaultHostName}/api/messages'");
  });

  it('.webappignore keeps node_modules and secrets out of the upload but keeps what the build and runtime need', () => {
    const ignore = readFileSync(join(INFRA, '.webappignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    for (const p of ['node_modules/', '.git/', '.env', '.env.*', 'env/', '.data/']) expect(ignore).toContain(p);
    for (const keep of ['src/', 'cards/', 'scripts/', 'package.json', 'package-lock.json', 'tsconfig.json']) {
      expect(ignore.some((p) => p === keep || p === dirname(keep))).toBe(false);
    }
  });
});
