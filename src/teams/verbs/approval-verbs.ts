import { z } from 'zod/v4';
import { requiredRequestId, textField } from '../card-data';
import { defineVerb } from './verb';

const namesRequest = z.object({ requestId: requiredRequestId });

/**
 * Approve. Where silent SSO fails (a channel on some clients), the approver is signed in privately in their 1:1
 * chat and the approval completes right after, without a second click (routes/sign-in-resume.ts).
 */
export const approve = defineVerb({
  data: namesRequest,
  handle: (t, s) => s.approvals.approve(t),
  whenSsoFails: async (click, s) => {
    if (!click.location || click.ctx.activity.conversation.conversationType === 'personal') return undefined;
    await s.signInPrivately(click.ctx, { kind: 'approve', requestId: click.data.requestId, location: click.location });
    return s.views.notice({
      title: 'Sign in to approve',
      text: 'I could not sign you in here, so I sent you a sign-in prompt in our private chat. The approval completes as soon as you sign in there; no second click is needed.',
    });
  },
});

/** Reject, with the reason typed on the card. */
export const reject = defineVerb({
  data: z.object({ requestId: requiredRequestId, reason: textField }),
  handle: (t, s) => s.approvals.reject(t, t.data.reason ?? ''),
});

/** The card's `refresh` (and its Refresh button): the acting person's own view of the request. */
export const refreshRequest = defineVerb({
  data: namesRequest,
  handle: (t, s) => s.approvals.refresh(t),
  ownView: true,
});
