import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { placeholdersIn } from '../../../scripts/package-app';

const REPO = resolve(__dirname, '..', '..', '..');
const yml = readFileSync(join(REPO, 'm365agents.yml'), 'utf8');
const aad = JSON.parse(readFileSync(join(REPO, 'aad.manifest.json'), 'utf8'));
const envDev = readFileSync(join(REPO, 'env', '.env.dev'), 'utf8');
const envUserExample = readFileSync(join(REPO, 'env', '.env.dev.user.example'), 'utf8');
const envKeys = (text: string) => [...text.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => ({ key: m[1], value: m[2] }));

/** The `- uses:` steps of one lifecycle stage, in order (a line-based read: the file has no anchors or flow style). */
function steps(stage: 'provision' | 'deploy'): Array<{ uses: string; body: string }> {
  const start = yml.search(new RegExp(`^${stage}:`, 'm'));
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = yml.slice(start).split('\n').slice(1);
  const end = rest.findIndex((l) => /^\S/.test(l));
  const text = (end < 0 ? rest : rest.slice(0, end)).join('\n');
  return text
    .split(/^ {2}- uses: /m)
    .slice(1)
    .map((chunk) => ({ uses: chunk.split('\n')[0].trim(), body: chunk }));
}

describe('m365agents.yml', () => {
  it('provisions in a working order: Teams app, the one Entra app, its update, Azure, then the app package', () => {
    expect(steps('provision').map((s) => s.uses)).toEqual([
      'teamsApp/create',
      'aadApp/create',
      'botAadApp/create',
      'aadApp/update',
      'arm/deploy',
      'teamsApp/validate',
      'teamsApp/zipAppPackage',
      'teamsApp/validate',
      'teamsApp/update',
    ]);
  });

  it('makes aadApp/create write the bot id and secret, so botAadApp/create reuses that app instead of making a second one', () => {
    const [create, botCreate] = steps('provision').filter((s) => s.uses === 'aadApp/create' || s.uses === 'botAadApp/create');
    expect(create.body).toMatch(/clientId: BOT_ID\n/);
    expect(create.body).toMatch(/clientSecret: SECRET_BOT_PASSWORD\n/);
    expect(create.body).toMatch(/objectId: AAD_APP_OBJECT_ID\n/);
    expect(create.body).toMatch(/signInAudience: AzureADMyOrg\n/);
    expect(botCreate.body).toMatch(/botId: BOT_ID\n/);
    expect(botCreate.body).toMatch(/botPassword: SECRET_BOT_PASSWORD\n/);
  });

  it('deploys infra/main.bicep with its parameters file, then zip-deploys the Web App', () => {
    const arm = steps('provision').find((s) => s.uses === 'arm/deploy')!;
    expect(arm.body).toContain('path: ./infra/main.bicep');
    expect(arm.body).toContain('parameters: ./infra/main.parameters.json');
    expect(steps('deploy').map((s) => s.uses)).toEqual(['cli/runNpmCommand', 'azureAppService/zipDeploy']);
    expect(steps('deploy')[1].body).toContain('resourceId: ${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}');
  });

  it('points only at files that exist', () => {
    const paths = [...yml.matchAll(/(?:manifestPath|path|parameters|ignoreFile): (\.\/\S+)/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const p of paths) expect(`${p}: ${existsSync(join(REPO, p))}`).toBe(`${p}: true`);
  });

  it('uses only variables the env files define or an earlier step writes', () => {
    const written = new Set([...yml.matchAll(/^\s+\w+: ([A-Z][A-Z0-9_]*)\s*$/gm)].map((m) => m[1]));
    const defined = new Set([...envKeys(envDev), ...envKeys(envUserExample)].map((e) => e.key));
    const used = [...new Set([...yml.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]))];
    expect(used.filter((u) => !defined.has(u) && !written.has(u))).toEqual([]);
    // Every output the Bicep writes back is named in env/.env.dev, so people can see where it lands.
    const outputs = [...readFileSync(join(REPO, 'infra', 'main.bicep'), 'utf8').matchAll(/^output (\w+) /gm)].map((m) => m[1]);
    expect(outputs.filter((o) => !defined.has(o))).toEqual([]);
  });
});

