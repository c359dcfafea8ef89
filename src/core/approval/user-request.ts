import type { ErrorCode } from '../errors';
import type { OnboardingStep } from '../onboarding/step-roles';
import type { FirstCredential } from '../new-user/first-credential';
import type { UserCredential } from '../ports';
import type { Actor, RequestState } from './request-state';

/** The user to be created, as the person entered it (never the password: that lives in the PasswordVault). */
export interface RequestedUser {
  firstName: string;
  lastName: string;
  displayName: string;
  userName: string;
  domain: string;
  userPrincipalName: string;
  usageLocation: string;
  immutableId?: string;
  forceChangePassword: boolean;
  passwordGenerated: boolean;
  /**
   * A Temporary Access Pass instead of the password (issue 19): the password is then generated, sent to Partner
   * Center and never shown. Absent: the password is the first credential (every request stored before).
   */
  firstCredential?: FirstCredential;
}

/**
 * What the onboarding steps apply once the user exists (see UserRequest.onboarding): licences (Partner Center sku
 * ids), groups and a manager (object ids in the customer's tenant), profile attributes. Names are kept beside the
 * ids for the cards only; every check and step works from the ids.
 */
export interface RequestedOnboarding {
  licences: Array<{ skuId: string; name: string }>;
  groups: Array<{ id: string; name: string }>;
  /** Only the attributes that were filled in. */
  profile: { jobTitle?: string; department?: string; officeLocation?: string; companyName?: string; employeeId?: string; mobilePhone?: string };
  manager?: { id: string; name: string };
  /** Steps the person chose to leave out ("continue without"): neither checked nor run. */
  leaveOut?: OnboardingStep[];
}

/** One line of the audit trail. Never a password or a token. */
export interface AuditEntry {
  at: string;
  event: string;
  actor?: { oid: string; name: string };
  correlationId?: string;
  detail?: string;
}

/** Where the request's card lives, so the bot can update it after the invoke has been answered. */
export interface CardLocation {
  /** The channel adapter's conversation reference, opaque to the core. */
  conversation: Record<string, unknown>;
  activityId: string;
}

/**
 * A new-user request as the core works with it. What is stored is this plus a `schemaVersion`
 * (src/core/approval/stored-request.ts): a field added, removed or moved here is a new stored version with an
 * upgrade function, and the schema there must name it (a compile-time check fails until it does).
 */
export interface UserRequest {
  id: string;
  mode: 'personal' | 'approval';
  createdAt: string;
  updatedAt: string;
  requester: Actor;
  customer: { id: string; companyName: string; defaultDomain?: string };
  user: RequestedUser;
  ticket?: string;
  /** MS-RequestId of the create call: the same value on every attempt, so Partner Center never creates twice. */
  msRequestId: string;
  /** MS-CorrelationId shared by every upstream call for this request. */
  correlationId: string;
  state: RequestState;
  history: AuditEntry[];
  card?: CardLocation;
  /** The template the form was filled from, when one was chosen (its name as it was then). */
  template?: { id: string; name: string };
  /**
   * What the onboarding steps apply once the user exists: the licences and groups chosen on the form (a subset of
   * the template's, or any when no template was chosen), the manager and the profile attributes. Every step is
   * checked before the creation and run after it (src/core/creation/*-step.ts).
   */
  onboarding?: RequestedOnboarding;
  /** The pre-flight checks as the requester saw them when submitting, shown on the approval card. */
  checksAtSubmit?: Array<{ id: string; status: 'ok' | 'warning' | 'blocked' | 'not-checked'; text: string }>;
  /**
   * Who has had the password privately (Teams user ids), and who could not be reached (Teams refused a 1:1 chat:
   * the app is not installed for them) and gets it on their next 1:1 turn. Never a password.
   */
  passwordDelivery?: { sentTo: string[]; waitingFor: Array<{ teamsId: string; oid: string; name: string }> };
  /**
   * Progress of the creation sequence (src/core/creation/sequence.ts), reset by every claim (create, approve,
   * retry): a restarted or other instance resumes at the first step not done. Absent on requests never claimed
   * and on those stored before steps existed; a missing entry counts as pending.
   */
  steps?: StepProgress[];
  /**
   * The Temporary Access Pass made for the created user, without the pass itself (that goes to the vault, like a
   * password, until delivered): when it becomes valid and when it expires, for the result card.
   */
  /** The new user's first day (ISO, UTC): a Temporary Access Pass becomes valid then, not before. */
  startAt?: string;
  /** The IANA time zone the first day was entered in (the customer's): cards show the start there, and in UTC. */
  startTimeZone?: string;
  temporaryAccessPass?: { methodId: string; validFrom: string; expiresAt: string; lifetimeInMinutes: number; isUsableOnce: boolean };
}

