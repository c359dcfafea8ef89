/**
 * `npm run package [-- --env <name>]`: builds the Teams app package appPackage/build/appPackage.<env>.zip.
 *
 * 1. Environment: process.env, plus env/.env.<env> and env/.env.<env>.user when they exist. As with dotenv, a
 *    variable already set (non-empty) in the process environment wins over the files, so CI can inject values
 *    while the committed template stays empty.
 * 2. Fills every `${{NAME}}` in appPackage/manifest.json; refuses, naming each one, if any is unset or empty.
 * 3. Validates the filled manifest against the JSON schema that @microsoft/app-manifest ships for its
 *    manifestVersion (offline: the schema file is read from node_modules, never fetched), with the validator
 *    that package uses (see validateManifest), then checks what the schema cannot: bot id = SSO app id, the
 *    `api://botid-<id>` resource (or `api://<SSO_RESOURCE_DOMAIN>/botid-<id>` for the multi-tenant registration,
 *    when that variable is set), bare host names in validDomains.
 * 4. Checks the icons: PNG, color 192×192, outline 32×32 and only white on transparent.
 * 5. Writes the zip (manifest.json, color.png, outline.png at the root) and the filled manifest next to it.
 * Exits non-zero on any problem, after printing all of them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { ZipFile } from 'yazl';

export const ROOT = resolve(__dirname, '..');
export const TEAMS_CLIENT_DOMAIN = 'token.botframework.com';

/** Everything that is wrong, collected so one run reports all of it. */
export class PackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`The app package was not built:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageError';
  }
}

export type Env = Record<string, string | undefined>;

/** Parses a .env file: KEY=VALUE lines, `#` comments, optional `export ` and surrounding quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2];
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2];
    else value = value.replace(/\s+#.*$/, '').trim();
    out[m[1]] = value;
  }
  return out;
}

/** The environment for one Toolkit-style environment name: files first, then non-empty process variables on top. */
export function loadEnv(root: string, envName: string, processEnv: Env): { env: Env; files: string[] } {
  if (!/^[A-Za-z0-9_-]+$/.test(envName)) throw new PackageError([`--env ${JSON.stringify(envName)}: use letters, digits, - and _ only`]);
  const env: Env = {};
  const files: string[] = [];
  for (const name of [`.env.${envName}`, `.env.${envName}.user`]) {
    const path = join(root, 'env', name);
    if (!existsSync(path)) continue;
    Object.assign(env, parseDotEnv(readFileSync(path, 'utf8')));
    files.push(path);
  }
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined && v !== '') env[k] = v;
  return { env, files };
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the placeholders in a template, each once, in order of first use. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/**
 * Fills `${{NAME}}` placeholders. The manifest's placeholders sit inside JSON strings, so values are
 * JSON-escaped. Unset or blank values are reported in `missing` and left in place.
 */
export function fillPlaceholders(template: string, env: Env): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    const value = env[name]?.trim();
    if (!value) {
      missing.add(name);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  return { text, missing: [...missing] };
}

const APP_MANIFEST_DIR = dirname(require.resolve('@microsoft/app-manifest/package.json'));
const SCHEMA_URL = /\/json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/;

/** The schema file @microsoft/app-manifest ships for this manifest, by its `$schema` URL or manifestVersion. */
export function shippedSchemaPath(manifest: { $schema?: unknown; manifestVersion?: unknown }): string {
  const base = join(APP_MANIFEST_DIR, 'build', 'json-schemas', 'teams');
  let folder: string | undefined;
  if (typeof manifest.$schema === 'string') {
    const m = SCHEMA_URL.exec(manifest.$schema);
    if (!m) throw new PackageError([`$schema ${JSON.stringify(manifest.$schema)} is not a Teams manifest schema URL`]);
    folder = m[1];
    const expected = folder === 'vDevPreview' ? 'devPreview' : folder.slice(1);
    if (manifest.manifestVersion !== expected) {
      throw new PackageError([`manifestVersion ${JSON.stringify(manifest.manifestVersion)} does not match $schema (${folder})`]);
    }
  } else if (typeof manifest.manifestVersion === 'string') {
    folder = manifest.manifestVersion === 'devPreview' ? 'vDevPreview' : `v${manifest.manifestVersion}`;
  } else {
    throw new PackageError(['the manifest has neither $schema nor manifestVersion']);
  }
  const path = join(base, folder, 'MicrosoftTeams.schema.json');
  if (!existsSync(path)) throw new PackageError([`@microsoft/app-manifest ships no schema for ${folder} (looked for ${path})`]);
  return path;
}

type ValidateFn = ((data: unknown) => boolean) & {
  errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null;
};

/**
 * Schema errors for a filled manifest: the schema file @microsoft/app-manifest ships, checked the way its
 * `AppManifestUtils.validateAgainstSchema(manifest, schema)` checks it (Ajv for draft-04 with ajv-formats'
 * uri/email/regex, allErrors, strictTypes off, errors as "<path> <message>. Details: <params>"). We build that
 * validator from the package's own dependencies instead of importing its entry point because the entry point
 * requires strip-bom 5, an ES module that Jest's CommonJS runtime cannot load. A unit test runs the real
 * AppManifestUtils in plain Node on the same manifest to prove the two agree.
 */
