/**
 * Just enough of a Bicep reader for structural tests, because no Bicep compiler can be installed offline here
 * (the npm "bicep-node" wrapper downloads the CLI at run time; Debian has no bicep package). It understands the
 * subset our templates use: declarations at the top level, '...' strings with ${} interpolation, // and /* *\/
 * comments, object literals with `key: value` lines.
 */
import { readFileSync } from 'node:fs';

export interface Declaration {
  kind: 'param' | 'var' | 'resource' | 'module' | 'output' | 'func';
  name: string;
  /** For params: whether a default value is given (`= ...`) or the type is nullable. */
  optional?: boolean;
  /** For modules: the relative path; for resources: the type string. */
  target?: string;
}

/** Removes comments; keeps strings intact. */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === "'") {
      const end = stringEnd(src, i);
      out += src.slice(i, end);
      i = end;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Index just past the string starting at `start` (a quote), skipping escapes and ${...} interpolations. */
function stringEnd(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length) {
    if (src[i] === '\\') i += 2;
    else if (src.startsWith('${', i)) {
      let depth = 1;
      i += 2;
      while (i < src.length && depth > 0) {
        if (src[i] === "'") i = stringEnd(src, i);
        else {
          if (src[i] === '{') depth++;
          if (src[i] === '}') depth--;
          i++;
        }
      }
    } else if (src[i] === "'") return i + 1;
    else i++;
  }
  throw new Error(`unterminated string at ${start}`);
}

/** The code with string literals replaced by their interpolated expressions (so references inside count). */
export function codeOnly(src: string): string {
  const text = stripComments(src);
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === "'") {
      const end = stringEnd(text, i);
      const body = text.slice(i + 1, end - 1);
      const parts: string[] = [];
      let j = 0;
      while ((j = body.indexOf('${', j)) >= 0) {
        let depth = 1;
        let k = j + 2;
        while (k < body.length && depth > 0) {
          if (body[k] === '{') depth++;
          if (body[k] === '}') depth--;
          k++;
        }
        parts.push(codeOnly(body.slice(j + 2, k - 1)));
        j = k;
      }
      out += ` "" ${parts.map((p) => `(${p})`).join(' ')} `;
      i = end;
    } else out += text[i++];
  }
  return out;
}

export function readBicep(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Top-level declarations (params, vars, resources, modules, outputs, funcs). */
export function declarations(src: string): Declaration[] {
  const text = stripComments(src);
  const out: Declaration[] = [];
  for (const line of text.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /^param\s+(\w+)\s+(\w+)(\?)?\s*(=)?/.exec(line))) out.push({ kind: 'param', name: m[1], optional: Boolean(m[3] || m[4]) });
    else if ((m = /^var\s+(\w+)\s*=/.exec(line))) out.push({ kind: 'var', name: m[1] });
    else if ((m = /^resource\s+(\w+)\s+'([^']+)'/.exec(line))) out.push({ kind: 'resource', name: m[1], target: m[2] });
    else if ((m = /^module\s+(\w+)\s+'([^']+)'/.exec(line))) out.push({ kind: 'module', name: m[1], target: m[2] });
    else if ((m = /^output\s+(\w+)\s+\w+\s*=/.exec(line))) out.push({ kind: 'output', name: m[1] });
    else if ((m = /^func\s+(\w+)\s*\(/.exec(line))) out.push({ kind: 'func', name: m[1] });
  }
  return out;
}

/** Names local to expressions: function parameters and for-loop variables. */
function localNames(code: string): string[] {
  const names: string[] = [];
  for (const m of code.matchAll(/^func\s+\w+\s*\(([^)]*)\)/gm)) for (const p of m[1].split(',')) names.push(p.trim().split(/\s+/)[0]);
  for (const m of code.matchAll(/\bfor\s+(\w+)\s+in\b/g)) names.push(m[1]);
  for (const m of code.matchAll(/\bfor\s+\(\s*(\w+)\s*,\s*(\w+)\s*\)\s+in\b/g)) names.push(m[1], m[2]);
  return names;
}

