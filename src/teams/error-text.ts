import type { ErrorCode } from '../core/errors';

export interface ErrorText {
  title: string;
  /** What went wrong, in one plain sentence. */
  text: string;
  /** What the person can do about it. */
  todo: string;
}

/**
 * The one table from error code to what a person reads. Nothing else in the bot writes error text, and no
 * exception message, stack or token ever reaches a chat.
 */
export const ERROR_TEXT: Record<ErrorCode, ErrorText> = {
  VALIDATION_FAILED: { title: 'Some fields need attention', text: 'Some of the values are not accepted by Microsoft Entra.', todo: 'Correct the fields marked in red and submit again.' },
  SIGN_IN_REQUIRED: { title: 'Sign-in needed', text: 'I need you to sign in before I can act for you in Partner Center.', todo: 'Use the sign-in button, then send "new user" again.' },
  TOKEN_EXCHANGE_FAILED: { title: 'Sign-in did not work', text: 'Your Teams sign-in could not be exchanged for a Partner Center token.', todo: 'Sign in again. If it keeps failing, ask your administrator to check the app registration.' },
  CONSENT_REQUIRED: { title: 'Consent needed', text: 'You (or your administrator) have not yet consented to this app acting for you in Partner Center.', todo: 'Sign in with the button and accept the permissions, or ask an administrator to grant admin consent.' },
  MFA_REQUIRED: { title: 'Multi-factor sign-in required', text: 'Partner Center accepts only sign-ins that used multi-factor authentication, and yours did not.', todo: 'Sign out of Teams, sign in again with MFA, then retry.' },
  TENANT_NOT_ALLOWED: { title: 'Not available here', text: 'This bot serves one partner organisation, and this conversation belongs to another.', todo: 'Use the bot from your partner organisation\'s Teams.' },
  CUSTOMER_NOT_CONNECTED: { title: 'Customer not connected', text: "This bot's app is not set up in the customer's tenant (Microsoft Entra answered AADSTS700016), so the checks that read that tenant were not made.", todo: 'You can still create the user: Partner Center itself refuses a taken user name or a federated or unverified domain, and you can then edit and retry. For the full checklist, connect the customer (multi-tenant registration and consent in the customer tenant, see the deploy guide).' },
  CUSTOMER_CONSENT_MISSING: { title: 'Consent missing in the customer tenant', text: "This bot's app is set up in the customer's tenant but without a permission a check needs (Microsoft Entra's token for it there lacks that permission), so that check was not made.", todo: 'You can still create the user: Partner Center enforces its own rules. Connect the customer again to grant the missing permission for the full checklist.' },
  UNAUTHENTICATED: { title: 'Partner Center refused the sign-in', text: 'Partner Center did not accept your token (expired, or not an App+User token).', todo: 'Sign in again and retry.' },
  CUSTOMER_NOT_FOUND: { title: 'Customer not found', text: 'Partner Center does not know this customer.', todo: 'Choose the customer again from the list.' },
  NO_RELATIONSHIP: { title: 'No relationship with this customer', text: 'Your partner organisation has no relationship with this customer in Partner Center.', todo: 'Check the customer in Partner Center; a reseller or GDAP relationship must exist first.' },
  RELATIONSHIP_EXPIRED: { title: 'GDAP relationship expired', text: 'The GDAP relationship with this customer has expired.', todo: 'Ask your Partner Center administrator to request a new GDAP relationship and have the customer approve it.' },
  GDAP_ROLE_MISSING: { title: 'No GDAP role for this', text: 'You do not hold User Administrator or Directory Writers for this customer through an active GDAP relationship.', todo: 'Ask your Partner Center administrator to add you to a security group that has one of these roles for this customer.' },
  ACCESS_DENIED: { title: 'Access denied', text: 'Partner Center refused access to this customer.', todo: 'Check your GDAP roles for this customer with your Partner Center administrator.' },
  ACTION_NOT_ALLOWED: { title: 'Not allowed', text: 'Partner Center does not allow this action for this customer.', todo: 'Check the customer\'s status in Partner Center.' },
  TENANT_NOT_FOUND: { title: 'Tenant not found', text: 'Partner Center could not find this customer\'s tenant.', todo: 'Choose the customer again; if it persists, check the customer in Partner Center.' },
  USER_NOT_FOUND: { title: 'User not found', text: 'That user does not exist (any more) in the customer\'s tenant.', todo: 'Refresh and check the user name.' },
  UPN_TAKEN: { title: 'User name already taken', text: 'A user (active, or deleted and still restorable) already has this user name in the customer\'s tenant.', todo: 'Choose a different user name with "Edit and retry".' },
  UPN_SOFT_DELETED: { title: 'User name belongs to a deleted user', text: 'A recently deleted user still holds this user name (they can be restored for 30 days).', todo: 'Restore that user instead, or choose a different user name.' },
  DOMAIN_FEDERATED: { title: 'Federated domain', text: 'This domain is federated: its users are created in the customer\'s own identity system, not through Partner Center.', todo: 'Use "Edit and retry" and choose a managed domain (for example the .onmicrosoft.com domain), or create the user in the customer\'s on-premises directory.' },
  DOMAIN_NOT_VERIFIED: { title: 'Domain not usable', text: 'This domain is not one of the customer\'s verified domains.', todo: 'Use "Edit and retry" and choose one of the customer\'s verified domains (the .onmicrosoft.com domain always is).' },
  INVALID_PASSWORD: { title: 'Password not accepted', text: 'Microsoft Entra did not accept the password: it needs 8 to 256 characters and three of lowercase, uppercase, digits and symbols.', todo: 'Use "Edit and retry" and let the bot generate a password, or type a stronger one.' },
  INVALID_FIELD: { title: 'A value was not accepted', text: 'Partner Center did not accept one of the values.', todo: 'Use "Edit and retry" and check the field named below.' },
  // THROTTLED, UPSTREAM_TIMEOUT and UPSTREAM_INVALID_RESPONSE come from Partner Center and from Microsoft Graph
  // alike (a creation's final check and its onboarding steps call Graph): the words must not blame one of them.
  THROTTLED: { title: 'Too many requests right now', text: 'Microsoft (Partner Center or Microsoft Graph) is limiting how many requests your organisation can make (HTTP 429), and the limit had not lifted after the bot waited and retried.', todo: 'Wait a minute or two, then do the same again ("Try again" where the card offers it). Nothing is created twice. If it keeps happening, spread bulk work over more time.' },
  PARTNER_CENTER_UNAVAILABLE: { title: 'Partner Center is unavailable', text: 'Partner Center answered with a server error or could not be reached, even after several attempts.', todo: 'Wait a few minutes, then do the same again ("Try again" where the card offers it); the bot never creates the user twice.' },
  GRAPH_UNAVAILABLE: { title: 'Microsoft Graph is unavailable', text: 'Microsoft Graph answered with a server error or could not be reached, even after several attempts.', todo: 'Wait a few minutes, then do the same again ("Try again" where the card offers it).' },
  IDENTITY_UNAVAILABLE: { title: 'Sign-in service unavailable', text: 'The Microsoft identity platform (or the Bot Framework token service) did not answer in time or could not be reached, so no token could be got for you.', todo: 'Wait a few minutes, then do the same again.' },
  UPSTREAM_TIMEOUT: { title: 'No answer in time', text: 'Microsoft (Partner Center or Microsoft Graph) did not answer within the time limit, even after several attempts.', todo: 'Wait a minute, then do the same again ("Try again" where the card offers it): a creation is sent with the same request id, so the user is never created twice.' },
  UPSTREAM_INVALID_RESPONSE: { title: 'Unexpected answer from Microsoft', text: 'Partner Center or Microsoft Graph answered with something the bot could not read, so it did not act on it.', todo: 'Do the same again in a minute; if it keeps happening, give your administrator the correlation id below.' },
  ADMIN_AGENT_REQUIRED: { title: 'Admin agent role needed', text: 'Connecting a customer consents the bot\'s app in the customer\'s tenant through Partner Center, which only members of your partner organisation\'s Admin agents group may do.', todo: 'Ask someone with the Admin agent role in Partner Center (and a GDAP role that may consent apps for this customer) to connect it.' },
  CONNECT_ROLE_MISSING: { title: 'No GDAP role to connect this customer', text: 'Consenting an app in this customer\'s tenant needs Cloud Application Administrator, Privileged Role Administrator or Global Administrator for this customer through an active GDAP relationship, and you hold none of them.', todo: 'Ask your Partner Center administrator to grant one of these roles to a security group of yours in this customer\'s GDAP relationship, or ask someone who holds one to connect the customer.' },
  APP_NOT_MULTI_TENANT: { title: 'The app cannot be connected', text: 'The bot\'s Entra app is registered as single-tenant, so it cannot be consented in a customer\'s tenant (Entra answers AADSTS700016).', todo: 'Creating users still works, with "not checked" notices. For the full checklist, switch the app registration to multi-tenant (docs/deploy.md) and connect the customer again.' },
  ALREADY_CONNECTED: { title: 'Already connected', text: 'The bot\'s app is already consented in this customer\'s tenant.', todo: 'Nothing to do; review the request again to see the full checklist.' },
  NO_FREE_SEAT: { title: 'No free licence', text: 'Every seat of this licence is in use at the customer, so it cannot be assigned.', todo: 'Buy more seats for the customer (or free one), then retry the licence step; or leave this licence out.' },
  USAGE_LOCATION_MISSING: { title: 'Usage location needed', text: 'Microsoft assigns licences only to users with a usage location (the country where they use the services), and this user has none.', todo: 'Set the usage location on the form (or the profile step), then retry the licence step.' },
  LICENCE_GROUPS_MIXED: { title: 'Licences from different groups', text: 'Partner Center assigns licences of one licence group at a time (Microsoft 365 and Entra products, or Minecraft), and this request mixed them.', todo: 'Assign the licences of each group in a separate step.' },
  LICENCE_UNKNOWN: { title: 'Licence not available', text: 'The customer does not subscribe to this licence (any more).', todo: 'Choose the licence again from the customer\'s list.' },
  GROUP_NOT_FOUND: { title: 'Group not found', text: 'This group does not exist (any more) in the customer\'s tenant.', todo: 'Choose the group again from the list.' },
  GROUP_ROLE_ASSIGNABLE: { title: 'Role-assignable group', text: 'This group can hold directory roles, so only a Privileged Role Administrator may change its members; the bot does not add people to it.', todo: 'Leave this group out, or ask someone with Privileged Role Administrator for this customer to add the user.' },
  GROUP_NEEDS_EXCHANGE: { title: 'Managed in Exchange', text: 'Distribution lists and mail-enabled security groups cannot be changed through Microsoft Graph; their members are managed in Exchange Online.', todo: 'Leave this group out and add the user in the Exchange admin center (or with Exchange Online PowerShell).' },
  TAP_POLICY_DISABLED: { title: 'Temporary Access Pass not enabled', text: "The customer's tenant does not allow Temporary Access Passes (its authentication methods policy has them disabled).", todo: 'Choose a password as the first credential instead, or ask the customer\'s administrator to enable Temporary Access Pass in Microsoft Entra (Authentication methods, Policies).' },
  TAP_LIFETIME_OUT_OF_POLICY: { title: 'Lifetime not allowed', text: "The customer's Temporary Access Pass policy does not allow this lifetime.", todo: 'Choose a lifetime within the range shown on the form, or leave it empty for the policy\'s default.' },
  TAP_ONE_TIME_ONLY: { title: 'One-time passes only', text: "The customer's Temporary Access Pass policy allows one-time passes only.", todo: 'Choose "one-time" on the form and submit again.' },
  TAP_ROLE_MISSING: { title: 'No GDAP role for a Temporary Access Pass', text: 'Creating a Temporary Access Pass needs Authentication Administrator or Privileged Authentication Administrator for this customer, and you hold neither through an active GDAP relationship.', todo: 'Choose a password as the first credential instead, or ask your Partner Center administrator for one of these roles for this customer.' },
  REQUEST_NOT_FOUND: { title: 'Request not found', text: 'This request no longer exists (it may have expired).', todo: 'Start a new request with "new user".' },
  ILLEGAL_TRANSITION: { title: 'Already handled', text: 'This request has moved on since this card was shown.', todo: 'Look at the latest card for its current state.' },
  CONCURRENT_UPDATE: { title: 'Busy', text: 'Someone else changed this request at the same moment.', todo: 'Look at the latest card and try again if needed.' },
  NOT_REQUESTER: { title: 'Not your request', text: 'Only the person who raised this request can do that.', todo: 'Start your own request with "new user".' },
  NOT_APPROVER: { title: 'Not an approver', text: 'You are not an approver for this request.', todo: 'Ask an approver of your team to act on it.' },
  SELF_APPROVAL_REFUSED: { title: 'Approval by someone else needed', text: 'You raised this request, so someone else must approve it.', todo: 'Ask another approver.' },
  PASSWORD_UNAVAILABLE: { title: 'Password no longer available', text: 'The temporary password for this request could not be read back (it is erased when a request ends, and cannot be decrypted after the key changes).', todo: 'Use "Edit and retry" to set a new password.' },
  CREATION_INTERRUPTED: { title: 'Interrupted', text: 'The bot stopped while Partner Center was creating this user and could not finish it with your sign-in, so whether it was created is not known yet.', todo: 'Use "Try again": the same request id is sent, so Partner Center answers with the first result and never creates a second user.' },
  NOT_AUDITOR: { title: 'Auditors only', text: 'The export of every team\'s requests is only for members of the auditor group, and you are not one (or no auditor group is configured).', todo: 'Send "history" for your own requests and the ones you decided, or ask your administrator (AUDITOR_GROUP_ID).' },
  PERSONAL_CHAT_ONLY: { title: 'Only in our 1:1 chat', text: 'This would show requests of every team, so I only give it in a 1:1 chat with you, never in a shared conversation.', todo: 'Open a chat with me and send the same command there.' },
  FILE_UPLOAD_FAILED: { title: 'The file could not be saved', text: 'Your OneDrive did not accept the file I tried to upload.', todo: 'Send the command again for a new file offer; if it keeps failing, check that your OneDrive has room.' },
  BULK_CSV_ENCODING: { title: 'The file is not UTF-8', text: 'The CSV is not in UTF-8, so names with accents would be read wrongly.', todo: 'In Excel use "Save as" → "CSV UTF-8 (comma delimited)", then send it again.' },
  BULK_CSV_MALFORMED: { title: 'The CSV could not be read', text: 'A quote in the CSV is not where RFC 4180 allows it (the card names the line).', todo: 'Put a field with commas or line breaks in double quotes, double any quote inside it, and send it again.' },
  BULK_CSV_COLUMNS: { title: 'Columns missing or unknown', text: 'The first line must name the columns, and the required ones (firstName, lastName, userName, domain) must be there; a column I do not know is refused rather than ignored.', todo: 'Start from the CSV template ("CSV template" on the bulk card) and keep its header line.' },
  BULK_TOO_MANY_ROWS: { title: 'Too many rows', text: 'One batch takes at most 300 users.', todo: 'Split the file into batches of 300 rows or fewer.' },
  BULK_TOO_LARGE: { title: 'The CSV is too large', text: 'One batch takes at most 256 KB of CSV.', todo: 'Split the file, or remove columns you do not need.' },
  BULK_DUPLICATE_USER: { title: 'User name twice in the file', text: 'The same user name appears on more than one row, so none of those rows is created.', todo: 'Keep the user name on one row only, then check the batch again.' },
  BULK_NOTHING_TO_CREATE: { title: 'Nothing to create', text: 'Every row of the batch has a problem, so there is nothing to create.', todo: 'Correct the rows listed in the report and check the batch again.' },
  BULK_FILE_UNAVAILABLE: { title: 'The file could not be read', text: 'Teams offered a file I could not download (gone, too large, or not a CSV).', todo: 'Attach the CSV again, or paste it into the bulk card.' },
  BATCH_NOT_FOUND: { title: 'Batch not found', text: 'This batch does not exist or is not yours.', todo: 'Send "bulk" to start a new batch.' },
  TEMPLATE_NOT_FOUND: { title: 'Template not found', text: 'This template no longer exists (someone may have deleted it), or it is not for this customer.', todo: 'Send "templates" to see the current list.' },
  NOT_TEMPLATE_ADMIN: { title: 'Templates are read-only for you', text: 'Only template administrators may create, change or delete templates: members of the template administrators group, or (when none is configured) people who hold User Administrator or Directory Writers for that customer through GDAP. Partner-wide templates need the group (or, without one, the Admin agent role).', todo: 'Ask a template administrator to make the change, or use the templates as they are on the new-user form.' },
  START_TIME_SKIPPED: { title: 'That start time does not exist', text: 'The clocks go forward at that time on that day in the chosen time zone, so that local time never happens.', todo: 'Choose another start time (an hour later, say) and review again.' },
  START_PASSWORD_TYPED: { title: 'No typed password with a first day', text: 'A request with a first day keeps no password for days: the bot generates one when the request becomes ready.', todo: 'Choose to generate the password, or clear the first day.' },
  TICKET_REQUIRED: { title: 'Ticket required', text: 'The template you chose requires a ticket or reference number for every new user.', todo: 'Enter the ticket number and review again.' },
  UNKNOWN_ACTION: { title: 'Unknown action', text: 'This card sent an action the bot does not know.', todo: 'Send "new user" to start again.' },
  STORAGE_UNAVAILABLE: { title: 'Storage not reachable', text: 'The bot could not read or save this request in its storage just now.', todo: 'Try again in a minute; a step already done is not repeated. If it keeps happening, ask your administrator to check the bot\'s storage (the SQLite data folder or the Azure Storage account).' },
  STORED_REQUEST_INVALID: { title: 'This request cannot be read', text: 'The bot\'s stored copy of this request is damaged or in a form this version of the bot does not know, so it cannot act on it. Nothing was sent to Partner Center.', todo: 'Start a new request with "new user". Your administrator can find the request id in the bot\'s log.' },
  STORED_REQUEST_TOO_NEW: { title: 'Saved by a newer version of the bot', text: 'This request was saved by a newer version of the bot than the one that answered you, so this one leaves it alone.', todo: 'Try again in a few minutes (an update is probably being rolled out). If it keeps happening, ask your administrator to update every instance of the bot.' },
  INTERNAL: { title: 'Error in the bot', text: 'The bot hit an error of its own (not an answer from Partner Center or Microsoft Graph) and stopped what it was doing.', todo: 'Do the same again once. If it fails again, give your administrator the correlation id below: the bot\'s log has the error under that id.' },
};

/**
 * Failures of Microsoft's that pass by themselves (429, a server error, no answer, an answer the bot cannot read).
 * When one stops a pre-flight check, the checklist row says which one in this table's words instead of a bare
 * "could not be checked", and what to do is the same for all: nothing to correct, only to look again later.
 */
export const PASSING_UPSTREAM_FAILURES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['THROTTLED', 'PARTNER_CENTER_UNAVAILABLE', 'GRAPH_UNAVAILABLE', 'IDENTITY_UNAVAILABLE', 'UPSTREAM_TIMEOUT', 'UPSTREAM_INVALID_RESPONSE']);
export const CHECK_NOT_MADE_ADVICE = 'Nothing to correct: wait a minute or two, then review again (Edit, then Review).';

export function errorText(code: ErrorCode): ErrorText {
  return ERROR_TEXT[code];
}
