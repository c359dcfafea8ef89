import type { IncomingMessage } from 'node:http';

/** What reading a request body gave: the parsed JSON (undefined when the request is not JSON), or a refusal. */
export type JsonBody = { ok: true; body: unknown } | { ok: false; status: 400 | 413 | 415; reason: string };

const JSON_TYPE = /^\s*application\/json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * The body of `/api/messages`, read without express (issue 16: express and its JSON parser were ~10 % of the bot's
 * CPU under load). It answers what `express.json({ limit })` answered, except that a body too large is 413 and an
 * unsupported charset or content encoding 415 where express's error path made both 400:
 * - a content type other than application/json: not read, `body: undefined` (the caller refuses it as no activity);
 * - more than `limitBytes` (declared in Content-Length, or counted while reading): 413, reading stops at once;
 * - a charset other than UTF-8, or any Content-Encoding (the Bot Connector sends neither): 415;
 * - an empty body: `{}`; anything but a JSON object or array (strict, as body-parser): 400; a UTF-8 BOM is skipped.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  const type = req.headers['content-type'];
  if (!type || !JSON_TYPE.test(type)) return Promise.resolve({ ok: true, body: undefined });
  const charset = CHARSET.exec(type)?.[1]?.toLowerCase();
  if (charset && charset !== 'utf-8' && charset !== 'utf8') return Promise.resolve({ ok: false, status: 415, reason: 'charset' });
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') return Promise.resolve({ ok: false, status: 415, reason: 'content encoding' });
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) return Promise.resolve({ ok: false, status: 413, reason: 'too large' });

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: JsonBody) => {
      if (done) return;
      done = true;
      req.removeListener('data', onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      // Stop holding bytes the moment the limit is passed; the caller answers 413 and closes the connection.
      if (size > limitBytes) finish({ ok: false, status: 413, reason: 'too large' });
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('aborted', () => finish({ ok: false, status: 400, reason: 'aborted' }));
    req.on('error', () => finish({ ok: false, status: 400, reason: 'read error' }));
    req.on('end', () => finish(parseJson(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))));
  });
}

function parseJson(bytes: Buffer): JsonBody {
  if (bytes.length === 0) return { ok: true, body: {} };
  let text = bytes.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Strict like body-parser: only an object or an array, so `null`, `"x"` and `42` are refused as malformed.
  const first = /^[\x20\x09\x0a\x0d]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') return { ok: false, status: 400, reason: 'not a JSON object' };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, status: 400, reason: 'malformed JSON' };
  }
}
