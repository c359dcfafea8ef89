/** The longest piece of a client-chosen string a log line keeps. */
const MAX_LOGGED_CHARS = 64;

/**
 * A field of an inbound activity as a log line may carry it. These lines are written before the sender is
 * authenticated, so every value is the sender's choice: a string is cut to 64 characters (a 900 KB `name` made a
 * 900 KB log line per unauthenticated request), anything else is logged as its type only.
 */
export function loggedField(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return `(${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})`;
  return value.length > MAX_LOGGED_CHARS ? `${value.slice(0, MAX_LOGGED_CHARS)}…(${value.length} chars)` : value;
}
