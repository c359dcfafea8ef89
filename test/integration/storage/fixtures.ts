import type { UserRequest } from '../../../src/core/approval/user-request';
import type { AppError } from '../../../src/core/errors';

/** A stored request as the use cases build them (never a password in it). */
export function request(id: string, createdAt: string, customerId = 'c1', requesterOid = 'ada'): UserRequest {
  return {
    id,
    mode: 'approval',
    createdAt,
    updatedAt: createdAt,
    requester: { oid: requesterOid, name: requesterOid },
    customer: { id: customerId, companyName: `Company ${customerId}` },
    user: {
      firstName: 'Kath',
      lastName: 'Johnson',
      displayName: 'Kath Johnson',
      userName: 'kath',
      domain: 'fabrikam.example',
      userPrincipalName: 'kath@fabrikam.example',
      usageLocation: 'US',
      forceChangePassword: true,
      passwordGenerated: true,
    },
    msRequestId: `ms-${id}`,
    correlationId: `corr-${id}`,
    state: { kind: 'pending-approval', submittedAt: createdAt, expiresAt: new Date(Date.parse(createdAt) + 86_400_000).toISOString() },
    history: [{ at: createdAt, event: 'submitted', actor: { oid: requesterOid, name: requesterOid } }],
  };
}

/** The code a promise rejects with (tests assert codes, never messages), or undefined when it resolves. */
export async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return (e as AppError).code ?? `not an AppError: ${String(e)}`;
  }
}

/** A deterministic shuffle, so rows are never written in the order they are listed in. */
export function shuffled<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Runs `fn` over `items`, `width` at a time (writing 100+ blobs one by one is slow, all at once is rude). */
export async function inBatches<T>(items: readonly T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(fn));
}
