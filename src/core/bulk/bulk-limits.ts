/**
 * What one batch may hold. Stated in the README ("Bulk creation") and on the bulk card, enforced before anything
 * else is read. 300 rows: a few hundred users, the size the issue asks for, at four creations at a time about
 * ten minutes; 256 KB: 300 rows of every column with room to spare, far below Teams' message limits.
 */
export const BULK_LIMITS = {
  maxRows: 300,
  maxBytes: 256 * 1024,
  /** Rows shown on the checklist and result cards; the rest are in the CSV report. */
  rowsOnCard: 15,
  /**
   * A check of more rows than this answers at once with a "Checking…" card and updates it when done: Teams gives
   * an invoke 5–15 seconds, and a few hundred rows' pre-flight takes longer.
   */
  checkInlineRows: 50,
  /** Row creations running at once (Partner Center throttles per partner and customer: keep it small). */
  concurrency: 4,
} as const;

/**
 * The CSV's columns, as the header line names them (case and spaces do not matter). The first four are
 * required; the rest may be left out as columns or left empty per row. Licences and groups are names separated
 * by ";" (licence product name or SKU part number; group display name); the manager is a user name (UPN).
 * `firstCredential`: `password` (or empty) or `tap` — a one-time Temporary Access Pass of the tenant policy's
 * default lifetime, made after the user exists, delivered in place of the password.
 */
export const BULK_COLUMNS = [
  'firstName',
  'lastName',
  'userName',
  'domain',
  'displayName',
  'usageLocation',
  'template',
  'licences',
  'groups',
  'manager',
  'jobTitle',
  'department',
  'officeLocation',
  'companyName',
  'employeeId',
  'mobilePhone',
  'ticket',
  'firstCredential',
] as const;
export type BulkColumn = (typeof BULK_COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly BulkColumn[] = ['firstName', 'lastName', 'userName', 'domain'];

/** The header-only CSV people download to start from. */
export const BULK_TEMPLATE_CSV = `${BULK_COLUMNS.join(',')}\r\n`;
