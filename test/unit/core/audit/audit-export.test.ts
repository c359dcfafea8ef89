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
});