/** One step of the creation sequence as stored. `code` says why a step failed; `at` when it ended. */
export interface StepProgress {
  name: string;
  status: 'pending' | 'done' | 'failed' | 'skipped';
  code?: ErrorCode;
  at?: string;
}

/** When an undecided approval request expires (ISO time): only a `pending-approval` request has one. */
export function expiresAtOf(request: Pick<UserRequest, 'state'>): string | undefined {
  return request.state.kind === 'pending-approval' ? request.state.expiresAt : undefined;
}

/** When the temporary password must be removed from the result message, while it is still shown (ISO time). */
export function passwordRevealUntilOf(request: Pick<UserRequest, 'state'>): string | undefined {
  return request.state.kind === 'created' ? request.state.passwordRevealUntil : undefined;
}

/** A value with the eTag it was read at; writes compare it (optimistic concurrency). */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/**
 * A listing filter; every field set must match. An empty string means no filter. `requesterOid`, `deciderOid` and
 * `conversationId` each have an index of their own (also combined with `customerId`): a query should set at most
 * one of them, so the store walks exactly the requests it returns.
 */
export interface RequestQuery {
  customerId?: string;
  requesterOid?: string;
  /** Someone who approved, rejected or retried the request (request-index.ts, decidersOf). */
  deciderOid?: string;
  /** The channel or group chat the request's card lives in (request-index.ts, homeConversationOf). */
  conversationId?: string;
  /** Created at or after this ISO time. */
  since?: string;
  /** Created strictly before this ISO time. */
  before?: string;
  limit: number;
}

export interface RequestWriteOptions {
  /**
   * The caller stores a secret (the vault, the creator's identity) right after this write, and a stored secret is
   * made durable with everything written before it: this write need not wait for a durable sync of its own.
   * (Issue 16: a creation's start waited for two syncs in a row, each one more turn through a busy event loop.)
   */
  durableWithNextSecret?: boolean;
}

/** Durable request storage with compare-and-swap on eTags. */
export interface RequestStore {
  get(id: string): Promise<Versioned<UserRequest> | undefined>;
  /** Fails with CONCURRENT_UPDATE when the id exists. */
  create(request: UserRequest): Promise<Versioned<UserRequest>>;
  /** Fails with CONCURRENT_UPDATE when the stored eTag is no longer `etag`. */
  update(request: UserRequest, etag: string, opts?: RequestWriteOptions): Promise<Versioned<UserRequest>>;
  /** Newest first. */
  list(query: RequestQuery): Promise<UserRequest[]>;
  /** Every request in one state (after a restart: the creations that were interrupted). */
  inState(kind: UserRequest['state']['kind']): Promise<UserRequest[]>;
}

/** How a stored secret must outlive a power cut (a process death keeps every write either way). */
export interface SecretWriteOptions {
  /**
   * false: the write may reach the disk with the next sync instead of before `put` returns. For a personal draft's
   * password: nothing relies on it before its Create, whose move to `creating` syncs every earlier write
   * (issue 16: one wait on the disk fewer a review). Default true.
   */
  durable?: boolean;
}

/**
 * Passwords that must outlive one turn, encrypted with a key from configuration. `erase` is called the moment the
 * request no longer needs the password.
 */
export interface PasswordVault {
  put(requestId: string, password: string, opts?: SecretWriteOptions): Promise<void>;
  get(requestId: string): Promise<string | undefined>;
  erase(requestId: string): Promise<void>;
}

/**
 * The credential of the person whose creation is in flight, encrypted like passwords, so that whichever instance
 * finishes an interrupted creation (after a crash, on another instance) does it with that person's identity and
 * never anyone else's. Kept only while the request is `creating`; erased the moment it settles.
 */
export interface CredentialVault {
  keep(requestId: string, cred: UserCredential): Promise<void>;
  get(requestId: string): Promise<UserCredential | undefined>;
  erase(requestId: string): Promise<void>;
}

/**
 * Where a request's card lives after a click. The first click places it (a personal draft's confirmation card);
 * later clicks never move it elsewhere, but a click on that very message refreshes the stored reference (Teams
 * may hand out a new service URL for the same conversation).
 */
export function cardAfterClick(current: CardLocation | undefined, click: CardLocation | undefined): CardLocation | undefined {
  if (!current || !click) return current ?? click;
  const id = (l: CardLocation) => (l.conversation.conversation as { id?: unknown } | undefined)?.id;
  return click.activityId === current.activityId && id(click) !== undefined && id(click) === id(current) ? click : current;
}
