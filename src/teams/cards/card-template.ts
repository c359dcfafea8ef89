import { createRequire } from 'node:module';
import type * as AEL from 'adaptive-expressions';
import type * as ACData from 'adaptivecards-templating';
import { pathExpressions } from './path-expression';
import { staticParts } from './static-part';

/**
 * One card template as adaptivecards-templating prepares it, then made cheaper to expand (issue 16) without
 * changing a byte of what it expands to: static subtrees expanded once (static-part.ts) and `${a.b.c}` paths read
 * directly (path-expression.ts). `expand` is still the library's: its walk, `$data`, `$when`, string
 * interpolation, functions and comparisons are untouched.
 *
 * This module loads the templating library (see CardTemplates.warm: not at start). adaptive-expressions is the
 * library's peer dependency, loaded from where the library loads it, so that its `instanceof` checks hold.
 */
const ACDataLib = require('adaptivecards-templating') as typeof ACData;
const ael = createRequire(require.resolve('adaptivecards-templating'))('adaptive-expressions') as typeof AEL;

const withStaticParts = staticParts(ael, ACDataLib.Template);
const withFastPaths = pathExpressions(ael, templateMemoryPrototype());

export function cardTemplate(json: unknown): ACData.Template {
  const template = new ACDataLib.Template(json);
  // The library keeps the parsed template in this field (2.3.1, pinned); a version without it stops the start.
  const t = template as unknown as { _preparedPayload: unknown };
  if (!('_preparedPayload' in t)) throw new Error('adaptivecards-templating no longer keeps _preparedPayload: card-template.ts needs a look');
  t._preparedPayload = fastPaths(withStaticParts(t._preparedPayload));
  return template;
}

/** Every expression left in the prepared template, with its pure paths made PathExpressions. */
function fastPaths(node: unknown): unknown {
  if (node instanceof ael.Expression) return withFastPaths(node);
  if (Array.isArray(node)) return node.map(fastPaths);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = fastPaths(v);
  return out;
}

/**
 * The prototype of the memory the library evaluates every template expression against (its TemplateObjectMemory,
 * not exported): taken from the library's own public evaluation of a probe expression.
 */
function templateMemoryPrototype(): object {
  let proto: object | null = null;
  const probe = new ael.ExpressionEvaluator('cardMemoryProbe', (_e, state) => {
    proto = Object.getPrototypeOf(state) as object;
    return { value: true, error: undefined as unknown as string };
  });
  ACDataLib.Template.tryEvaluateExpression(new ael.Expression('cardMemoryProbe', probe), { $root: {} }, false);
  if (!proto || proto === Object.prototype) throw new Error('adaptivecards-templating evaluated the probe without its template memory');
  return proto;
}
