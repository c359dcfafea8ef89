import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BOT_COMMANDS } from '../../../src/teams/commands';
import { fillPlaceholders, placeholdersIn, shippedSchemaPath, validateManifest } from '../../../scripts/package-app';
import { APP_PACKAGE, EXAMPLE_ENV, REPO } from './helpers';

/**
 * Runs Microsoft's own AppManifestUtils.validateAgainstSchema in plain Node (Jest cannot load the package's
 * ES-module dependency), with the shipped schema so nothing is fetched, and returns its error strings.
 */
function validateWithAppManifestUtils(manifest: unknown, schemaPath: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
  try {
    const manifestPath = join(dir, 'manifest.json');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const script = `
      globalThis.fetch = () => { throw new Error('network used'); };
      const { AppManifestUtils } = require('@microsoft/app-manifest');
      const fs = require('node:fs');
      const [manifestPath, schemaPath] = process.argv.slice(1);
      AppManifestUtils.validateAgainstSchema(JSON.parse(fs.readFileSync(manifestPath, 'utf8')), JSON.parse(fs.readFileSync(schemaPath, 'utf8')))
        .then((errors) => process.stdout.write(JSON.stringify(errors)), (e) => { console.error(e); process.exit(2); });`;
    return JSON.parse(execFileSync(process.execPath, ['-e', script, manifestPath, schemaPath], { cwd: REPO, encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const template = readFileSync(join(APP_PACKAGE, 'manifest.json'), 'utf8');
const filled = JSON.parse(fillPlaceholders(template, EXAMPLE_ENV).text);

type CommandList = { scopes: string[]; commands: Array<{ title: string; description?: string }> };
const bot = filled.bots[0] as { botId: string; scopes: string[]; supportsFiles: boolean; commandLists: CommandList[] };

describe('appPackage/manifest.json', () => {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    // Validation must be offline: any attempt to download the schema fails the test.
    globalThis.fetch = (() => Promise.reject(new Error('network used during manifest validation'))) as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });

  it('filled with an example environment, validates against the schema @microsoft/app-manifest ships', () => {
    expect(validateManifest(filled)).toEqual([]);
  });

  it("agrees with @microsoft/app-manifest's own AppManifestUtils.validateAgainstSchema, valid or not", () => {
    const schemaPath = shippedSchemaPath(filled);
    expect(validateWithAppManifestUtils(filled, schemaPath)).toEqual([]);
    const broken = { ...filled, id: 'not-a-guid', accentColor: 'blue', name: { full: 'x' } };
    const theirs = validateWithAppManifestUtils(broken, schemaPath);
    const ours = validateManifest(broken).map((e) => e.replace(/^schema: /, '').replace(/^\(root\)/, ''));
    expect(theirs.length).toBeGreaterThanOrEqual(3);
    expect(ours).toEqual(theirs);
  });

  it('uses a current manifest version (1.17 or later) whose schema is shipped offline', () => {
    const [major, minor] = String(filled.manifestVersion).split('.').map(Number);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(17);
    expect(shippedSchemaPath(filled)).toMatch(new RegExp(`teams/v${filled.manifestVersion}/MicrosoftTeams\\.schema\\.json$`));
  });

  it('is pinned to 1.22, the version Microsoft Learn documents as current (GA), not the newest the package ships', () => {
    // The Teams admin center accepts the versions the manifest schema reference calls current; newer schema
    // folders in @microsoft/app-manifest (1.23 … 1.30) can be ahead of what tenants accept for custom apps.
    // Move this pin only after the Learn page (resources/schema/manifest-schema) names a newer current version.
    expect(filled.manifestVersion).toBe('1.22');
    expect(filled.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json');
  });

  it('asks only for the placeholders the env templates and deployment provide', () => {
    expect(placeholdersIn(template).sort()).toEqual(Object.keys(EXAMPLE_ENV).sort());
  });

  it('declares the bot in personal, team and group chat scopes, with files (the history CSV is a file offer)', () => {
    expect(bot.botId).toBe(EXAMPLE_ENV.BOT_ID);
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    // Teams sends file consent cards and fileConsent/invoke only for bots that declare supportsFiles.
    expect(bot.supportsFiles).toBe(true);
  });

  it('has one command list per scope, each exactly the commands in src/teams/commands.ts', () => {
    const expected = BOT_COMMANDS.map((c) => ({ title: c.title, description: c.description }));
    const scopes = bot.commandLists.flatMap((l) => l.scopes).sort();
    expect(scopes).toEqual(['groupChat', 'personal', 'team']);
    for (const list of bot.commandLists) {
      // Every command the manifest lists is handled by the bot, and every command the bot handles is listed.
      expect(list.commands.map((c) => ({ title: c.title, description: c.description }))).toEqual(expected);
    }
  });

  it('carries Teams SSO for the bot: webApplicationInfo = bot id and api://botid-<bot id>', () => {
    expect(filled.webApplicationInfo).toEqual({ id: EXAMPLE_ENV.BOT_ID, resource: `api://botid-${EXAMPLE_ENV.BOT_ID}` });
    expect(template).toContain('"resource": "api://botid-${{BOT_ID}}"');
  });

  it('lists the bot host and the Bot Framework token service as valid domains', () => {
    expect(filled.validDomains).toEqual([EXAMPLE_ENV.BOT_DOMAIN, 'token.botframework.com']);
  });

  it('names the product consistently and leaves the developer fields to the partner', () => {
    expect(filled.name.short).toBe('Partner User Desk');
    expect(filled.description.full).toContain('Partner User Desk');
    expect(filled.developer).toEqual({
      name: EXAMPLE_ENV.DEVELOPER_NAME,
      websiteUrl: EXAMPLE_ENV.DEVELOPER_WEBSITE_URL,
      privacyUrl: EXAMPLE_ENV.DEVELOPER_PRIVACY_URL,
      termsOfUseUrl: EXAMPLE_ENV.DEVELOPER_TERMS_URL,
    });
    expect(filled.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });
});
