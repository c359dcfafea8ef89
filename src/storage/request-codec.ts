import { decodeStoredRequestText, encodeStoredRequest } from '../core/approval/stored-request';
import type { UserRequest } from '../core/approval/user-request';
import { AppError } from '../core/errors';
import type { Logger } from '../core/ports';

/**
 * The storage side of the stored-request schema (src/core/approval/stored-request.ts), shared by every request
 * store so they all read and write the same way: one schema parse per record read, the current version on every
 * write. A record that cannot be read is logged here, at the boundary, with its id, the code and the failing
 * field paths (the schema's message never holds a value), because the edge logs only the code.
 */
export class RequestCodec {
  constructor(private readonly log?: Logger) {}

  /** The text to store; throws INTERNAL (nothing written) for a request the schema refuses. */
  encode(request: UserRequest): string {
    return encodeStoredRequest(request);
  }

  /** One stored request; an unreadable one throws STORED_REQUEST_INVALID or STORED_REQUEST_TOO_NEW. */
  decode(id: string, text: string): UserRequest {
    try {
      return decodeStoredRequestText(text);
    } catch (e) {
      this.report(id, e);
      throw e;
    }
  }

  /**
   * Requests for a listing or the recovery query: an unreadable one is logged and left out, so one damaged record
   * neither hides everyone else's history nor stops the restart that finishes interrupted creations.
   */
  decodeAll(rows: ReadonlyArray<{ id: string; text: string }>): UserRequest[] {
    const out: UserRequest[] = [];
    for (const row of rows) {
      try {
        out.push(decodeStoredRequestText(row.text));
      } catch (e) {
        this.report(row.id, e);
      }
    }
    return out;
  }

  private report(requestId: string, e: unknown): void {
    if (!(e instanceof AppError)) return;
    this.log?.error({ requestId, code: e.code, detail: e.message }, 'a stored request could not be read');
  }
}
