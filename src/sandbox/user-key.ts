import { graphError } from './errors';
import type { SandboxResponse } from './http';

/**
 * The two ways Graph names one user in a URL, answered the way Graph answers them ("Get a user",
 * learn.microsoft.com/graph/api/user-get, "HTTP request" tips):
 * - `/users/{key}`: a key that begins with `$` is not a key but an OData system segment, and Graph answers 400.
 *   (A raw `#` needs nothing here: it starts the URL's fragment, which no client sends, so the sandbox, like
 *   Graph, only ever sees the part before it and answers for that; a malformed %-escape is 400 in server.ts.)
 * - `/users('{key}')`: an OData string literal, the documented form for a UPN beginning with `$`; a `'` inside it
 *   is written twice (learn.microsoft.com/graph/query-parameters, "Escaping single quotes").
 * The 400 texts are what Graph was seen answering (msgraph-sdk-dotnet#2635, #512); the `code` values are UNCONFIRMED.
 */
export const USER_KEY_TEXT = {
  dollarSegment:
    "The request URI is not valid. Since the segment 'users' refers to a collection, this must be the last segment in the request URI or it must be followed by an function or action that can be bound to it otherwise all intermediate segments must refer to a single resource.",
  badLiteral: 'Bad Request - Error in query syntax.',
};

/** The key of `/users/{key}` (already %-decoded), or Graph's 400 when it begins with `$`. */
export function segmentKey(decoded: string): string | SandboxResponse {
  return decoded.startsWith('$') ? graphError(400, 'BadRequest', USER_KEY_TEXT.dollarSegment) : decoded;
}

/** The key inside `/users(…)` (already %-decoded): a quoted literal with `''` for `'`, or Graph's 400. */
export function literalKey(decoded: string): string | SandboxResponse {
  const m = /^'((?:[^']|'')*)'$/.exec(decoded);
  if (!m || m[1].length === 0) return graphError(400, 'Request_BadRequest', USER_KEY_TEXT.badLiteral);
  return m[1].replace(/''/g, "'");
}
