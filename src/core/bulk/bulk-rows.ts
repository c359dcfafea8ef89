import { AppError } from '../errors';
import { BULK_COLUMNS, BULK_LIMITS, REQUIRED_COLUMNS, type BulkColumn } from './bulk-limits';
import { parseCsv } from './csv';

export interface CsvRow {
  line: number;
  values: Partial<Record<BulkColumn, string>>;
}

/** `firstName`, `First Name`, `first_name`, `FIRSTNAME` all name the same column. */
const norm = (h: string) => h.replace(/[\s_-]/g, '').toLowerCase();
const BY_NAME = new Map<string, BulkColumn>(BULK_COLUMNS.map((c) => [norm(c), c]));
// British and American spellings of the one column people type by hand.
BY_NAME.set('licenses', 'licences');

/**
 * The CSV text of a batch, read as rows by column. The whole batch is refused (one AppError) when it is over the
 * size or row limit, not CSV, or its header lacks a required column or names one this bot does not know (an
 * ignored "password" column would be worse than a refusal). A row with more fields than the header is refused too.
 */
export function readBulkCsv(text: string): CsvRow[] {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > BULK_LIMITS.maxBytes) throw new AppError('BULK_TOO_LARGE', `the CSV is ${bytes} bytes; the limit is ${BULK_LIMITS.maxBytes}`);
  const records = parseCsv(text);
  if (records.length === 0) throw new AppError('BULK_CSV_COLUMNS', 'the CSV is empty');
  const [header, ...rows] = records;
  const columns = header.fields.map((h) => BY_NAME.get(norm(h)));
  const unknown = header.fields.filter((h, i) => !columns[i] && h.trim() !== '');
  const missing = REQUIRED_COLUMNS.filter((c) => !columns.includes(c));
  const twice = columns.filter((c, i) => c && columns.indexOf(c) !== i);
  if (unknown.length || missing.length || twice.length) {
    const parts = [missing.length && `missing: ${missing.join(', ')}`, unknown.length && `unknown: ${unknown.slice(0, 5).join(', ')}`, twice.length && `twice: ${twice.join(', ')}`].filter(Boolean);
    throw new AppError('BULK_CSV_COLUMNS', `the header does not match the template (${parts.join('; ')})`);
  }
  if (rows.length > BULK_LIMITS.maxRows) throw new AppError('BULK_TOO_MANY_ROWS', `the CSV has ${rows.length} rows; the limit is ${BULK_LIMITS.maxRows}`);
  if (rows.length === 0) throw new AppError('BULK_NOTHING_TO_CREATE', 'the CSV has a header and no rows');
  return rows.map((r) => {
    if (r.fields.length > columns.length && r.fields.slice(columns.length).some((f) => f.trim() !== '')) {
      throw new AppError('BULK_CSV_MALFORMED', `line ${r.line}: more fields than the header has columns`);
    }
    const values: Partial<Record<BulkColumn, string>> = {};
    columns.forEach((c, i) => {
      if (c) values[c] = (r.fields[i] ?? '').trim();
    });
    return { line: r.line, values };
  });
}

/** A multi-value cell ("E3; Visio") as its names, without blanks or repeats (case-insensitive). */
export function namesIn(cell: string | undefined): string[] {
  const seen = new Set<string>();
  return (cell ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s && !seen.has(s.toLowerCase()) && seen.add(s.toLowerCase()));
}
