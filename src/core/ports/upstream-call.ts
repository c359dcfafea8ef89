// Upstream calls

export interface CallOptions {
  /** MS-CorrelationId: ties the calls of one logical operation together; shown to people on failures. */
  correlationId: string;
  /**
   * MS-RequestId: the idempotency key of one logical call. A caller that may repeat the same logical call later
   * (after a crash, a double click) passes the stored value; otherwise the client makes one and reuses it on
   * every retry of this call.
   */
  requestId?: string;
  /** Optional overall cancellation. */
  signal?: AbortSignal;
}

export interface Page<T> {
  items: T[];
  /** Pass back to get the next page; absent on the last page. */
  continuationToken?: string;
}
