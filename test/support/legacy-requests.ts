/**
 * Stored requests exactly as builds before the stored-request schema wrote them (schema version 0: no
 * `schemaVersion`, `expiresAt` and `passwordRevealUntil` beside the state, kept by later writes after the state
 * moved on). Plain JSON values on purpose, not typed as UserRequest: that type has moved on, these must not.
 */

const ada = { oid: 'oid-ada', name: 'Ada Lovelace', upn: 'ada@contoso.example', teamsId: '29:ada' };
const cleo = { oid: 'oid-cleo', name: 'Cleo Approver', upn: 'cleo@contoso.example', teamsId: '29:cleo' };
const user = {
  firstName: 'Kath',
  lastName: 'Johnson',
  displayName: 'Kath Johnson',
  userName: 'kath',
  domain: 'fabrikam.example',
  userPrincipalName: 'kath@fabrikam.example',
  usageLocation: 'US',
  forceChangePassword: true,
  passwordGenerated: true,
};
const channelCard = {
  conversation: {
    activityId: 'act-1',
    user: { id: '29:cleo', aadObjectId: 'oid-cleo' },
    bot: { id: '28:bot', name: 'Partner User Desk' },
    conversation: { id: '19:alpha@thread.tacv2;messageid=111', conversationType: 'channel', tenantId: 'tenant-partner', isGroup: true },
    channelId: 'msteams',
    locale: 'en-US',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
  },
  activityId: 'act-1',
};
const base = (id: string, createdAt: string) => ({
  id,
  createdAt,
  updatedAt: createdAt,
  requester: ada,
  customer: { id: 'cust-fabrikam', companyName: 'Fabrikam', defaultDomain: 'fabrikam.example' },
  user,
  ticket: 'INC-42',
  msRequestId: `ms-${id}`,
  correlationId: `corr-${id}`,
});

/** An undecided channel request: its expiry beside the state. */
export const pendingV0 = {
  ...base('legacy-pending', '2026-03-01T10:00:00.000Z'),
  mode: 'approval',
  state: { kind: 'pending-approval', submittedAt: '2026-03-01T10:00:05.000Z' },
  history: [
    { at: '2026-03-01T10:00:00.000Z', event: 'drafted', actor: { oid: 'oid-ada', name: 'Ada Lovelace' }, correlationId: 'corr-legacy-pending' },
    { at: '2026-03-01T10:00:05.000Z', event: 'submitted-for-approval', actor: { oid: 'oid-ada', name: 'Ada Lovelace' } },
  ],
  card: channelCard,
  checksAtSubmit: [
    { id: 'gdap-role', status: 'ok', text: 'You hold User Administrator for Fabrikam.' },
    { id: 'customer-tenant', status: 'not-checked', text: 'The customer is not connected.' },
  ],
  expiresAt: '2026-03-02T10:00:05.000Z',
};

/** A created channel request with the password still on show, and the expiry it kept from being pending. */
export const createdV0 = {
  ...base('legacy-created', '2026-03-01T11:00:00.000Z'),
  mode: 'approval',
  state: { kind: 'created', by: cleo, at: '2026-03-01T11:05:00.000Z', user: { id: 'obj-1', userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath Johnson', state: 'active' } },
  history: [
    { at: '2026-03-01T11:00:05.000Z', event: 'submitted-for-approval', actor: { oid: 'oid-ada', name: 'Ada Lovelace' } },
    { at: '2026-03-01T11:04:00.000Z', event: 'approved', actor: { oid: 'oid-cleo', name: 'Cleo Approver' } },
    { at: '2026-03-01T11:04:00.000Z', event: 'create-started', actor: { oid: 'oid-cleo', name: 'Cleo Approver' } },
    { at: '2026-03-01T11:05:00.000Z', event: 'created', correlationId: 'corr-legacy-created', detail: 'object id obj-1' },
  ],
  card: channelCard,
  expiresAt: '2026-03-02T11:00:05.000Z',
  passwordRevealUntil: '2026-03-01T11:15:00.000Z',
  passwordDelivery: { sentTo: ['29:ada'], waitingFor: [{ teamsId: '29:erin', oid: 'oid-erin', name: 'Erin' }] },
};

/** A personal request created, its password already removed from the card (the field was cleared). */
export const hiddenV0 = {
  ...base('legacy-hidden', '2026-03-01T09:00:00.000Z'),
  mode: 'personal',
  ticket: undefined,
  user: { ...user, immutableId: 'imm-7' },
  state: { kind: 'created', by: ada, at: '2026-03-01T09:01:00.000Z', user: { id: 'obj-2', userPrincipalName: 'kath@fabrikam.example', displayName: 'Kath Johnson', state: 'active' } },
  history: [{ at: '2026-03-01T09:01:00.000Z', event: 'created', correlationId: 'corr-legacy-hidden', detail: 'object id obj-2' }],
};

/**
 * A creation in flight when the old build stopped (the recovery query must find it), expiry left over, with the
 * creation sequence's progress that the last build before versions already stored.
 */
export const creatingV0 = {
  ...base('legacy-creating', '2026-03-01T12:00:00.000Z'),
  mode: 'approval',
  state: { kind: 'creating', by: cleo, startedAt: '2026-03-01T12:04:00.000Z', attempt: 1 },
  steps: [
    { name: 'create-user', status: 'pending' },
    { name: 'present-outcome', status: 'pending' },
  ],
  history: [{ at: '2026-03-01T12:04:00.000Z', event: 'approved', actor: { oid: 'oid-cleo', name: 'Cleo Approver' } }],
  expiresAt: '2026-03-02T12:00:05.000Z',
};

/** A failed creation (retryable), expiry left over. */
export const failedV0 = {
  ...base('legacy-failed', '2026-03-01T13:00:00.000Z'),
  mode: 'approval',
  state: { kind: 'failed', by: cleo, at: '2026-03-01T13:05:00.000Z', attempt: 2, failure: { code: 'THROTTLED', upstreamCode: '429', httpStatus: 429, correlationId: 'corr-legacy-failed', retryable: true } },
  history: [{ at: '2026-03-01T13:05:00.000Z', event: 'failed', correlationId: 'corr-legacy-failed', detail: 'THROTTLED 429' }],
  expiresAt: '2026-03-02T13:00:05.000Z',
};

/** Every legacy record above, oldest first. */
export const LEGACY_REQUESTS = [hiddenV0, pendingV0, createdV0, creatingV0, failedV0] as const;

/** Stored JSON text, as the old build's JSON.stringify wrote it. */
export const storedText = (record: object): string => JSON.stringify(record);
