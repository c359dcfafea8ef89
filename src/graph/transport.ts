import type { z } from 'zod/v4';
import { AppError } from '../core/errors';
import { zod3Issues } from '../core/zod3-compat';
import type { CallOptions } from '../core/ports';
import type { HttpMethod, UpstreamHttp, UpstreamResponse } from '../http/upstream-http';
import { graphError, type GraphResource } from './errors';
import { odataPageSchema } from './schemas';

/** A runaway nextLink chain is a bug upstream; stop rather than loop forever. */
const MAX_PAGES = 1_000;

/**
 * What every Graph client shares: one request through UpstreamHttp (retries, throttling, deadline; the request id
 * travels as `client-request-id`), a zod parse of a 2xx answer, errors through the one Graph table (./errors.ts),
 * and paging that never follows a nextLink off Graph's origin (the bearer token goes nowhere else).
 */
export function createGraphTransport(options: { baseUrl: string; http: UpstreamHttp }) {
  const base = options.baseUrl.replace(/\/+$/, '');
  const origin = new URL(base).origin;

  async function send(token: string, method: HttpMethod, url: string, opts: CallOptions, body?: unknown, extraHeaders?: Record<string, string>): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return options.http.send({
      method,
      url,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      correlationId: opts.correlationId,
      requestId: opts.requestId,
      requestIdHeader: 'client-request-id',
      signal: opts.signal,
    });
  }

  function parse<S extends z.ZodType>(res: UpstreamResponse, schema: S, resource: GraphResource, opts: CallOptions): z.output<S> {
    if (res.status < 200 || res.status >= 300) throw graphError(res, resource, opts.correlationId);
    const invalid = (why: string) =>
      new AppError('UPSTREAM_INVALID_RESPONSE', `Microsoft Graph answered ${res.status} with ${why}`, { httpStatus: res.status, correlationId: opts.correlationId });
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw invalid('a body that is not JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw invalid(`an unexpected shape at ${zod3Issues(parsed.error).map((i) => i.path.join('.') || '(root)').slice(0, 5).join(', ')}`);
    return parsed.data;
  }

  /** Every page (or the first `limit` items) of a collection; each page is its own request. */
  async function all<T extends z.ZodType>(token: string, firstUrl: string, item: T, resource: GraphResource, opts: CallOptions, extra?: { headers?: Record<string, string>; limit?: number }): Promise<z.output<T>[]> {
    const schema = odataPageSchema(item);
    const items: z.output<T>[] = [];
    let url: string | undefined = firstUrl;
    for (let pages = 0; url && (extra?.limit === undefined || items.length < extra.limit); pages++) {
      if (pages >= MAX_PAGES) throw new AppError('UPSTREAM_INVALID_RESPONSE', `Microsoft Graph paging did not end after ${MAX_PAGES} pages`, { correlationId: opts.correlationId });
      if (new URL(url).origin !== origin) {
        throw new AppError('UPSTREAM_INVALID_RESPONSE', 'Microsoft Graph sent an @odata.nextLink to another origin', { correlationId: opts.correlationId });
      }
      // Each page is a new logical request: a new request id, unless the caller pinned one for a single call.
      const page: { items: z.output<T>[]; nextLink?: string } = parse(await send(token, 'GET', url, { ...opts, requestId: undefined }, undefined, extra?.headers), schema, resource, opts);
      items.push(...page.items);
      url = page.nextLink;
    }
    return extra?.limit === undefined ? items : items.slice(0, extra.limit);
  }

  return { base, send, parse, all };
}