const KEYWORDS = new Set([
  'targetScope', 'param', 'var', 'resource', 'module', 'output', 'func', 'metadata', 'type', 'import', 'existing',
  'true', 'false', 'null', 'if', 'for', 'in', 'string', 'int', 'bool', 'object', 'array', 'secureString', 'secureObject',
]);
/** Bicep functions our templates may call at the top of an expression. */
export const BUILTINS = new Set([
  'resourceGroup', 'subscription', 'tenant', 'environment', 'deployment', 'uniqueString', 'take', 'guid', 'union',
  'toUpper', 'toLower', 'string', 'int', 'bool', 'concat', 'format', 'replace', 'contains', 'empty', 'length',
  'subscriptionResourceId', 'resourceId', 'items', 'first', 'last', 'split', 'join', 'startsWith', 'endsWith',
]);

/** Identifiers an expression reads that are not properties, object keys, decorators, keywords or builtins. */
export function freeReferences(src: string): string[] {
  const code = codeOnly(src);
  const refs = new Set<string>();
  const lines = code.split('\n');
  for (const raw of lines) {
    // Declaration heads: skip the declared name and its type.
    const line = raw
      .replace(/^(param|output)\s+\w+\s+\w+\??/, '')
      .replace(/^(var|resource|module)\s+\w+/, '')
      .replace(/^func\s+\w+\s*\(([^)]*)\)\s*\w+\s*=>/, '')
      .replace(/^targetScope\s*=.*/, '');
    for (const m of line.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
      const before = line.slice(0, m.index).trimEnd();
      const after = line.slice(m.index! + m[0].length).trimStart();
      if (before.endsWith('.') || before.endsWith('@') || /\d$/.test(before.slice(-1))) continue;
      if (after.startsWith(':') && !before.endsWith('?')) continue; // an object key
      if (KEYWORDS.has(m[0]) || BUILTINS.has(m[0])) continue;
      refs.add(m[0]);
    }
  }
  for (const local of localNames(stripComments(src))) refs.delete(local);
  return [...refs];
}

/**
 * Keys and raw value expressions of the object literal that starts at `var <name> = {` (one key per line).
 */
export function objectLiteral(src: string, varName: string): Map<string, string> {
  const text = stripComments(src);
  const start = text.search(new RegExp(`^var\\s+${varName}\\s*=\\s*\\{`, 'm'));
  if (start < 0) throw new Error(`no object literal var ${varName}`);
  const body: string[] = [];
  for (const line of text.slice(text.indexOf('{', start) + 1).split('\n')) {
    if (/^\}/.test(line)) break;
    body.push(line);
  }
  const map = new Map<string, string>();
  for (const line of body) {
    const m = /^\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.+?)\s*$/.exec(line);
    if (m) map.set(m[1], m[2]);
  }
  return map;
}

/** Keys given in `module <name> '...' = { ... params: { key: ... } }`. */
export function moduleParams(src: string, moduleName: string): string[] {
  const text = stripComments(src);
  const start = text.search(new RegExp(`^module\\s+${moduleName}\\s+'`, 'm'));
  if (start < 0) throw new Error(`no module ${moduleName}`);
  const from = text.indexOf('params: {', start);
  const keys: string[] = [];
  for (const line of text.slice(from + 'params: {'.length).split('\n')) {
    if (/^\s*\}/.test(line)) break;
    const m = /^\s+(\w+)\s*:/.exec(line);
    if (m) keys.push(m[1]);
  }
  return keys;
}

/** The default value expression of a param, if any. */
export function paramDefault(src: string, name: string): string | undefined {
  const m = new RegExp(`^param\\s+${name}\\s+\\w+\\s*=\\s*(.+)$`, 'm').exec(stripComments(src));
  return m?.[1].trim();
}
