import type { RequestQuery, UserRequest } from '../../core/approval/user-request';
import { decidersOf, homeConversationOf } from '../../core/approval/request-index';
import { epochMs } from '../time';

/**
 * Blob names. Every caller-supplied part goes through `segment`, so an id holding `/`, `%` or dots can neither
 * escape its prefix nor be rewritten by URL handling (the SDK leaves `%xx` sequences alone, and Azure trims
 * trailing dots).
 */
export function segment(value: string): string {
  if (value === '') return '~';
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function unsegment(name: string): string {
  if (name === '~') return '';
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '~') {
      bytes.push(parseInt(name.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(name.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** 9999-12-31T23:59:59.999Z: subtracting from it makes later times sort first, at a fixed width of 15 digits. */
const LAST_MS = 253402300799999;

export function invertedTime(ms: number): string {
  return String(LAST_MS - ms).padStart(15, '0');
}

export const requestBlob = (id: string): string => `requests/${segment(id)}`;
export const secretBlob = (key: string): string => `secrets/${segment(key)}`;
export const dueBlob = (key: string): string => `due/${segment(key)}`;
export const kvBlob = (key: string): string => `kv/${segment(key)}`;
export const statePrefix = (kind: string): string => `index/state/${segment(kind)}/`;

/**
 * The listing index a query walks: one prefix per supported filter combination, names newest first. A person's
 * own requests, the ones they decided and a conversation's each have an index (alone and under a customer); a
 * query naming more than one of them walks the first and the reader filters the rest.
 */
export function listPrefix(query: Pick<RequestQuery, 'customerId' | 'requesterOid' | 'deciderOid' | 'conversationId'>): string {
  // An empty filter value means no filter, as in the memory store.
  const c = query.customerId;
  const r = query.requesterOid;
  const d = query.deciderOid;
  const v = query.conversationId;
  if (c && r) return `index/customer-requester/${segment(c)}/${segment(r)}/`;
  if (c && d) return `index/customer-decider/${segment(c)}/${segment(d)}/`;
  if (c && v) return `index/customer-conversation/${segment(c)}/${segment(v)}/`;
  if (c) return `index/customer/${segment(c)}/`;
  if (r) return `index/requester/${segment(r)}/`;
  if (d) return `index/decider/${segment(d)}/`;
  if (v) return `index/conversation/${segment(v)}/`;
  return 'index/all/';
}

/**
 * Every index entry of one version of a request: empty blobs whose names carry the order. They are written
 * before the request itself and never trusted alone: a reader checks each entry against the request it names.
 * An entry left behind by an earlier version (a customer changed by an edit) is filtered out by that check.
 */
export function indexBlobs(request: UserRequest): string[] {
  const entry = `${invertedTime(epochMs(request.createdAt, `request ${request.id} createdAt`))}_${segment(request.id)}`;
  const customerId = request.customer.id;
  const conversationId = homeConversationOf(request);
  const filters: Array<Parameters<typeof listPrefix>[0]> = [
    {},
    { customerId },
    { requesterOid: request.requester.oid },
    { customerId, requesterOid: request.requester.oid },
    ...decidersOf(request).flatMap((deciderOid) => [{ deciderOid }, { customerId, deciderOid }]),
    ...(conversationId ? [{ conversationId }, { customerId, conversationId }] : []),
  ];
  return [...filters.map((f) => listPrefix(f) + entry), statePrefix(request.state.kind) + segment(request.id)];
}

/** The request id and creation time a listing entry stands for. */
export function parseListEntry(name: string, prefix: string): { id: string; createdMs: number } {
  const rest = name.slice(prefix.length);
  const cut = rest.indexOf('_');
  return { id: unsegment(rest.slice(cut + 1)), createdMs: LAST_MS - Number(rest.slice(0, cut)) };
}
