'use strict';
/**
 * A `node -r` hook for the bot processes the tests start (test/support/bot-process.ts) and other spawned `.ts`
 * entry points: the same per-file transpilation `ts-node --transpile-only` does (`ts.transpileModule` with the
 * repository's tsconfig.json), kept on disk by the hash of each file's text, so TypeScript is loaded and run only
 * for a file that changed since the last start. A crash test starts the bot a dozen times; with ts-node each start
 * spent most of its ≈ 12 s of CPU loading TypeScript and transpiling the same 240 files again.
 *
 * Plain JavaScript on purpose: it is what makes `.ts` loadable, so it cannot itself be TypeScript. It type-checks
 * nothing, exactly like ts-node's transpile-only mode; `npm run lint` (tsc --noEmit) does the type checking.
 * The cache lives in node_modules/.cache/ts-transpile (TS_TRANSPILE_CACHE_DIR overrides it); a stale or broken
 * entry cannot be picked up, since the key covers the file's path and text, TypeScript's version and tsconfig.json.
 */
const { createHash } = require('node:crypto');
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..', '..');
const CACHE_DIR = process.env.TS_TRANSPILE_CACHE_DIR || join(ROOT, 'node_modules', '.cache', 'ts-transpile');
const TSCONFIG = join(ROOT, 'tsconfig.json');

// What decides the output besides the file itself: the compiler's version and the project's options.
const SALT = createHash('sha256')
  .update(readFileSync(require.resolve('typescript/package.json'), 'utf8'))
  .update(readFileSync(TSCONFIG, 'utf8'))
  .digest('hex');

let ts;
let compilerOptions;

/** TypeScript and tsconfig.json's options, loaded on the first cache miss only (loading TypeScript costs ≈ 1 s). */
function compiler() {
  if (!ts) {
    ts = require('typescript');
    const parsed = ts.getParsedCommandLineOfConfigFile(TSCONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
    // As ts-node: inline source maps (stack traces point at .ts lines), nothing else emitted.
    compilerOptions = { ...parsed.options, sourceMap: false, inlineSourceMap: true, inlineSources: true, declaration: false, noEmit: false, outDir: undefined };
  }
  return ts;
}

function transpile(source, filename) {
  const key = createHash('sha256').update(SALT).update('\0').update(filename).update('\0').update(source).digest('hex');
  const file = join(CACHE_DIR, key.slice(0, 2), `${key}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // Not cached yet.
  }
  const output = compiler().transpileModule(source, { fileName: filename, compilerOptions, reportDiagnostics: false }).outputText;
  try {
    mkdirSync(join(CACHE_DIR, key.slice(0, 2)), { recursive: true });
    // Written aside and renamed into place, so a process reading at the same moment never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, output);
    renameSync(partial, file);
  } catch {
    // A cache that cannot be written only costs the next start this file's transpilation again.
  }
  return output;
}

process.setSourceMapsEnabled?.(true);
// On Node >= 22.1, also keep V8's compiled code of every module between starts, as src/compile-cache.ts does for
// the product (it is imported by main.ts, after several modules were loaded already); older Node has no such thing.
require('node:module').enableCompileCache?.();

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(readFileSync(filename, 'utf8'), filename), filename);
};
