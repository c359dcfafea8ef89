import type { RequestQuery, UserRequest } from '../../core/approval/user-request';
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

/** The listing index a query walks: one prefix per supported filter combination, names newest first. */
export function listPrefix(query: Pick<RequestQuery, 'customerId' | 'requesterOid'>): string {
  // An empty filter value means no filter, as in the memory store.
  const c = query.customerId;
  const r = query.requesterOid;
  if (c && r) return `index/customer-requester/${segment(c)}/${segment(r)}/`;
  if (c) return `index/customer/${segment(c)}/`;
  if (r) return `index/requester/${segment(r)}/`;
  return 'index/all/';
}

/**
 * Every index entry of one version of a request: empty blobs whose names carry the order. They are written
 * before the request itself and never trusted alone: a reader checks each entry against the request it names.
 */
export function indexBlobs(request: UserRequest): string[] {
  const entry = `${invertedTime(epochMs(request.createdAt, `request ${request.id} createdAt`))}_${segment(request.id)}`;
  const who = { customerId: request.customer.id, requesterOid: request.requester.oid };
  return [
    listPrefix({}) + entry,
    listPrefix({ customerId: who.customerId }) + entry,
    listPrefix({ requesterOid: who.requesterOid }) + entry,
    listPrefix(who) + entry,
    statePrefix(request.state.kind) + segment(request.id),
  ];
}

/** The request id and creation time a listing entry stands for. */
export function parseListEntry(name: string, prefix: string): { id: string; createdMs: number } {
  const rest = name.slice(prefix.length);
  const cut = rest.indexOf('_');
  return { id: unsegment(rest.slice(cut + 1)), createdMs: LAST_MS - Number(rest.slice(0, cut)) };
}
