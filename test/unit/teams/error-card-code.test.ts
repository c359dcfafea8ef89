import type { UserRequest } from '../../../src/core/approval/user-request';
import { AppError, ERROR_CODES } from '../../../src/core/errors';
import { CardTemplates, defaultCardsDir } from '../../../src/teams/cards/card-templates';
import { CardViews } from '../../../src/teams/cards/views';
import { ERROR_TEXT } from '../../../src/teams/error-text';
import { cardText } from '../../support/bot-harness';
import { errorCodeOf } from '../../support/card-error-code';

/**
 * Error cards carry their stable code where a machine can read it and a person never sees it (the title's element
 * id), so tests and tools assert codes while error-text.ts alone decides the words.
 */
const views = new CardViews(new CardTemplates(defaultCardsDir()), { ticketRequired: false, defaultUsageLocation: 'US' });

const failedRequest = (code: AppError['code']): UserRequest => ({
  id: '4a1f4c8e-6f7e-4d7a-9a4b-2f9b1f3a8c11',
  mode: 'personal',
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
  requester: { oid: 'oid-ada', name: 'Ada' },
  customer: { id: 'cust-1', companyName: 'Fabrikam, Inc.' },
  user: { firstName: 'G', lastName: 'H', displayName: 'G H', userName: 'gh', domain: 'fabrikam.example', userPrincipalName: 'gh@fabrikam.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
  msRequestId: 'ms-1',
  correlationId: 'corr-1',
  state: { kind: 'failed', by: { oid: 'oid-ada', name: 'Ada' }, at: '2026-01-01T10:01:00.000Z', attempt: 1, failure: { code, retryable: false } },
  history: [],
});

describe('error cards carry their code', () => {
  it.each(ERROR_CODES.map((c) => [c]))('%s: the error notice and the failed card name it; the words are the table\'s', (code) => {
    const notice = views.error(new AppError(code, 'a message nobody sees', { correlationId: 'corr-9' }), 'turn-1');
    expect(errorCodeOf(notice)).toBe(code);
    expect(cardText(notice)).toContain(ERROR_TEXT[code].title);
    expect(cardText(notice)).not.toContain(`error.${code}`);
    // The error's own correlation id (the operation's) wins over the turn's.
    expect(cardText(notice)).toContain('corr-9');
    expect(cardText(notice)).not.toContain('turn-1');
    const failed = views.failed(failedRequest(code));
    expect(errorCodeOf(failed)).toBe(code);
    expect(cardText(failed)).not.toContain(`error.${code}`);
    expect(cardText(failed)).toContain('corr-1');
  });

  it('an error without a correlation id of its own shows the turn\'s', () => {
    const notice = views.error(new AppError('MFA_REQUIRED', 'sign-in without MFA'), 'turn-7');
    expect(cardText(notice)).toContain('correlation id turn-7');
  });

  const withFailure = (failure: { code: AppError['code']; upstreamCode?: string; httpStatus?: number }): UserRequest => {
    const r = failedRequest(failure.code);
    return { ...r, state: { ...(r.state as object), failure: { ...failure, retryable: true } } as UserRequest['state'] };
  };
  const approved = (request: UserRequest): UserRequest => ({ ...request, mode: 'approval', state: { ...(request.state as object), by: { oid: 'oid-cleo', name: 'Cleo' } } as UserRequest['state'] });

  it('an upstream code is labelled as upstream, not as Partner Center\'s (it may be Graph\'s or an AADSTS code), in the same words on every card', () => {
    const notice = views.error(new AppError('TOKEN_EXCHANGE_FAILED', 'x', { upstreamCode: 'AADSTS50013', correlationId: 'corr-8' }), 'turn-8');
    expect(cardText(notice)).toContain('TOKEN_EXCHANGE_FAILED · upstream AADSTS50013 · correlation id corr-8');
    expect(cardText(notice)).not.toContain('Partner Center code');
    const throttled = withFailure({ code: 'THROTTLED', upstreamCode: 'TooManyRequests', httpStatus: 429 });
    expect(cardText(views.failed(throttled))).toContain('THROTTLED · upstream TooManyRequests · HTTP 429');
    expect(cardText(views.approvalRequest(approved(throttled), 'base', []))).toContain('THROTTLED · upstream TooManyRequests · HTTP 429');
    const refused = new AppError('THROTTLED', 'x', { upstreamCode: 'TooManyRequests', httpStatus: 429, correlationId: 'corr-9' });
    expect(cardText(views.error(refused, 'turn-9'))).toContain('THROTTLED · upstream TooManyRequests · HTTP 429 · correlation id corr-9');
  });

  it('an upstream code that is only the HTTP status as text ("503") is not repeated: the HTTP status says it', () => {
    const unavailable = withFailure({ code: 'PARTNER_CENTER_UNAVAILABLE', upstreamCode: '503', httpStatus: 503 });
    for (const card of [views.failed(unavailable), views.approvalRequest(approved(unavailable), 'base', []), views.error(new AppError('PARTNER_CENTER_UNAVAILABLE', 'x', { upstreamCode: '503', httpStatus: 503 }), 'turn-5')]) {
      expect(cardText(card)).toContain('PARTNER_CENTER_UNAVAILABLE · HTTP 503');
      expect(cardText(card)).not.toContain('upstream 503');
    }
    // A code that is not the status stays, even when it is a number (Partner Center's 2000-range codes).
    const refused = withFailure({ code: 'VALIDATION_FAILED', upstreamCode: '2000', httpStatus: 400 });
    expect(cardText(views.failed(refused))).toContain('VALIDATION_FAILED · upstream 2000 · HTTP 400');
  });

  it('cards that are not errors carry none', () => {
    expect(errorCodeOf(views.notice({ title: 'Request cancelled', text: 'Nothing was created.' }))).toBeUndefined();
    const cancelled: UserRequest = { ...failedRequest('INTERNAL'), state: { kind: 'cancelled', by: { oid: 'oid-ada', name: 'Ada' }, at: '2026-01-01T10:01:00.000Z' } };
    expect(errorCodeOf(views.current(cancelled))).toBeUndefined();
  });
});
