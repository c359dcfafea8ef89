import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  PackageError,
  buildAppPackage,
  checkConsistency,
  fillPlaceholders,
  loadEnv,
  main,
  parseArgs,
  parseDotEnv,
} from '../../../scripts/package-app';
import { EXAMPLE_ENV, editJson, readZip, tempAppPackage } from './helpers';

const hasUnzip = spawnSync('sh', ['-c', 'command -v unzip'], { encoding: 'utf8' }).status === 0;

/** An RGBA PNG of the given size, every pixel `rgba`. */
function solidPng(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i += 4) png.data.set(rgba, i);
  return PNG.sync.write(png);
}

async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof PackageError) return e.problems;
    throw e;
  }
  throw new Error('expected a PackageError');
}

describe('scripts/package-app.ts', () => {
  let tmp: ReturnType<typeof tempAppPackage>;
  beforeEach(() => {
    tmp = tempAppPackage();
  });
  afterEach(() => tmp.cleanup());

  const build = (env: Record<string, string | undefined> = EXAMPLE_ENV) =>
    buildAppPackage({ appPackageDir: tmp.dir, envName: 'test', env, mtime: new Date(2025, 0, 1) });

  it('writes a zip with exactly manifest.json, color.png and outline.png at the root, readable back', async () => {
    const result = await build();
    expect(result.zipPath).toBe(join(tmp.dir, 'build', 'appPackage.test.zip'));
    const entries = await readZip(readFileSync(result.zipPath));
    expect(entries.map((e) => e.name).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
    expect(manifest.id).toBe(EXAMPLE_ENV.TEAMS_APP_ID);
    expect(JSON.stringify(manifest)).not.toContain('${{');
    expect(entries.find((e) => e.name === 'manifest.json')!.compressionMethod).toBe(8); // deflated
    expect(entries.find((e) => e.name === 'color.png')!.data.equals(readFileSync(join(tmp.dir, 'color.png')))).toBe(true);
    expect(JSON.parse(readFileSync(result.manifestPath, 'utf8'))).toEqual(manifest);
  });

  it('packs icons Teams accepts: color 192×192, outline 32×32 with transparency', async () => {
    const entries = await readZip(readFileSync((await build()).zipPath));
    const color = PNG.sync.read(entries.find((e) => e.name === 'color.png')!.data);
    const outline = PNG.sync.read(entries.find((e) => e.name === 'outline.png')!.data);
    expect([color.width, color.height]).toEqual([192, 192]);
    expect([outline.width, outline.height, outline.alpha]).toEqual([32, 32, true]);
    expect(outline.data.some((v, i) => i % 4 === 3 && v === 0)).toBe(true);
  });

  it('is byte-identical for the same inputs and timestamp', async () => {
    const first = readFileSync((await build()).zipPath);
    expect(readFileSync((await build()).zipPath).equals(first)).toBe(true);
  });

  it('the test reader refuses a corrupted archive: damaged data, or a CRC-32 that does not match', async () => {
    const zip = readFileSync((await build()).zipPath);
    const damaged = Buffer.from(zip);
    damaged[zip.indexOf('manifest.json') + 'manifest.json'.length + 40] ^= 0xff; // inside the first entry's data
    await expect(readZip(damaged)).rejects.toThrow();
    const wrongCrc = Buffer.from(zip);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])); // first central directory record
    wrongCrc[central + 16] ^= 0xff;
    await expect(readZip(wrongCrc)).rejects.toThrow(/manifest\.json fails its CRC-32/);
    await expect(readZip(zip)).resolves.toHaveLength(3);
  });

  (hasUnzip ? it : it.skip)('is accepted by Info-ZIP unzip (test and list)', async () => {
    const { zipPath } = await build();
    expect(execFileSync('unzip', ['-t', zipPath], { encoding: 'utf8' })).toMatch(/No errors detected/);
    expect(execFileSync('unzip', ['-Z1', zipPath], { encoding: 'utf8' }).trim().split('\n')).toEqual(['manifest.json', 'color.png', 'outline.png']);
  });

  it('refuses an unfilled placeholder, naming each one, and writes nothing', async () => {
    const problems = await problemsOf(build({ ...EXAMPLE_ENV, BOT_ID: undefined, BOT_DOMAIN: '   ' }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^BOT_ID is not set: manifest\.json uses \$\{\{BOT_ID\}\}/);
    expect(problems[1]).toMatch(/^BOT_DOMAIN is not set/);
    expect(() => readFileSync(join(tmp.dir, 'build', 'appPackage.test.zip'))).toThrow();
  });

  it('refuses a manifest that breaks the schema', async () => {
    editJson(join(tmp.dir, 'manifest.json'), (m) => {
      (m.name as { short: string }).short = 'A name that is far too long for the thirty character limit';
      delete m.developer;
    });
    const problems = await problemsOf(build());
    expect(problems.some((p) => p.startsWith('schema:') && p.includes('/name/short'))).toBe(true);
    expect(problems.some((p) => p.startsWith('schema:') && p.includes("'developer'"))).toBe(true);
  });

  it('refuses a value that does not fit the schema once filled (not a GUID)', async () => {
    const problems = await problemsOf(build({ ...EXAMPLE_ENV, TEAMS_APP_ID: 'my-app' }));
    expect(problems.some((p) => p.includes('/id') && p.includes('pattern'))).toBe(true);
  });

  it('refuses SSO settings that do not match the bot, and a URL in validDomains', async () => {
    editJson(join(tmp.dir, 'manifest.json'), (m) => {
      m.webApplicationInfo = { id: EXAMPLE_ENV.TEAMS_APP_ID, resource: 'api://something-else' };
    });
    const problems = await problemsOf(build({ ...EXAMPLE_ENV, BOT_DOMAIN: 'https://bot.example.com/api' }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/webApplicationInfo\.id .* must be the bot id/),
        expect.stringMatching(/webApplicationInfo\.resource must be "api:\/\/botid-/),
        expect.stringMatching(/validDomains: "https:\/\/bot\.example\.com\/api" must be a bare host name/),
      ]),
    );
  });

  it('refuses icons of the wrong size, and an outline icon that is not white on transparent', async () => {
    writeFileSync(join(tmp.dir, 'outline.png'), solidPng(32, 32, [255, 0, 0, 255]));
    writeFileSync(join(tmp.dir, 'color.png'), solidPng(16, 64, [255, 0, 0, 255]));
    const problems = await problemsOf(build());
    expect(problems).toEqual([
      'icons.color: color.png is 16×64, must be 192×192',
      'icons.outline: outline.png has 1024 pixels that are neither white nor fully transparent',
    ]);
  });

  it('refuses a missing icon file', async () => {
    editJson(join(tmp.dir, 'manifest.json'), (m) => {
      (m.icons as Record<string, string>).outline = 'missing.png';
    });
    expect(await problemsOf(build())).toEqual([expect.stringMatching(/^icons\.outline: missing\.png does not exist/)]);
  });

  it('refuses a $schema that does not match manifestVersion, or one that is not shipped', async () => {
    editJson(join(tmp.dir, 'manifest.json'), (m) => {
      m.manifestVersion = '1.17';
    });
    expect((await problemsOf(build()))[0]).toMatch(/does not match \$schema/);
    editJson(join(tmp.dir, 'manifest.json'), (m) => {
      m.manifestVersion = '1.99';
      m.$schema = 'https://developer.microsoft.com/json-schemas/teams/v1.99/MicrosoftTeams.schema.json';
    });
    expect((await problemsOf(build()))[0]).toMatch(/ships no schema for v1\.99/);
  });

  it('moves the SSO resource onto a verified domain for the multi-tenant registration (SSO_RESOURCE_DOMAIN)', async () => {
    const single = await build();
    expect((single.manifest.webApplicationInfo as { resource: string }).resource).toBe(`api://botid-${EXAMPLE_ENV.BOT_ID}`);
    const multi = await build({ ...EXAMPLE_ENV, SSO_RESOURCE_DOMAIN: 'contoso-partner.example' });
    const written = JSON.parse((await readZip(readFileSync(multi.zipPath))).find((e) => e.name === 'manifest.json')!.data.toString('utf8'));
    expect(written.webApplicationInfo).toEqual({ id: EXAMPLE_ENV.BOT_ID, resource: `api://contoso-partner.example/botid-${EXAMPLE_ENV.BOT_ID}` });
    expect(await problemsOf(build({ ...EXAMPLE_ENV, SSO_RESOURCE_DOMAIN: 'https://contoso-partner.example/' }))).toEqual([expect.stringMatching(/^SSO_RESOURCE_DOMAIN: .* must be a bare domain name/)]);
    const id = EXAMPLE_ENV.BOT_ID;
    expect(checkConsistency({ bots: [{ botId: id }], webApplicationInfo: { id, resource: `api://botid-${id}` }, validDomains: ['token.botframework.com'] }, { ssoDomain: 'contoso-partner.example' })).toEqual([
      `webApplicationInfo.resource must be "api://contoso-partner.example/botid-${id}" (got "api://botid-${id}")`,
    ]);
  });

  it('checkConsistency requires token.botframework.com for the sign-in fallback', () => {
    const id = EXAMPLE_ENV.BOT_ID;
    expect(
      checkConsistency({ bots: [{ botId: id }], webApplicationInfo: { id, resource: `api://botid-${id}` }, validDomains: ['bot.example.com'] }),
    ).toEqual(['validDomains must include token.botframework.com (the sign-in fallback)']);
  });
});

