import { markdownText as md } from '../../core/text/people-text';

/** What an error carries for a person to quote: our code, the upstream service's own code, the HTTP status. */
export interface ErrorReferenceParts {
  code?: string;
  upstreamCode?: string;
  httpStatus?: number;
}

/**
 * One line for every card that names an error (the failed card, the shared request card, the error notice):
 * "THROTTLED · upstream TooManyRequests · HTTP 429". The upstream code may be Partner Center's, Graph's or Entra's
 * (AADSTS…), so it is labelled as upstream, not as one service's. Partner Center often answers a 5xx with the
 * status itself as its code ("503"); that says nothing the HTTP status does not, so it is left out rather than
 * read "upstream 503 · HTTP 503". Our code is ours (letters and underscores); the upstream code is someone else's
 * text, so it is escaped and bounded.
 */
export function errorReference(parts: ErrorReferenceParts): string {
  const { code, upstreamCode, httpStatus } = parts;
  const upstream = upstreamCode && upstreamCode !== String(httpStatus) ? `upstream ${md(upstreamCode, 64)}` : undefined;
  return [code, upstream, httpStatus !== undefined && `HTTP ${httpStatus}`].filter(Boolean).join(' · ');
}