describe('aad.manifest.json (the Entra app)', () => {
  const TEAMS_CLIENTS = ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346'];
  const PARTNER_CENTER = 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd';
  const GRAPH = '00000003-0000-0000-c000-000000000000';
  /** Delegated permission ids, by name, as published for each resource app. */
  const GRAPH_SCOPES: Record<string, string> = {
    'User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d',
    openid: '37f7f235-527c-4136-accd-4a02d197296e',
    profile: '14dad69e-099b-42c9-810b-d002981feec1',
    offline_access: '7427e0e9-2fba-42fe-b0c0-848c9e6a8182',
    'DelegatedAdminRelationship.Read.All': '0c0064ea-477b-4130-82a5-4c2cc4ff68aa',
    'GroupMember.Read.All': 'bc024368-1153-4739-b217-4326f2e966d0',
    'Domain.Read.All': '2f9ee017-59c1-4f1d-9472-bd5529a7b311',
    'User.Read.All': 'a154be20-db9c-4678-8ab7-66f6cc099a59',
    // The onboarding's writes in a customer tenant (Microsoft Graph permissions reference, delegated ids).
    'User.ReadWrite.All': '204e0828-b5ca-4ad8-b9f3-f32a958e7cc4',
    'GroupMember.ReadWrite.All': 'f81125ac-d3b7-4573-a3b2-7099cc39df9e',
  };
  const PARTNER_CENTER_USER_IMPERSONATION = '1cebfa2a-fb4d-419e-b5f9-839b4383e05a';
  /** The one application permission (app role): GDAP relationships and assignments, read app-only (issue 15). */
  const GRAPH_APP_ROLES: Record<string, string> = { 'DelegatedAdminRelationship.Read.All': 'f6e9e124-4586-492f-adc0-c6f96e4823fd', 'GroupMember.Read.All': '98830695-27a2-44f7-8c18-0c3ebc9698f6' };

  it('is the bot app and exposes access_as_user on api://botid-<bot id>, as the Teams manifest expects', () => {
    expect(aad.appId).toBe('${{BOT_ID}}');
    expect(aad.identifierUris).toEqual(['api://botid-${{BOT_ID}}']);
    const teamsManifest = readFileSync(join(REPO, 'appPackage', 'manifest.json'), 'utf8');
    expect(teamsManifest).toContain('"resource": "api://botid-${{BOT_ID}}"');
    expect(aad.oauth2Permissions).toHaveLength(1);
    expect(aad.oauth2Permissions[0]).toMatchObject({ value: 'access_as_user', type: 'User', isEnabled: true, id: '${{AAD_APP_ACCESS_AS_USER_PERMISSION_ID}}' });
    expect(aad.accessTokenAcceptedVersion).toBe(2);
    expect(aad.signInAudience).toBe('AzureADMyOrg');
  });

  it('pre-authorizes the Teams desktop/mobile and web clients for access_as_user', () => {
    expect(aad.preAuthorizedApplications).toEqual(
      TEAMS_CLIENTS.map((appId) => ({ appId, permissionIds: ['${{AAD_APP_ACCESS_AS_USER_PERMISSION_ID}}'] })),
    );
  });

  it('asks for Partner Center user_impersonation, exactly the delegated Graph permissions the bot uses, and one app role', () => {
    const byResource = Object.fromEntries(
      aad.requiredResourceAccess.map((r: { resourceAppId: string; resourceAccess: Array<{ id: string; type: string }> }) => [r.resourceAppId, r.resourceAccess]),
    );
    expect(Object.keys(byResource).sort()).toEqual([GRAPH, PARTNER_CENTER].sort());
    expect(byResource[PARTNER_CENTER]).toEqual([{ id: PARTNER_CENTER_USER_IMPERSONATION, type: 'Scope' }]);
    const ofType = (type: string) => byResource[GRAPH].filter((a: { type: string }) => a.type === type).map((a: { id: string }) => a.id).sort();
    expect(ofType('Scope')).toEqual(Object.values(GRAPH_SCOPES).sort());
    // Read-only metadata of the partner's own GDAP relationships; the app holds nothing in any customer tenant.
    expect(ofType('Role')).toEqual(Object.values(GRAPH_APP_ROLES).sort());
    expect(byResource[GRAPH]).toHaveLength(Object.keys(GRAPH_SCOPES).length + Object.keys(GRAPH_APP_ROLES).length);
  });

  it('lets the Bot Framework token service complete the sign-in fallback', () => {
    expect(aad.replyUrlsWithType).toEqual([{ url: 'https://token.botframework.com/.auth/web/redirect', type: 'Web' }]);
    expect(aad.oauth2AllowImplicitFlow).toBe(false);
  });

  it('uses only placeholders provision writes', () => {
    const written = new Set([...yml.matchAll(/^\s+\w+: ([A-Z][A-Z0-9_]*)\s*$/gm)].map((m) => m[1]));
    written.add('AAD_APP_ACCESS_AS_USER_PERMISSION_ID'); // aadApp/update generates it when empty
    expect(placeholdersIn(JSON.stringify(aad)).filter((p) => !written.has(p))).toEqual([]);
  });
});

describe('env/ templates', () => {
  // In this repository env/.env.dev is a template: nobody's tenant ids or subscription get committed upstream.
  // (A partner's own fork that commits its provisioned values can drop the emptiness check.)
  it('.env.dev defines every placeholder the Teams manifest needs, all empty: it is a template', () => {
    const keys = envKeys(envDev);
    const manifest = readFileSync(join(REPO, 'appPackage', 'manifest.json'), 'utf8');
    const defined = new Set(keys.map((k) => k.key));
    expect(placeholdersIn(manifest).filter((p) => !defined.has(p))).toEqual([]);
    expect(keys.filter((k) => k.key !== 'TEAMSFX_ENV' && k.value !== '')).toEqual([]);
    expect(envKeys(envUserExample).filter((k) => k.value !== '')).toEqual([]);
  });

  it('git ignores the real secret files and local overrides, not the templates', () => {
    const ignored = (p: string) => {
      try {
        execFileSync('git', ['check-ignore', '-q', p], { cwd: REPO });
        return true;
      } catch {
        return false;
      }
    };
    expect(ignored('env/.env.dev.user')).toBe(true);
    expect(ignored('env/.env.prod.user')).toBe(true);
    expect(ignored('env/.env.local')).toBe(true);
    expect(ignored('env/.env.dev')).toBe(false);
    expect(ignored('env/.env.dev.user.example')).toBe(false);
  });
});
