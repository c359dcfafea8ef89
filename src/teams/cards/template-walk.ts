import type * as AEL from 'adaptive-expressions';

type Ael = typeof AEL;
type Evaluated = { value: unknown; error?: unknown };

/**
 * What the templating library's evaluation context holds while it walks a template: the values every expression
 * is evaluated against (`Template.internalTryEvaluateExpression` copies them into a new memory for each one).
 */
export interface WalkContext {
  $root: unknown;
  $data: unknown;
  $index: unknown;
  $host: unknown;
  $_acTemplateVersion: unknown;
}

/** A node of a prepared template, compiled: its expansion for the current context. */
type Step = (ctx: WalkContext, warnings: string[]) => unknown;

/**
 * The library's reserved keys (its EvaluationContext._reservedFields): `$data` repeats an object, `$when` drops it,
 * and none of them is ever copied into the card.
 */
export const RESERVED: ReadonlySet<string> = new Set(['$data', '$when', '$root', '$index', '$host', '$_acTemplateVersion']);

export interface WalkOptions {
  /** The expression a node holds evaluated as the library evaluates it (`allowSubstitutions` as it passes it). */
  evaluate(expression: AEL.Expression, ctx: WalkContext, allowSubstitutions: boolean): Evaluated;
}

/**
 * The templating library's walk of a prepared template (`Template.internalExpand` of adaptivecards-templating
 * 2.3.1, branch for branch), decided once per template node instead of on every render (issue 16). The library
 * tests each node's kind, lists its keys, looks every key up among the reserved ones and saves and restores its
 * context on every node of every render; here each node becomes, at start, a function that does only what its
 * node needs. What comes out is what the library's walk gives: the same values, keys in the same order, the same
 * errors thrown, the same warnings; test/unit/teams/card-render-identity.test.ts compares every card with the
 * library's own rendering. Expressions are still evaluated by the library (`evaluate`).
 */
export function templateWalk(ael: Ael, opts: WalkOptions) {
  const expressionStep =
    (e: AEL.Expression): Step =>
    (ctx) => {
      const r = opts.evaluate(e, ctx, true);
      if (r.error) throw new Error(r.error as string);
      return r.value;
    };

  /** A prepared array: items expanded in order, an item that expands to an array spliced in, a null left out. */
  const arrayStep = (items: Step[]): Step => (ctx, warnings) => {
    let out: unknown[] = [];
    for (const item of items) {
      const expanded = item(ctx, warnings);
      if (expanded !== null) {
        if (Array.isArray(expanded)) out = out.concat(expanded);
        else out.push(expanded);
      }
    }
    return out;
  };

  /** A prepared object: `$data` repeats it, `$when` drops it, every other key's value is expanded. */
  const objectStep = (node: Record<string, unknown>): Step => {
    const when = node.$when;
    const data = node.$data;
    const keys = Object.keys(node).filter((k) => !RESERVED.has(k));
    const values = keys.map((k) => compile(node[k]));
    const expandOne = (ctx: WalkContext, warnings: string[]): Record<string, unknown> => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const v = values[i](ctx, warnings);
        if (v !== undefined) out[keys[i]] = v;
      }
      return out;
    };
    const kept = (ctx: WalkContext, warnings: string[]): boolean => {
      if (when instanceof ael.Expression) {
        const r = opts.evaluate(when, ctx, false);
        const whenValue = !r.error && typeof r.value === 'boolean' && r.value;
        if (!r.value) warnings.push(`WARN: Unable to parse the Adaptive Expression ${String(when)}. The $when condition has been set to false by default.`);
        return whenValue;
      }
      if (when) {
        warnings.push(`WARN: ${String(when)} is not an Adaptive Expression. The $when condition has been set to false by default.`);
        return false;
      }
      return true;
    };
    return (ctx, warnings) => {
      let contexts: unknown[];
      let repeated = false;
      if (data === undefined) contexts = [undefined];
      else {
        let value: unknown = data;
        if (data instanceof ael.Expression) {
          const r = opts.evaluate(data, ctx, true);
          if (r.error) throw new Error(r.error as string);
          value = r.value;
        }
        repeated = Array.isArray(value);
        contexts = repeated ? (value as unknown[]) : [value];
      }
      const out: unknown[] = [];
      for (let i = 0; i < contexts.length; i++) {
        if (repeated) ctx.$index = i;
        // As in the library: an undefined item leaves `$data` as the item before it set it.
        if (contexts[i] !== undefined) ctx.$data = contexts[i];
        if (kept(ctx, warnings)) out.push(expandOne(ctx, warnings));
      }
      return out.length === 0 ? null : out.length === 1 ? out[0] : out;
    };
  };

  /**
   * A node restores `$data` and `$index` once expanded, as the library's saveState/restoreLastState do around every
   * node. (An error ends the whole expansion, in the library too, with the context left as it was.)
   */
  const scoped =
    (step: Step): Step =>
    (ctx, warnings) => {
      const { $data, $index } = ctx;
      const out = step(ctx, warnings);
      ctx.$data = $data;
      ctx.$index = $index;
      return out;
    };

  function compile(node: unknown): Step {
    if (Array.isArray(node)) return arrayStep(node.map(compile));
    if (node instanceof ael.Expression) return expressionStep(node);
    if (typeof node === 'object' && node !== null) {
      const step = objectStep(node as Record<string, unknown>);
      // Only an object with `$data` changes `$data` or `$index`: no other node needs restoring.
      return (node as Record<string, unknown>).$data !== undefined ? scoped(step) : step;
    }
    return () => node;
  }

  /** The compiled walk of a prepared template; `expand` is the library's `Template.expand`. */
  return function compileTemplate(prepared: unknown) {
    const root = compile(prepared);
    let warnings: string[] = [];
    return {
      /** `version`: what the library's context holds as `$_acTemplateVersion`. */
      expand(context: { $root?: unknown; $host?: unknown }, version: unknown): unknown {
        warnings = [];
        const ctx: WalkContext = { $root: context.$root, $data: context.$root, $index: undefined, $host: context.$host, $_acTemplateVersion: version };
        return root(ctx, warnings);
      },
      getLastTemplateExpansionWarnings: (): string[] => warnings,
    };
  };
}
