import { auditCsv } from '../../../../src/core/audit/audit-export';
import type { UserRequest } from '../../../../src/core/approval/user-request';

const base: UserRequest = {
  id: 'r1',
  mode: 'approval',
  createdAt: '2026-11-28T10:00:00.000Z',
  updatedAt: '2026-11-28T10:05:00.000Z',
  requester: { oid: 'ben', name: 'Ben Okafor' },
  customer: { id: 'c1', companyName: 'Fabrikam, Inc.' },
  user: { firstName: 'A', lastName: 'B', displayName: '=cmd|calc', userName: 'ab', domain: 'f.example', userPrincipalName: 'ab@f.example', usageLocation: 'US', forceChangePassword: true, passwordGenerated: true },
  ticket: 'INC-1',
  msRequestId: 'm1',
  correlationId: 'corr-1',
  state: { kind: 'rejected', by: { oid: 'ada', name: 'Ada Lovelace' }, at: '2026-11-28T10:05:00.000Z', reason: 'dup "INC-0"' },
  history: [
    { at: '2026-11-28T10:00:00.000Z', event: 'submitted-for-approval', actor: { oid: 'ben', name: 'Ben Okafor' } },
    { at: '2026-11-28T10:05:00.000Z', event: 'rejected', actor: { oid: 'ada', name: 'Ada Lovelace' }, detail: 'dup "INC-0"' },
  ],
};

describe('auditCsv', () => {
  it('one header and one row per request, quoted where needed, history folded in', () => {
    const lines = auditCsv([base]).split('\r\n');
    expect(lines[0].split(',')[0]).toBe('request_id');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"Fabrikam, Inc."');
    expect(lines[1]).toContain('Ada Lovelace');
    expect(lines[1]).toContain('rejected by Ada Lovelace (dup ""INC-0"")');
  });

  it('neutralises spreadsheet formulas', () => {
    expect(auditCsv([base])).toContain(",'=cmd|calc,");
  });

  it('neutralises a formula after a ";" too: a semicolon-locale spreadsheet splits every line there, quoted or not', () => {
    const hostile: UserRequest = {
      ...base,
      customer: { id: 'c1', companyName: 'Fabrikam; +SUM(1)' },
      user: { ...base.user, displayName: 'Kath;=HYPERLINK("https://evil.example";"open")' },
      ticket: 'INC;@SUM(1)',
      state: { kind: 'rejected', by: { oid: 'ada', name: 'Ada' }, at: base.updatedAt, reason: 'dup; "-2+3' },
    };
    const csv = auditCsv([hostile]);
    // Read as Excel does with ";" as its list separator: no cell may start (after spaces and quotes) with a trigger.
    const cells = csv.split('\r\n').flatMap((line) => line.split(';'));
    expect(cells.filter((c) => /^[\s"]*[=+\-@]/.test(c))).toEqual([]);
    // Still all there to read, with only the apostrophe added.
    expect(csv).toContain("Kath;'=HYPERLINK");
    expect(csv).toContain("INC;'@SUM(1)");
  });
});