describe('environment handling', () => {
  it('parses .env files: comments, export, quotes, empty values', () => {
    expect(parseDotEnv('# c\nexport A=1\nB="two words"\nC=\nD=x # trailing\n  E = \'q\'\nnot a line\n')).toEqual({
      A: '1',
      B: 'two words',
      C: '',
      D: 'x',
      E: 'q',
    });
  });

  it('reads env/.env.<name> and .user, and lets non-empty process variables win', () => {
    const tmp = tempAppPackage();
    try {
      mkdirSync(join(tmp.root, 'env'));
      writeFileSync(join(tmp.root, 'env', '.env.prod'), 'BOT_ID=from-file\nBOT_DOMAIN=file.example.com\nTEAMS_APP_ID=\n');
      writeFileSync(join(tmp.root, 'env', '.env.prod.user'), 'SECRET_BOT_PASSWORD=s\n');
      const { env, files } = loadEnv(tmp.root, 'prod', { BOT_ID: 'from-process', BOT_DOMAIN: '', TEAMS_APP_ID: 'p' });
      expect(files.map((f) => f.slice(tmp.root.length))).toEqual(['/env/.env.prod', '/env/.env.prod.user']);
      expect(env).toMatchObject({ BOT_ID: 'from-process', BOT_DOMAIN: 'file.example.com', TEAMS_APP_ID: 'p', SECRET_BOT_PASSWORD: 's' });
      expect(() => loadEnv(tmp.root, '../x', {})).toThrow(PackageError);
    } finally {
      tmp.cleanup();
    }
  });

  it('JSON-escapes filled values so a quote cannot break the manifest', () => {
    const { text, missing } = fillPlaceholders('{"a":"${{A}}","b":"${{ B }}"}', { A: 'Say "hi"\\', B: 'ok' });
    expect(missing).toEqual([]);
    expect(JSON.parse(text)).toEqual({ a: 'Say "hi"\\', b: 'ok' });
  });

  it('parses --env, --env=, and refuses anything else', () => {
    expect(parseArgs([])).toEqual({ envName: 'dev' });
    expect(parseArgs(['--env', 'prod'])).toEqual({ envName: 'prod' });
    expect(parseArgs(['--env=staging'])).toEqual({ envName: 'staging' });
    expect(() => parseArgs(['--env'])).toThrow(PackageError);
    expect(() => parseArgs(['--force'])).toThrow(/unknown argument/);
  });
});

