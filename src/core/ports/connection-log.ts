// Audit of customer connections

/** One attempt to connect a customer (consent the bot's app in its tenant), as the audit keeps it. */
export interface ConnectionRecord {
  id: string;
  at: string;
  customerId: string;
  customerName: string;
  by: { oid: string; upn: string; name: string };
  /** `connected`: consent created; `reconnected`: an existing consent replaced; `refused`: the pre-check or Partner Center said no; `failed`: anything else. */
  outcome: 'connected' | 'reconnected' | 'refused' | 'failed';
  /** The error code when not connected. */
  code?: string;
  /** Partner Center's (or Entra's) own code, verbatim. */
  upstreamCode?: string;
  correlationId: string;
  /** The Graph scopes asked for. */
  scopes: string[];
}

/** Every connection attempt, kept for the audit (append only, newest first when listed). */
export interface ConnectionLog {
  append(record: ConnectionRecord): Promise<void>;
  list(limit: number): Promise<ConnectionRecord[]>;
}
