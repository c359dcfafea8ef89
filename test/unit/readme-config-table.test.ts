import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema, loadConfig, type Config } from '../../src/config';

/**
 * README's configuration table is what an administrator reads: it must name exactly the variables src/config.ts
 * parses, with the defaults the schema applies. A variable added to the schema without a row (or a default
 * changed on one side only) fails here.
 */

interface Row {
  variable: string;
  /** This variable's part of the default cell (a cell shared by several variables is split at its commas). */
  defaultCell: string;
}

function configurationRows(readme: string): Row[] {
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const rows: Row[] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const [, names, defaults] = line.split(/\s*\|\s*/);
    const variables = [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]);
    const parts = variables.length > 1 ? defaults.split(/,\s*/) : [defaults];
    variables.forEach((variable, i) => rows.push({ variable, defaultCell: (parts.length === variables.length ? parts[i] : defaults).trim() }));
  }
  return rows;
}

/** The first value in backticks at the start of a cell (`3978`, `https://…`), or undefined for "—" and prose. */
function leadingLiteral(cell: string): string | undefined {
  return /^`([^`]*)`/.exec(cell)?.[1];
}

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const rows = configurationRows(readme);
const shape = envSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;
const schemaDefault = (name: string) => shape[name].safeParse(undefined).data;

const GUID_A = '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11';
const GUID_T = '7b0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11';
const sandboxConfig = loadConfig({});
const productionConfig = loadConfig({ AAD_APP_CLIENT_ID: GUID_A, AAD_APP_CLIENT_SECRET: 's', AAD_APP_TENANT_ID: GUID_T, BOT_ID: GUID_A, BOT_PASSWORD: 'p', DATA_ENCRYPTION_KEY: 'a'.repeat(64) });

/**
 * Variables the schema leaves unset because loadConfig derives their value: what README states first must be
 * what loadConfig really does.
 */
const DERIVED: Record<string, { literal: string; holds: (sandbox: Config, production: Config) => boolean }> = {
  HOST: { literal: '127.0.0.1', holds: (s, p) => s.host === '127.0.0.1' && p.host === '0.0.0.0' },
  BOT_TENANT_ID: { literal: 'AAD_APP_TENANT_ID', holds: (_s, p) => p.bot.tenantId === GUID_T },
  DUE_WORK_POLL_MS: { literal: '1000', holds: (s) => s.dueWorkPollMs === 1000 && loadConfig({ STORAGE: 'blob', STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' }).dueWorkPollMs === 5000 },
  CREATION_LEASE_MS: { literal: 'HTTP_DEADLINE_MS', holds: (s) => s.creationLeaseMs === s.http.deadlineMs + 30_000 },
};

describe("README's configuration table", () => {
  it('names every variable of the config schema once, and nothing else', () => {
    const documented = rows.map((r) => r.variable);
    expect(documented.length).toBeGreaterThan(20);
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(shape).sort());
  });

  it.each(Object.keys(shape).map((name) => [name]))('%s: the default README states is the one the schema applies', (name) => {
    const row = rows.find((r) => r.variable === name);
    expect(row).toBeDefined();
    const literal = leadingLiteral(row!.defaultCell);
    const def = schemaDefault(name);
    if (def !== undefined) {
      expect(literal).toBe(String(def));
    } else if (DERIVED[name]) {
      expect(literal).toBe(DERIVED[name].literal);
      expect(DERIVED[name].holds(sandboxConfig, productionConfig)).toBe(true);
    } else {
      // No default in the schema and none derived: README must not promise a value.
      expect(literal).toBeUndefined();
    }
  });

  it('the sandbox defaults README states in parentheses are the ones loadConfig uses', () => {
    const cell = (name: string) => rows.find((r) => r.variable === name)!.defaultCell;
    expect(cell('AUTHORITY_HOST')).toContain(`(sandbox: \`${sandboxConfig.aad.authorityHost}\`)`);
    expect(sandboxConfig.partnerCenterBaseUrl).toBe(sandboxConfig.sandboxUrl);
    expect(cell('PARTNER_CENTER_BASE_URL')).toContain('(sandbox: the sandbox)');
    expect(sandboxConfig.graphBaseUrl).toBe(sandboxConfig.sandboxUrl);
    expect(cell('GRAPH_BASE_URL')).toContain('(sandbox: the sandbox)');
  });
});
