import { BoundedMap } from '../core/bounded-map';

/**
 * Stored JSON texts already parsed by their schema, by key (issue 16): a text read again unchanged is handed out
 * as a fresh copy (JSON.parse of the decoded value's JSON) instead of a JSON parse plus a full schema parse. The
 * decode depends on the text alone, so a text that differs in any byte (a write, a repair) is decoded afresh, and
 * refused afresh when it no longer passes. Bounded; a miss only costs the decode.
 */
export class DecodedTexts<T> {
  private readonly known: BoundedMap<string, { text: string; json: string }>;

  constructor(
    private readonly decode: (text: string) => T,
    size = 256,
  ) {
    this.known = new BoundedMap(size);
  }

  /** The decoded value of `text` stored under `key`: a copy nobody else holds. */
  read(key: string, text: string): T {
    const known = this.known.get(key);
    if (known?.text === text) return JSON.parse(known.json) as T;
    const value = this.decode(text);
    this.known.set(key, { text, json: JSON.stringify(value) });
    return value;
  }
}
