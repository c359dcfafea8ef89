import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * One HTTP exchange over node:http / node:https with keep-alive connections, for the upstream calls (Partner
 * Center, Graph). Used instead of the global `fetch`: on this bot's load (a dozen small JSON calls per request),
 * undici's fetch spent ≈ 0.45 ms of CPU per call on its WHATWG streams, Headers and Request objects against ≈ 0.1 ms
 * here (issue 16). What fetch did that matters is kept: the body is read under the same abort signal (a server that
 * sends headers and then stalls is a hang), redirects are not followed, connections are reused.
 */

/** Read-only response headers, as `Headers.get` reads them (names case-insensitive, repeated values joined). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpExchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Absent: no deadline of this call's own (the Bot Connector client, which had none before either). */
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

// Free connections close after 4 s idle (undici's default too), before a server's own idle timeout can race a reuse.
const agentOptions = { keepAlive: true, timeout: 4_000, scheduling: 'lifo' as const };
const agents = { http: new HttpAgent(agentOptions), https: new HttpsAgent(agentOptions) };

class NodeResponseHeaders implements ResponseHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }
}

/**
 * Sends one request and reads the whole answer as UTF-8 text. Rejects with the signal's reason when it aborts
 * (before or during the body), and with node's own error (`code` ECONNREFUSED, ECONNRESET, …) when the connection
 * fails or breaks mid-answer.
 */
export function exchange(x: HttpExchange): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const signal = x.signal;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const url = new URL(x.url);
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') {
      reject(new TypeError(`unsupported protocol ${url.protocol}`));
      return;
    }
    const headers: Record<string, string | number> = { ...x.headers };
    if (x.body !== undefined) headers['content-length'] = Buffer.byteLength(x.body);
    let settled = false;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(e);
    };
    const onAbort = () => fail(signal?.reason);
    const onResponse = (res: IncomingMessage) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (chunk: string) => (text += chunk));
      res.on('aborted', () => fail(Object.assign(new Error('the connection broke while the answer was read'), { code: 'ECONNRESET' })));
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        resolve({ status: res.statusCode ?? 0, headers: new NodeResponseHeaders(res.headers), text });
      });
    };
    const options = { method: x.method, headers, agent: secure ? agents.https : agents.http };
    const req = secure ? httpsRequest(url, options, onResponse) : httpRequest(url, options, onResponse);
    req.on('error', fail);
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(x.body);
  });
}