describe('main (the npm run package CLI)', () => {
  let tmp: ReturnType<typeof tempAppPackage>;
  let out: string[];
  let err: string[];
  beforeEach(() => {
    tmp = tempAppPackage();
    out = [];
    err = [];
    jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
    jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    tmp.cleanup();
  });

  it('exits 1 and names every unfilled placeholder when env/.env.dev is the empty template', async () => {
    mkdirSync(join(tmp.root, 'env'));
    writeFileSync(join(tmp.root, 'env', '.env.dev'), Object.keys(EXAMPLE_ENV).map((k) => `${k}=`).join('\n'));
    expect(await main([], {}, tmp.root)).toBe(1);
    for (const name of Object.keys(EXAMPLE_ENV)) expect(err.join('\n')).toContain(`${name} is not set`);
  });

  it('exits 0 and prints where it wrote the zip', async () => {
    mkdirSync(join(tmp.root, 'env'));
    writeFileSync(join(tmp.root, 'env', '.env.staging'), Object.entries(EXAMPLE_ENV).map(([k, v]) => `${k}=${v}`).join('\n'));
    expect(await main(['--env', 'staging'], {}, tmp.root)).toBe(0);
    expect(out.join('\n')).toContain('wrote appPackage/build/appPackage.staging.zip');
    expect(err).toEqual([]);
  });

  it('exits 1 on a bad argument', async () => {
    expect(await main(['--nope'], {}, tmp.root)).toBe(1);
    expect(err.join('\n')).toMatch(/unknown argument/);
  });
});
