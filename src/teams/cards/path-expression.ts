import type * as AEL from 'adaptive-expressions';

type Ael = typeof AEL;
type Evaluated = { value: unknown; error: string };

/** An identifier the library splits into exactly one path part and never reads as an array index. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_]*$/;

/**
 * `${a.b.c}` without the library's path machinery (issue 16): most of a card's expressions are such paths, and
 * adaptive-expressions answers each by building the path as a string, splitting it again with a regular
 * expression and lower-casing every key of every object on the way; that was about half of a card's render time.
 *
 * A PathExpression is the same expression (type, evaluator, children: it prints, and evaluates anywhere else, as
 * before) with a faster `tryEvaluate` for the one memory the templating library evaluates against, returning
 * exactly what the library would: the first key in `Object.keys` order that matches case-insensitively at each
 * step (SimpleObjectMemory.getValue, InternalFunctionUtils.accessProperty), `$data.` in front of a path that does
 * not start with `$` (TemplateObjectMemory.getValue), and for a missing value the caller's null substitution of
 * the path, `${a.b.c}` (InternalFunctionUtils.wrapGetValue). test/unit/teams/card-render-identity.test.ts
 * compares every card against the library alone.
 *
 * `memory`: the prototype of the templating library's TemplateObjectMemory (see templateMemoryPrototype); any
 * other state (a lambda's scope, a caller's own memory) is left to the library's evaluation.
 */
export function pathExpressions(ael: Ael, memory: object) {
  /**
   * A rebuilt node (a concat or comparison with a path in it), printed once: the library prints a `$when` that comes
   * out false into a warning on every render (Template.internalExpand), and printing walks the whole expression.
   */
  class Rebuilt extends ael.Expression {
    private text?: string;
    override toString(): string {
      return (this.text ??= super.toString());
    }
  }

  class PathExpression extends Rebuilt {
    private readonly parts: string[];
    private readonly lower: string[];
    private readonly path: string;

    constructor(original: AEL.Expression, names: string[]) {
      super(original.type, original.evaluator, ...original.children);
      this.path = names.join('.');
      this.parts = names[0].startsWith('$') ? names : ['$data', ...names];
      this.lower = this.parts.map((p) => p.toLowerCase());
    }

    override tryEvaluate(state: unknown, options?: AEL.Options): Evaluated {
      if (state === null || typeof state !== 'object' || Object.getPrototypeOf(state) !== memory) return super.tryEvaluate(state, options);
      return this.read(state, options?.nullSubstitution);
    }

    /**
     * The value in `values`: the library's memory, or the walk's context (template-walk.ts), which holds the same
     * fields in the same order ($root, $data, $index, $host, $_acTemplateVersion), so the same key wins.
     */
    read(values: object, nullSubstitution?: (path: string) => unknown): Evaluated {
      let value: unknown = values;
      for (let i = 0; i < this.parts.length; i++) {
        value = accessProperty(value, this.parts[i], this.lower[i]);
        if (value === undefined) break;
      }
      if (value === undefined && nullSubstitution !== undefined) value = nullSubstitution(this.path);
      return { value, error: undefined as unknown as string };
    }
  }

  /** The names of a pure path `a.b.c` (nested Accessors with identifier names), outermost last; else undefined. */
  function pathNames(e: AEL.Expression): string[] | undefined {
    if (e.type !== ael.ExpressionType.Accessor || e.constructor !== ael.Expression) return undefined;
    const [name, parent] = e.children;
    if (!(name instanceof ael.Constant) || typeof name.value !== 'string' || !IDENTIFIER.test(name.value) || e.children.length > 2) return undefined;
    if (!parent) return [name.value];
    const before = pathNames(parent);
    return before && [...before, name.value];
  }

  /** The expression with every pure path in it made a PathExpression (new nodes; the parsed ones are left as they are). */
  function withFastPaths(e: AEL.Expression): AEL.Expression {
    const names = pathNames(e);
    if (names) return new PathExpression(e, names);
    // Only plain nodes are rebuilt (concat, comparisons, count…); Constants and other subclasses stay as parsed.
    if (e.constructor !== ael.Expression || e.children.length === 0) return e;
    const children = e.children.map(withFastPaths);
    return children.every((c, i) => c === e.children[i]) ? e : new Rebuilt(e.type, e.evaluator, ...children);
  }

  return { withFastPaths, PathExpression };
}

/** InternalFunctionUtils.accessProperty of adaptive-expressions 4.23, step for step (the same key wins). */
function accessProperty(instance: unknown, property: string, lower: string): unknown {
  if (!instance) return undefined;
  if (instance instanceof Map) {
    let value = instance.get(property);
    if (value === undefined) {
      const prop = Array.from(instance.keys()).find((k: string) => k.toLowerCase() === lower);
      if (prop !== undefined) value = instance.get(prop);
    }
    return value;
  }
  // `k === property` only skips a toLowerCase: it implies the same match.
  for (const k of Object.keys(instance)) if (k === property || k.toLowerCase() === lower) return (instance as Record<string, unknown>)[k];
  return undefined;
}
