/** What a redacted value is logged as. */
export const CENSOR = '[redacted]';

/**
 * Keys whose values are never logged, compared in lower case and at any depth up to MAX_DEPTH. Callers never pass
 * secrets on purpose; this is the second line of defence for the day someone logs a whole object by mistake.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'passwordprofile',
  'token',
  'accesstoken',
  'assertion',
  'authorization',
  'clientsecret',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
]);

/**
 * How deep an object logged by mistake is searched (the log object itself is depth 0). Deeper than pino's paths
 * were (`*.*.password`: depth 2), and it bounds the walk on a cyclic object.
 */
export const MAX_DEPTH = 4;

/**
 * A log object with the value of every secret key censored (issue 16). pino's own `redact` with wildcard paths
 * (`*.password`) ran every field of every line through fast-redact's generated code and a JSON.stringify of its
 * own (≈ 30 calls in a review turn); here a line with nothing to hide costs one Set lookup per key and comes back
 * as the same object. Only when a secret is found is a copy made, of the objects on the way to it: the caller's
 * object is never changed, and an Error keeps its prototype, message and stack, so pino's error serializer still
 * reads it.
 */
export function redactSecrets<T>(value: T): T {
  return redactAt(value, 0) as T;
}

function redactAt(value: unknown, depth: number): unknown {
  // A Buffer or typed array holds bytes, not keys (Object.keys would list every index).
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH || ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = redactAt(value[i], depth + 1);
      if (item !== value[i]) (out ??= [...value])[i] = item;
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const v = record[key];
    const next = SECRET_KEYS.has(key.toLowerCase()) ? (v === undefined ? v : CENSOR) : redactAt(v, depth + 1);
    if (next !== v) (out ??= copyOf(record))[key] = next;
  }
  return out ?? value;
}

/** A copy with the same prototype and own properties (an Error's message and stack included). */
function copyOf(record: Record<string, unknown>): Record<string, unknown> {
  const copy = Object.create(Object.getPrototypeOf(record) as object | null) as Record<string, unknown>;
  for (const key of Object.getOwnPropertyNames(record)) copy[key] = record[key];
  return copy;
}
