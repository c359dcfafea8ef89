import { z } from 'zod/v4';

/**
 * A submitted card's inputs read as text, one schema parse without zod effects (issue 16).
 *
 * Adaptive Cards submit every input as a string and leave out the ones nobody touched. The form readers turned each
 * input into text with a `z.preprocess` per field; on zod 3 (which these schemas ran on then) every effect cost
 * ≈ 5–10 µs a value (it built its context, closures and a bound function per call), against ≈ 0.1 µs for a plain
 * `z.string()`: the review turn ran ≈ 60 of them on the form alone. Here the conversion is a plain function applied
 * to each named input, and the result still goes through a zod object of strings, so what leaves a reader has
 * passed a schema with exactly these keys. The readers' tests compare them with the preprocess form they replace.
 */
export type CardInputs<K extends string> = Record<K, string>;

export interface CardInputReader<K extends string> {
  /** The named inputs of `raw` (the card's `data`/`value`; anything else reads as no inputs), each as text. */
  read(raw: unknown): CardInputs<K>;
  /** The schema the texts pass (a zod object with one string per input, unknown keys dropped). */
  readonly schema: z.ZodObject<Record<K, z.ZodString>>;
}

/** A reader of `fields`, each value turned into text by `text` (called with undefined for a missing input). */
export function cardInputReader<K extends string>(fields: readonly K[], text: (value: unknown) => string): CardInputReader<K> {
  const schema = z.object(Object.fromEntries(fields.map((f) => [f, z.string()])) as Record<K, z.ZodString>);
  return {
    schema,
    read(raw) {
      const source = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
      const texts: Record<string, string> = {};
      for (const f of fields) texts[f] = text(source[f]);
      return schema.parse(texts) as CardInputs<K>;
    },
  };
}
