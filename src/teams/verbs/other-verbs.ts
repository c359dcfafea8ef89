import { z } from 'zod/v4';
import { idField, optionalRequestId, textField } from '../card-data';
import { defineVerb } from './verb';

/** "Connect <customer>" (checklist notice, `customers` card): consents the bot's app in the customer's tenant. */
export const connectCustomer = defineVerb({
  data: z.object({ requestId: optionalRequestId, customerId: idField('CUSTOMER_NOT_FOUND', true) }),
  handle: (t, s) => s.connect.connect(t),
});

/** "Show the history" (channel): the click signed the person in; the command on the card is parsed again. */
export const showHistory = defineVerb({
  // No request on this card: a requestId slipped into its data is dropped, not looked up.
  data: z.object({ command: textField }),
  handle: (t, s) => s.history.fromButton(t, t.data.command),
  ownView: true,
});
