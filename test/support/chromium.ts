import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { LaunchOptions } from 'playwright-core';

/**
 * The Chromium the browser tests drive, so that `npm ci && npm test` needs nothing else on the machine.
 *
 * By default it is the headless Chromium (chrome-headless-shell for Linux x64) that `@sparticuz/chromium` carries
 * inside its npm tarball, brotli-compressed: nothing is downloaded at install or at run time. It is unpacked once
 * per package version into node_modules/.cache/sparticuz-chromium/<version>/ (≈ 200 MB, ≈ 3 s) and reused after.
 * It renders text in the Open Sans the package also ships (system fonts fill in the glyphs Open Sans lacks, such as
 * ✓), so screenshots look the same on any machine, whatever fonts it has.
 * CHROMIUM_PATH overrides it with a browser of the machine's own (e.g. Debian's /usr/bin/chromium), with its fonts.
 */
export async function chromiumLaunchOptions(): Promise<LaunchOptions> {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH is set to ${override}, which does not exist. Unset it to use the Chromium that npm ci installs (@sparticuz/chromium).`);
    return { executablePath: override, args: CHROMIUM_ARGS };
  }
  const dir = await unpackShippedChromium();
  return { executablePath: join(dir, 'chromium'), args: CHROMIUM_ARGS, env: { ...process.env, FONTCONFIG_FILE: join(dir, 'fonts.conf') } };
}

/** The flags for a headless run on a CI box as root: no sandbox, no GPU, nothing that talks to the internet. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Unpacks the package's browser (once per version) and returns the folder that holds `chromium` and `fonts.conf`. */
async function unpackShippedChromium(): Promise<string> {
  let entry: string;
  try {
    entry = require.resolve('@sparticuz/chromium');
  } catch {
    throw new Error('@sparticuz/chromium is not installed: run `npm ci` (it is a devDependency), or set CHROMIUM_PATH to a Chromium binary.');
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`@sparticuz/chromium ships Chromium for Linux x64 only (this is ${process.platform}-${process.arch}): set CHROMIUM_PATH to a local Chromium or Chrome.`);
  }
  // entry is <node_modules>/@sparticuz/chromium/build/cjs/index.cjs; the package's exports hide its package.json.
  const packageDir = join(dirname(entry), '..', '..');
  const version = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }).version;
  const target = join(packageDir, '..', '..', '.cache', 'sparticuz-chromium', version);
  const binary = join(target, 'chromium');
  if (existsSync(binary)) return target;

  // The package unpacks into os.tmpdir(); point TMPDIR of a child process at a private folder (so a shared /tmp is
  // never touched and this process's environment is left alone), then move the folder into place in one rename, so
  // a run interrupted half-way, or two runs at once, never leave a half-written binary where it is looked for.
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    const script = `require(${JSON.stringify(entry)}).executablePath().then((p) => process.stdout.write(p))`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: partial }, timeout: 120_000 });
    if (stdout !== join(partial, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}, expected ${join(partial, 'chromium')}`);
    writeFileSync(join(partial, 'fonts.conf'), fontsConf(target));
    try {
      renameSync(partial, target);
    } catch (error) {
      // Another run got there first: use its copy.
      if (!existsSync(binary)) throw error;
    }
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return target;
}

/** The machine's own font set plus the package's Open Sans (unpacked to fonts/fonts/), preferred for sans-serif. */
function fontsConf(dir: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>${join(dir, 'fonts', 'fonts')}</dir>
  <cachedir>${join(dir, 'fontconfig-cache')}</cachedir>
  <alias binding="strong"><family>sans-serif</family><prefer><family>Open Sans</family></prefer></alias>
</fontconfig>
`;
}