export function validateManifest(manifest: Record<string, unknown>): string[] {
  const schema = JSON.parse(readFileSync(shippedSchemaPath(manifest), 'utf8'));
  const fromPackage = createRequire(join(APP_MANIFEST_DIR, 'package.json'));
  const Ajv = fromPackage('ajv-draft-04').default;
  const addFormats = fromPackage('ajv-formats').default;
  const ajv = new Ajv({ allErrors: true, strictTypes: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  const validate: ValidateFn = ajv.compile(schema);
  // Validate a JSON round-trip, as the library does, so the object is exactly what goes into the zip.
  if (validate(JSON.parse(JSON.stringify(manifest)))) return [];
  return (validate.errors ?? []).map(
    (e) => `schema: ${e.instancePath || '(root)'} ${e.message ?? ''}. Details: ${e.params ? JSON.stringify(e.params) : ''}`,
  );
}

interface ManifestShape {
  bots?: Array<{ botId?: string }>;
  webApplicationInfo?: { id?: string; resource?: string };
  validDomains?: string[];
  icons?: { color?: string; outline?: string };
}

/**
 * The SSO resource the Entra app's identifier URI must equal. Single-tenant: `api://botid-<id>`. Multi-tenant:
 * Entra accepts an identifier URI only on a verified domain of the tenant, so `api://<domain>/botid-<id>`
 * (docs/deploy.md), the domain coming from SSO_RESOURCE_DOMAIN.
 */
export function ssoResource(botId: string, ssoDomain?: string): string {
  return ssoDomain ? `api://${ssoDomain}/botid-${botId}` : `api://botid-${botId}`;
}

const DOMAIN_NAME = /^(?=.{1,253}$)([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** What the schema cannot say: the pieces of bot SSO must agree with each other. */
export function checkConsistency(manifest: ManifestShape, opts: { ssoDomain?: string } = {}): string[] {
  const problems: string[] = [];
  const botId = manifest.bots?.[0]?.botId;
  const sso = manifest.webApplicationInfo;
  if (!botId) problems.push('bots[0].botId is missing');
  if (!sso?.id || !sso.resource) problems.push('webApplicationInfo (id and resource) is required for Teams SSO');
  if (botId && sso?.id && sso.id !== botId) problems.push(`webApplicationInfo.id (${sso.id}) must be the bot id (${botId})`);
  if (botId && sso?.resource && sso.resource !== ssoResource(botId, opts.ssoDomain)) {
    problems.push(`webApplicationInfo.resource must be "${ssoResource(botId, opts.ssoDomain)}" (got "${sso.resource}")`);
  }
  const domains = manifest.validDomains ?? [];
  for (const d of domains) {
    if (!/^(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?$/.test(d)) problems.push(`validDomains: "${d}" must be a bare host name (no https://, no path)`);
  }
  if (!domains.includes(TEAMS_CLIENT_DOMAIN)) problems.push(`validDomains must include ${TEAMS_CLIENT_DOMAIN} (the sign-in fallback)`);
  return problems;
}

export const ICON_RULES = { color: 192, outline: 32 } as const;

/** Icon problems: missing file, not a PNG, wrong size, or an outline icon that is not white on transparent. */
export function checkIcons(appPackageDir: string, icons: { color?: string; outline?: string } | undefined): string[] {
  const problems: string[] = [];
  for (const kind of ['color', 'outline'] as const) {
    const file = icons?.[kind];
    if (!file) {
      problems.push(`icons.${kind} is missing`);
      continue;
    }
    const path = join(appPackageDir, file);
    if (!existsSync(path)) {
      problems.push(`icons.${kind}: ${file} does not exist in ${appPackageDir}`);
      continue;
    }
    try {
      // pngjs decodes every colour type and bit depth to 8-bit RGBA, so the checks below see what Teams renders.
      const img = PNG.sync.read(readFileSync(path));
      const size = ICON_RULES[kind];
      if (img.width !== size || img.height !== size) problems.push(`icons.${kind}: ${file} is ${img.width}×${img.height}, must be ${size}×${size}`);
      if (kind === 'outline') {
        let bad = 0;
        for (let i = 0; i < img.data.length; i += 4) {
          if (img.data[i + 3] > 0 && (img.data[i] !== 255 || img.data[i + 1] !== 255 || img.data[i + 2] !== 255)) bad++;
        }
        if (bad > 0) problems.push(`icons.outline: ${file} has ${bad} pixels that are neither white nor fully transparent`);
        if (img.data.every((v, i) => i % 4 !== 3 || v === 0)) problems.push(`icons.outline: ${file} is empty`);
      }
    } catch (e) {
      problems.push(`icons.${kind}: ${file} is not a readable PNG (${(e as Error).message})`);
    }
  }
  return problems;
}

/**
 * A zip of `files` at the archive root, every entry stamped with `mtime` (the same inputs and time give the
 * same bytes). yazl deflates each entry and writes a plain PKWARE archive, which is what Teams accepts.
 */
export function zipFiles(files: Array<{ name: string; data: Buffer }>, mtime: Date): Promise<Buffer> {
  const zip = new ZipFile();
  const done = new Promise<Buffer>((resolveZip, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolveZip(Buffer.concat(chunks)));
  });
  for (const f of files) zip.addBuffer(f.data, f.name, { mtime, mode: 0o100644 });
  zip.end();
  return done;
}

export interface BuildOptions {
  /** Folder with manifest.json and the icons (default: appPackage/). */
  appPackageDir?: string;
  /** Where the zip goes (default: <appPackageDir>/build). */
  outDir?: string;
  envName: string;
  env: Env;
  /** Fixed timestamp for the zip entries (tests). */
  mtime?: Date;
}

export interface BuildResult {
  zipPath: string;
  manifestPath: string;
  manifest: Record<string, unknown>;
}

/** Fills, validates and zips. Throws PackageError listing every problem; writes nothing unless all is well. */
export async function buildAppPackage(opts: BuildOptions): Promise<BuildResult> {
  const dir = opts.appPackageDir ?? join(ROOT, 'appPackage');
  const outDir = opts.outDir ?? join(dir, 'build');
  const template = readFileSync(join(dir, 'manifest.json'), 'utf8');
  const { text, missing } = fillPlaceholders(template, opts.env);
  if (missing.length > 0) {
    throw new PackageError(
      missing.map((name) => `${name} is not set: manifest.json uses \${{${name}}}; set it in env/.env.${opts.envName} or in the environment`),
    );
  }
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text);
  } catch (e) {
    throw new PackageError([`manifest.json is not valid JSON after filling placeholders: ${(e as Error).message}`]);
  }
  // Multi-tenant registration: the SSO resource moves onto the partner's verified domain (docs/deploy.md).
  const ssoDomain = opts.env.SSO_RESOURCE_DOMAIN?.trim() || undefined;
  const domainProblems: string[] = [];
  if (ssoDomain) {
    if (!DOMAIN_NAME.test(ssoDomain)) domainProblems.push(`SSO_RESOURCE_DOMAIN: "${ssoDomain}" must be a bare domain name (a verified domain of your partner tenant, no scheme or path)`);
    const sso = (manifest as ManifestShape).webApplicationInfo;
    const botId = (manifest as ManifestShape).bots?.[0]?.botId;
    if (sso && botId) sso.resource = ssoResource(botId, ssoDomain);
  }
  const problems = [
    ...domainProblems,
    ...validateManifest(manifest),
    ...checkConsistency(manifest as ManifestShape, { ssoDomain }),
    ...checkIcons(dir, (manifest as ManifestShape).icons),
  ];
  if (problems.length > 0) throw new PackageError(problems);

  const icons = (manifest as ManifestShape).icons as { color: string; outline: string };
  const manifestJson = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const zip = await zipFiles(
    [
      { name: 'manifest.json', data: manifestJson },
      { name: icons.color, data: readFileSync(join(dir, icons.color)) },
      { name: icons.outline, data: readFileSync(join(dir, icons.outline)) },
    ],
    opts.mtime ?? new Date(),
  );
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${opts.envName}.zip`);
  const manifestPath = join(outDir, `manifest.${opts.envName}.json`);
  writeFileSync(zipPath, zip);
  writeFileSync(manifestPath, manifestJson);
  return { zipPath, manifestPath, manifest };
}

const USAGE = 'usage: npm run package [-- --env <name>]   (default env: dev; reads env/.env.<name> if present)';

export function parseArgs(argv: string[]): { envName: string } {
  let envName = 'dev';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--env' || arg === '-e') {
      const next = argv[++i];
      if (!next || next.startsWith('-')) throw new PackageError([`${arg} needs a name. ${USAGE}`]);
      envName = next;
    } else if (arg.startsWith('--env=')) envName = arg.slice('--env='.length);
    else throw new PackageError([`unknown argument ${JSON.stringify(arg)}. ${USAGE}`]);
  }
  return { envName };
}

/** The CLI. Returns the exit code; prints the zip's path on success and every problem on failure. */
export async function main(argv: string[], processEnv: Env, root = ROOT): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(USAGE);
      return 0;
    }
    const { envName } = parseArgs(argv);
    const { env, files } = loadEnv(root, envName, processEnv);
    console.log(`environment "${envName}": ${files.length ? files.map((f) => relative(root, f)).join(', ') + ' + ' : ''}process environment`);
    const result = await buildAppPackage({ appPackageDir: join(root, 'appPackage'), envName, env });
    console.log(`manifest valid against the shipped Teams schema v${String(result.manifest.manifestVersion)}; icons OK`);
    console.log(`wrote ${relative(root, result.zipPath)} (manifest.json, color.png, outline.png)`);
    return 0;
  } catch (e) {
    console.error(e instanceof PackageError ? e.message : `The app package was not built: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
