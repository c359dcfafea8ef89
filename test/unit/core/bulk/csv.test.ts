import { decodeCsvBytes, parseCsv } from '../../../../src/core/bulk/csv';
import { namesIn, readBulkCsv } from '../../../../src/core/bulk/bulk-rows';
import { BULK_LIMITS, BULK_TEMPLATE_CSV } from '../../../../src/core/bulk/bulk-limits';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    return (e as { code?: string }).code;
  }
};

describe('parseCsv (RFC 4180)', () => {
  it('reads commas, doubled quotes and line breaks inside quotes, CRLF and LF, and drops a UTF-8 BOM', () => {
    const records = parseCsv('\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\nlast,,\n');
    expect(records.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['last', '', ''],
    ]);
    // Lines are where each record starts (a quoted field spanning a line break moves the next one on).
    expect(records.map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('skips blank lines and reads a last line without a newline', () => {
    expect(parseCsv('a,b\r\n\r\n1,2').map((r) => r.fields)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('refuses a quote that is never closed, text after a closing quote, and a quote inside an unquoted field', () => {
    expect(codeOf(() => parseCsv('a,b\n"open,2\n'))).toBe('BULK_CSV_MALFORMED');
    expect(codeOf(() => parseCsv('a,b\n"x"y,2\n'))).toBe('BULK_CSV_MALFORMED');
    expect(codeOf(() => parseCsv('a,b\nx"y,2\n'))).toBe('BULK_CSV_MALFORMED');
  });
});

describe('decodeCsvBytes: UTF-8 only', () => {
  it('reads UTF-8 with or without a BOM', () => {
    expect(decodeCsvBytes(new TextEncoder().encode('Zoë,Ångström'))).toBe('Zoë,Ångström');
    expect(parseCsv(decodeCsvBytes(Uint8Array.from([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a,b')])))[0].fields).toEqual(['a', 'b']);
  });

  it('refuses UTF-16 and Windows-1252 with BULK_CSV_ENCODING', () => {
    expect(codeOf(() => decodeCsvBytes(Uint8Array.from([0xff, 0xfe, 0x61, 0x00])))).toBe('BULK_CSV_ENCODING');
    // "Zoë" in Windows-1252: 0xEB alone is not UTF-8.
    expect(codeOf(() => decodeCsvBytes(Uint8Array.from([0x5a, 0x6f, 0xeb])))).toBe('BULK_CSV_ENCODING');
  });
});

describe('readBulkCsv: columns and limits', () => {
  const header = 'firstName,lastName,userName,domain';

  it('maps header names loosely (case, spaces, underscores; "licenses") and keeps values by column', () => {
    const rows = readBulkCsv('First Name,LAST_NAME,user-name,Domain,Licenses\r\nAda,Lee,ada.lee,fabrikam.example,E3; Visio\r\n');
    expect(rows).toEqual([{ line: 2, values: { firstName: 'Ada', lastName: 'Lee', userName: 'ada.lee', domain: 'fabrikam.example', licences: 'E3; Visio' } }]);
    expect(namesIn(rows[0].values.licences)).toEqual(['E3', 'Visio']);
    expect(namesIn('A; a ;;B')).toEqual(['A', 'B']);
  });

  it('the downloadable template is a header the reader accepts', () => {
    expect(codeOf(() => readBulkCsv(BULK_TEMPLATE_CSV))).toBe('BULK_NOTHING_TO_CREATE');
  });

  it('refuses a missing required column, an unknown column (a "password" column is not ignored) and a column twice', () => {
    expect(codeOf(() => readBulkCsv('firstName,lastName,userName\nA,B,c\n'))).toBe('BULK_CSV_COLUMNS');
    expect(codeOf(() => readBulkCsv(`${header},password\nA,B,c,d.example,Secret1!\n`))).toBe('BULK_CSV_COLUMNS');
    expect(codeOf(() => readBulkCsv(`${header},domain\nA,B,c,d.example,e.example\n`))).toBe('BULK_CSV_COLUMNS');
    expect(codeOf(() => readBulkCsv(''))).toBe('BULK_CSV_COLUMNS');
  });

  it('refuses a row with more fields than the header', () => {
    expect(codeOf(() => readBulkCsv(`${header}\nA,B,c,d.example,extra\n`))).toBe('BULK_CSV_MALFORMED');
  });

  it(`takes ${BULK_LIMITS.maxRows} rows and refuses one more; refuses more than ${BULK_LIMITS.maxBytes} bytes`, () => {
    const row = (i: number) => `A,B,u${i},d.example`;
    const rows = (n: number) => [header, ...Array.from({ length: n }, (_, i) => row(i))].join('\n');
    expect(readBulkCsv(rows(BULK_LIMITS.maxRows))).toHaveLength(BULK_LIMITS.maxRows);
    expect(codeOf(() => readBulkCsv(rows(BULK_LIMITS.maxRows + 1)))).toBe('BULK_TOO_MANY_ROWS');
    const big = `${header}\n${'A,B,u,d.example,'.padEnd(BULK_LIMITS.maxBytes, 'x')}`;
    expect(codeOf(() => readBulkCsv(big))).toBe('BULK_TOO_LARGE');
  });
});
