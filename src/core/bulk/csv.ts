import { AppError } from '../errors';

/**
 * A small RFC 4180 reader for the bulk-creation CSV (pasted text or a downloaded attachment): fields separated by
 * commas, records by CRLF or LF, a field in double quotes may hold commas, line breaks and doubled quotes. A UTF-8
 * byte order mark is dropped. Anything else that is not well formed is refused with its line, never guessed at.
 * Written here rather than taken from npm: forty lines, and the errors must be our stable codes.
 */
/** One record of the file and the line it starts on (a quoted field may span lines). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export function parseCsv(text: string): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let recordLine = 1;
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let fieldStartLine = 1;
  let i = 0;
  const endField = () => {
    record.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    // A blank line (one empty field) is skipped: trailing newlines and spacing between pasted blocks are harmless.
    if (!(record.length === 1 && record[0].trim() === '')) records.push({ line: recordLine, fields: record });
    record = [];
  };
  while (i < s.length) {
    const c = s[i];
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        const next = s[i];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          throw new AppError('BULK_CSV_MALFORMED', `line ${line}: text after a closing quote (a quote inside a field must be doubled)`);
        }
        continue;
      }
      if (c === '\n') line++;
      field += c;
      i++;
      continue;
    }
    if (c === '"') {
      if (field.trim() !== '') throw new AppError('BULK_CSV_MALFORMED', `line ${line}: a quote in the middle of an unquoted field`);
      field = '';
      quoted = true;
      fieldStartLine = line;
      i++;
    } else if (c === ',') {
      endField();
      i++;
    } else if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += c;
      i++;
    }
  }
  if (quoted) throw new AppError('BULK_CSV_MALFORMED', `line ${fieldStartLine}: a quoted field is never closed`);
  if (field !== '' || record.length > 0) endRecord();
  return records;
}

/**
 * Bytes of an attached file as text: UTF-8 only (with or without a byte order mark). UTF-16 (what Excel's
 * "Unicode text" writes) and bytes that are not valid UTF-8 (a Windows-1252 export with accents) are refused with
 * BULK_CSV_ENCODING, rather than read as mojibake names.
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new AppError('BULK_CSV_ENCODING', 'the file is UTF-16; save it as "CSV UTF-8"');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new AppError('BULK_CSV_ENCODING', 'the file is not UTF-8; save it as "CSV UTF-8"');
  }
}
