import { AppError } from '../core/errors';

/** Teams answers an invoke after about 5 s with an error of its own: every sign-in step must end before. */
export const SIGN_IN_DEADLINE_MS = 4_000;

/** A promise that settles within `ms`, or fails with IDENTITY_UNAVAILABLE (the work itself is not cancelled). */
export function timeBoxed<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new AppError('IDENTITY_UNAVAILABLE', `${what} took longer than ${ms} ms`, { retryable: true, upstreamCode: 'TIMEOUT' })), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
