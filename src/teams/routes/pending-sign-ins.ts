import type { CardLocation } from '../../core/approval/user-request';
import type { SharedState } from '../sign-in';

/** What a person asked for before they had to sign in: a new request, or the approval they clicked. */
export type PendingAfterSignIn = { kind: 'new user' } | ApprovalPending;
export type ApprovalPending = { kind: 'approve'; requestId: string; location: CardLocation };

/** A sign-in that never comes leaves nothing behind after this long. */
const PENDING_TTL_MS = 15 * 60_000;

/**
 * What a person asked for before they had to sign in, resumed right after the token exchange (which may reach
 * another instance, hence the shared store). Taken once: a second exchange resumes nothing.
 */
export class PendingSignIns {
  constructor(private readonly shared: SharedState) {}

  set(userKey: string, value: PendingAfterSignIn): Promise<void> {
    return this.shared.put(`pending-sign-in:${userKey}`, value, PENDING_TTL_MS);
  }

  async take(userKey: string): Promise<PendingAfterSignIn | undefined> {
    const value = await this.shared.get<PendingAfterSignIn>(`pending-sign-in:${userKey}`);
    if (value) await this.shared.delete(`pending-sign-in:${userKey}`);
    return value;
  }
}
