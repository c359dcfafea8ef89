import type * as AEL from 'adaptive-expressions';
import type * as ACData from 'adaptivecards-templating';
import { RESERVED } from './template-walk';

type Ael = typeof AEL;

/**
 * The static parts of a card (issue 16): a subtree of a template with no `${…}` in it and no `$data` or `$when`
 * expands to the same thing whatever the data, yet the library walked it node by node on every render (saving and
 * restoring its context at each one). Here the library expands such a subtree once, at start, and the template
 * holds a StaticPart instead: an expression whose value is a fresh copy of that expansion. The library evaluates it
 * like any other expression where the subtree stood, so arrays around it flatten and drop exactly as before.
 *
 * A fresh copy each time, never the shared object: the cards rendered are the caller's to change.
 */
export function staticParts(ael: Ael, Template: typeof ACData.Template) {
  const evaluator = new ael.ExpressionEvaluator('cardStaticPart', (e) => ({ value: copy((e as StaticPart).expanded), error: undefined as unknown as string }), ael.ReturnType.Object);

  class StaticPart extends ael.Expression {
    constructor(readonly expanded: unknown) {
      super('cardStaticPart', evaluator);
    }
  }

  /** Whether `node` (a part of the library's prepared template) expands without looking at any data. */
  const isStatic = (node: unknown): boolean => {
    if (node instanceof ael.Expression) return false;
    if (Array.isArray(node)) return node.every(isStatic);
    if (node && typeof node === 'object') return Object.keys(node).every((k) => !RESERVED.has(k) && isStatic((node as Record<string, unknown>)[k]));
    return true;
  };

  /** The prepared template with each largest static object or array replaced by a StaticPart (new containers). */
  return function withStaticParts(node: unknown): unknown {
    if (node instanceof ael.Expression || node === null || typeof node !== 'object') return node;
    // A static subtree holds only JSON values (no expression was parsed in it): the library expands it as it is.
    if (isStatic(node)) return new StaticPart(new Template(node).expand({ $root: {} }));
    if (Array.isArray(node)) return node.map(withStaticParts);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) out[k] = RESERVED.has(k) ? v : withStaticParts(v);
    return out;
  };
}

/** A deep copy of an expanded card part (plain objects, arrays and JSON primitives only). */
function copy(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) out[k] = copy((value as Record<string, unknown>)[k]);
  return out;
}
