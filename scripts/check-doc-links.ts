/**
 * Checks that every relative link and every file path named in README.md and docs/*.md exists, so a newcomer
 * following the docs never lands on a file that was renamed or removed.
 *
 * What is checked, per Markdown file:
 * - links and images `[text](target)`: the target (relative to the Markdown file) exists; a `#fragment` names a
 *   heading of the target file (GitHub's slugs);
 * - paths in backticks: `src/…`, `test/…`, `docs/…`, … (relative to the repository root) exist; a bare file name
 *   such as `stored-request-upgrades.ts` is some tracked file's name.
 * - commands `npm run <name>`, `npm start`, `npm test` (in code blocks too): package.json has that script.
 * Paths with placeholders (`<env>`, `*`, `$DATA_DIR`, `{id}`) and generated folders are skipped: there is nothing
 * fixed to check.
 *
 * Usage: `npx ts-node --transpile-only scripts/check-doc-links.ts` (exit status 1 and one line per broken path).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';

export interface BrokenLink {
  file: string;
  line: number;
  target: string;
  why: string;
}

/** Top-level folders and files of the repository a backticked path may start with. */
const ROOTS = ['src/', 'test/', 'docs/', 'cards/', 'scripts/', 'infra/', 'appPackage/', 'env/', '.ci/'];
const ROOT_FILES = ['README.md', 'package.json', 'package-lock.json', 'aad.manifest.json', 'm365agents.yml', 'jest.config.js', 'tsconfig.json', 'tsconfig.build.json', 'eslint.config.mjs'];
/** Written by builds and test runs, never tracked: named in the docs as where output goes. */
const GENERATED = ['appPackage/build/', 'test-output/', 'dist/', '.data/', 'devTools/', 'node_modules/', 'env/.env.dev.user'];
/** Files the bot writes into DATA_DIR at run time. */
const RUNTIME_FILES = ['sandbox-signing-key.json', 'sandbox-encryption.key', 'partner-user-desk.db'];
const FILE_NAME = /^[\w.-]+\.(?:ts|js|mjs|json|md|bicep|yml|yaml|png|csv|sh)$/;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function trackedFiles(root: string): string[] {
  try {
    return execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** The Markdown files the check covers: README.md and docs/*.md. */
export function docFiles(root: string): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f));
  return ['README.md', ...docs];
}

/** Every broken link or path in the given Markdown files (paths relative to root). */
export function checkDocLinks(root: string, files: string[] = docFiles(root)): BrokenLink[] {
  const tracked = trackedFiles(root);
  const pkg = resolve(root, 'package.json');
  const scripts = new Set(Object.keys(existsSync(pkg) ? ((JSON.parse(readFileSync(pkg, 'utf8')) as { scripts?: object }).scripts ?? {}) : {}));
  const names = new Set(tracked.map((f) => basename(f)));
  const broken: BrokenLink[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (abs: string) => {
    if (!anchorCache.has(abs)) anchorCache.set(abs, anchors(readFileSync(abs, 'utf8')));
    return anchorCache.get(abs)!;
  };

  for (const file of files) {
    const abs = resolve(root, file);
    const lines = readFileSync(abs, 'utf8').split('\n');
    let fenced = false;
    lines.forEach((text, i) => {
      if (text.startsWith('```')) fenced = !fenced;
      const at = (target: string, why: string) => broken.push({ file, line: i + 1, target, why });
      for (const m of text.matchAll(/\bnpm (?:run ([\w:-]+)|(start|test)\b)/g)) {
        const script = m[1] ?? m[2];
        if (!scripts.has(script)) at(`npm ${m[1] ? 'run ' : ''}${script}`, 'no such script in package.json');
      }
      if (fenced) return;

      for (const m of text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        const target = m[1];
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
        const [path, fragment] = target.split('#', 2);
        const dest = path === '' ? abs : resolve(dirname(abs), decodeURI(path));
        if (!existsSync(dest)) {
          at(target, 'no such file');
          continue;
        }
        if (fragment && dest.endsWith('.md') && !anchorsOf(dest).has(fragment.toLowerCase())) at(target, `no heading #${fragment} in ${relative(root, dest)}`);
      }

      // Inline code spans (odd pieces between backticks): `path/to/file.ts`, `file-name.ts`, optionally `:line`.
      const spans = text.split('`').filter((_, k) => k % 2 === 1);
      for (const span of spans) {
        const raw = span.trim().replace(/:\d+(?:-\d+)?$/, '').replace(/[.,;)]+$/, '');
        if (/[\s<>*${}]/.test(raw) || raw.includes('://') || raw.startsWith('--')) continue;
        if (GENERATED.some((g) => raw.startsWith(g)) || RUNTIME_FILES.includes(raw)) continue;
        // `x.js` where `x.ts` is tracked: the compiled file (dist/, or run through ts-node).
        const source = raw.endsWith('.js') ? raw.replace(/\.js$/, '.ts') : raw;
        if (ROOTS.some((r) => raw.startsWith(r)) || ROOT_FILES.includes(raw)) {
          if (!existsSync(resolve(root, raw)) && !existsSync(resolve(root, source))) at(raw, 'no such file or folder');
        } else if (FILE_NAME.test(raw) && !names.has(raw) && !names.has(source) && !existsSync(resolve(root, raw))) {
          at(raw, 'no tracked file has this name');
        }
      }
    });
  }
  return broken;
}

if (require.main === module) {
  const root = resolve(__dirname, '..');
  const broken = checkDocLinks(root);
  for (const b of broken) console.log(`${b.file}:${b.line}: ${b.target} (${b.why})`);
  console.log(broken.length === 0 ? 'every link and path resolves' : `${broken.length} broken`);
  process.exitCode = broken.length === 0 ? 0 : 1;
}
