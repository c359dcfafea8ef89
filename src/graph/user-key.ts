/**
 * How a user is named in a Graph URL ("Get a user", learn.microsoft.com/graph/api/user-get):
 * - `/users/{id | userPrincipalName}`, with the key percent-encoded as one path segment. `#` must go as `%23`:
 *   sent raw it starts the URL's fragment, which never reaches Graph, and the look-up silently asks about the part
 *   before it (a taken name would read as free). `encodeURIComponent` also covers `%`, `/` and `?`.
 * - A UPN that begins with `$` cannot be a path segment: OData reserves `$` segments (`$count`, `$ref`), and Graph
 *   answers `/users/$x@y.com` with 400. Graph's documented form is `/users('$x@y.com')`: an OData string literal,
 *   inside which a `'` is written twice (learn.microsoft.com/graph/query-parameters#escaping-single-quotes).
 *   In the plain segment form a `'` stays single: it is not inside a literal there.
 * Entra's own character rules do not allow `$` in a new UPN, but a synchronised directory can hold one, so the
 * client names any UPN correctly rather than relying on what our form accepts.
 */
export function userPath(idOrUpn: string): string {
  if (idOrUpn.startsWith('$')) return `users('${segment(idOrUpn.replace(/'/g, "''"))}')`;
  return `users/${segment(idOrUpn)}`;
}

/**
 * Percent-encoded for one path segment. `$` is left as Graph's example writes it (`$` is legal in a path);
 * `@` goes as `%40`, which Graph decodes like a raw `@`.
 */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/%24/g, '$');
}
