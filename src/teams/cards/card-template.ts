import { createRequire } from 'node:module';
import type * as AEL from 'adaptive-expressions';
import type * as ACData from 'adaptivecards-templating';
import { pathExpressions } from './path-expression';
import { staticParts } from './static-part';
import { templateWalk, type WalkContext } from './template-walk';

/**
 * One card template as adaptivecards-templating prepares it, then made cheaper to expand (issue 16) without
 * changing a byte of what it expands to: static subtrees expanded once (static-part.ts), `${a.b.c}` paths read
 * directly (path-expression.ts) and the library's walk decided once per node (template-walk.ts). Parsing the
 * template and its expressions, `$data`, `$when`, string interpolation, functions and comparisons stay the
 * library's.
 *
 * This module loads the templating library (see CardTemplates.warm: not at start). adaptive-expressions is the
 * library's peer dependency, loaded from where the library loads it, so that its `instanceof` checks hold.
 */
const ACDataLib = require('adaptivecards-templating') as typeof ACData;
const ael = createRequire(require.resolve('adaptivecards-templating'))('adaptive-expressions') as typeof AEL;

/** The library's internals this module builds on (2.3.1, pinned): a version without them stops the start. */
type LibraryInternals = {
  internalTryEvaluateExpression?: (e: AEL.Expression, context: WalkContext, allowSubstitutions: boolean) => { value: unknown; error?: unknown };
};
const evaluateInLibrary = (ACDataLib.Template as unknown as LibraryInternals).internalTryEvaluateExpression;
if (typeof evaluateInLibrary !== 'function') throw new Error('adaptivecards-templating no longer has Template.internalTryEvaluateExpression: card-template.ts needs a look');

const withStaticParts = staticParts(ael, ACDataLib.Template);
const probed = probeTemplateMemory();
const { withFastPaths, PathExpression } = pathExpressions(ael, probed.memoryPrototype);

/** What the library substitutes for a path with no value, when substitutions are allowed (its nullSubstitution). */
const substitute = (path: string): unknown => ACDataLib.GlobalSettings.getUndefinedFieldValueSubstitutionString?.(path) || `\${${path}}`;

const compileTemplate = templateWalk(ael, {
  // A pure path is read straight from the walk's context; anything else the library evaluates, in a memory of its own.
  evaluate: (e, ctx, allowSubstitutions) => (e instanceof PathExpression ? e.read(ctx, allowSubstitutions ? substitute : undefined) : evaluateInLibrary.call(ACDataLib.Template, e, ctx, allowSubstitutions)),
});

export interface CardTemplate {
  expand(context: { $root?: unknown; $host?: unknown }): unknown;
  getLastTemplateExpansionWarnings(): string[];
}

export function cardTemplate(json: unknown): CardTemplate {
  const template = new ACDataLib.Template(json);
  // The library keeps the parsed template in this field (2.3.1, pinned); a version without it stops the start.
  const t = template as unknown as { _preparedPayload: unknown };
  if (!('_preparedPayload' in t)) throw new Error('adaptivecards-templating no longer keeps _preparedPayload: card-template.ts needs a look');
  const walk = compileTemplate(fastPaths(withStaticParts(t._preparedPayload)));
  return {
    // A fresh version object each render, as the library makes one per expansion.
    expand: (context) => walk.expand(context, { ...probed.version }),
    getLastTemplateExpansionWarnings: walk.getLastTemplateExpansionWarnings,
  };
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
 * not exported), and the template version it puts in that memory: taken from the library's own public evaluation
 * of a probe expression.
 */
function probeTemplateMemory(): { memoryPrototype: object; version: object } {
  let state: { $_acTemplateVersion?: unknown } | null = null;
  const probe = new ael.ExpressionEvaluator('cardMemoryProbe', (_e, s) => {
    state = s as typeof state;
    return { value: true, error: undefined as unknown as string };
  });
  ACDataLib.Template.tryEvaluateExpression(new ael.Expression('cardMemoryProbe', probe), { $root: {} }, false);
  const found = state as { $_acTemplateVersion?: unknown } | null;
  const memoryPrototype = found && (Object.getPrototypeOf(found) as object);
  if (!found || !memoryPrototype || memoryPrototype === Object.prototype) throw new Error('adaptivecards-templating evaluated the probe without its template memory');
  const version = found.$_acTemplateVersion;
  if (!version || typeof version !== 'object') throw new Error('adaptivecards-templating evaluated the probe without its template version');
  return { memoryPrototype, version };
}
