import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';

/**
 * SANDBOX AND TESTS ONLY. MSAL refuses `http://` authorities, so the sandbox's identity provider is given to MSAL
 * under an https name (`https://login.sandbox.test/<tenant>`), and this network module carries MSAL's requests
 * for that host to the sandbox over plain loopback HTTP. Requests to any other host are refused rather than sent:
 * in the sandbox nothing may reach a real Microsoft endpoint. Production uses MSAL's own network client.
 */
export interface LoopbackRewrite {
  /** The authority host MSAL is given, e.g. `login.sandbox.test`. */
  host: string;
  /** Where requests for it go, e.g. `http://127.0.0.1:3979`. */
  baseUrl: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** The loopback address for an `https://<host>/…` URL; any other host is refused, never sent. */
export function rewriteToLoopback(url: string, rewrite: LoopbackRewrite): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' || parsed.host !== rewrite.host) {
    throw new Error(`loopback network client: refusing a request to ${parsed.protocol}//${parsed.host} (only ${rewrite.host} is served)`);
  }
  return `${rewrite.baseUrl.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}`;
}

export function createLoopbackNetworkClient(rewrite: LoopbackRewrite): INetworkModule {
  async function send<T>(method: 'GET' | 'POST', url: string, options: NetworkRequestOptions | undefined, timeoutMs: number): Promise<NetworkResponse<T>> {
    const res = await fetch(rewriteToLoopback(url, rewrite), {
      method,
      headers: options?.headers,
      body: method === 'POST' ? (options?.body ?? '') : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, key) => {
      headers[key] = value;
    });
    return { status: res.status, headers, body: parseBody(res.status, text) as T };
  }

  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) => send<T>('GET', url, options, timeout ?? DEFAULT_TIMEOUT_MS),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>('POST', url, options, DEFAULT_TIMEOUT_MS),
  };
}

/** JSON, or the same error object MSAL's own client makes of a body that is not JSON. */
function parseBody(status: number, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const kind = status >= 500 ? 'server_error' : status >= 400 ? 'client_error' : 'unknown_error';
    return { error: kind, error_description: `The identity provider answered ${status} with a body that is not JSON.` };
  }
}
