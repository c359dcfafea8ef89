import type { CardLocation, UserRequest } from '../approval/user-request';

// The port through which a creation's outcome reaches people, implemented by the chat adapter
// (src/teams/outcome-delivery.ts). Beside the creation rather than in ports.ts: it speaks of requests, and
// ports.ts stays free of imports from the request model (no import cycle).

/** A person entitled to a created user's password. */
export interface PasswordRecipient {
  oid: string;
  name: string;
  /** The chat user id to message privately. */
  teamsId: string;
}

/**
 * What showing a password privately came to: shown (and where, so it can be hidden later), or not shown;
 * `unreachable` when the chat service refuses to message that person (the app is not installed for them).
 */
export type PasswordShown = { shown: true; location?: CardLocation } | { shown: false; unreachable: boolean };

/**
 * How a request's outcome reaches people. The core decides what is shown to whom and when (creation/), and what
 * happens to the stored password afterwards; the adapter only draws and sends. Each method either does its work
 * or throws (the step then stays pending and the finish job does it again), and is safe to call twice.
 */
export interface CreationPresenter {
  /** The request as it stands, where people see it (its card; a channel request's requester also privately). Never a password. */
  showOutcome(request: UserRequest): Promise<void>;
  /**
   * A personal request's result with its password, on the request's own card in the requester's 1:1 chat (nobody
   * else reads it). False when the request has no card to show it on.
   */
  showPasswordOnCard(request: UserRequest, password: string): Promise<boolean>;
  /** The result with its password, privately to one person. */
  showPasswordTo(request: UserRequest, person: PasswordRecipient, password: string): Promise<PasswordShown>;
  /** A person who could not be messaged is asked (where the request lives, without the secret) to open a chat with the bot. */
  askToOpenChat(request: UserRequest, person: PasswordRecipient): Promise<void>;
  /** The message at `location` keeps the result, without the password. */
  hidePassword(request: UserRequest, location: CardLocation): Promise<void>;
}
