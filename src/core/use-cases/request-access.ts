import type { Actor } from '../approval/request-state';
import type { RequestWriteOptions, UserRequest, Versioned } from '../approval/user-request';
import { AppError } from '../errors';
import type { UseCaseDeps } from './deps';

/** Re-reads the stored request: card data is never trusted, only its request id. */
export async function loadRequest(deps: UseCaseDeps, requestId: string): Promise<Versioned<UserRequest>> {
  const found = await deps.requests.get(requestId);
  if (!found) throw new AppError('REQUEST_NOT_FOUND', `request ${requestId} not found`);
  return found;
}

/** In a personal request only the person who raised it may act on it. */
export function assertRequester(request: UserRequest, actor: Actor): void {
  if (request.requester.oid !== actor.oid) throw new AppError('NOT_REQUESTER', `actor ${actor.oid} is not the requester of ${request.id}`);
}

/**
 * Applies `change` with compare-and-swap, re-reading and re-applying on a concurrent write, so two clicks that
 * race both see a consistent result. `change` returns undefined when there is nothing to do any more.
 */
export async function updateRequest(
  deps: UseCaseDeps,
  requestId: string,
  change: (current: UserRequest) => UserRequest | undefined,
  opts: RequestWriteOptions & { attempts?: number } = {},
): Promise<{ request: UserRequest; changed: boolean }> {
  const { attempts = 5, ...write } = opts;
  for (let i = 0; i < attempts; i++) {
    const { value, etag } = await loadRequest(deps, requestId);
    const next = change(value);
    if (!next) return { request: value, changed: false };
    try {
      const saved = await deps.requests.update({ ...next, updatedAt: deps.clock.now().toISOString() }, etag, write);
      return { request: saved.value, changed: true };
    } catch (e) {
      if (e instanceof AppError && e.code === 'CONCURRENT_UPDATE') continue;
      throw e;
    }
  }
  throw new AppError('CONCURRENT_UPDATE', `request ${requestId} kept changing`);
}
