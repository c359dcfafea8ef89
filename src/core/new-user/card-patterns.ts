import { NAME_MAX, TICKET_MAX } from './names';
import { UPN_LOCAL_MAX } from './upn';

/**
 * The regexes the Adaptive Card inputs apply client-side (`regex`), built from the same rules as the server
 * checks so the card never accepts what the server refuses, or the reverse, for what a regex can express. The
 * password's three-of-four rule and the whole-UPN length are checked on the server only.
 */
export const CARD_PATTERNS = {
  /** 1–64 characters, no control characters. */
  name: `^[^\\u0000-\\u001f\\u007f-\\u009f]{1,${NAME_MAX}}$`,
  /** Allowed characters, no leading or trailing dot, no two dots in a row, 1–64 characters. */
  userName: `^(?!\\.)(?!.*\\.\\.)(?!.*\\.$)[A-Za-z0-9'.\\-_!#^~]{1,${UPN_LOCAL_MAX}}$`,
  /** Empty, or up to 64 characters without control characters. */
  ticket: `^[^\\u0000-\\u001f\\u007f-\\u009f]{0,${TICKET_MAX}}$`,
} as const;
