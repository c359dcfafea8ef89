/**
 * The Fabrikam batch of the "done when": 25 users, two of them bad (a user name with a space, a group that
 * does not exist). Each takes Business Standard (47 free seats in the sandbox); 20 join All Staff and Sales Team,
 * 3 join Engineering.
 */
export const BAD_LINES = { badUserName: 8, unknownGroup: 17 };

export function fabrikamBatchCsv(prefix: string): { csv: string; good: Array<{ upn: string; licence: string; groups: string[] }> } {
  const lines = ['firstName,lastName,userName,domain,usageLocation,licences,groups,jobTitle'];
  const good: Array<{ upn: string; licence: string; groups: string[] }> = [];
  for (let i = 1; i <= 25; i++) {
    const line = i + 1;
    const n = String(i).padStart(2, '0');
    if (line === BAD_LINES.badUserName) {
      lines.push(`Bad,Name${n},${prefix} bad ${n},fabrikam.example,US,Microsoft 365 Business Standard,All Staff,Clerk`);
      continue;
    }
    if (line === BAD_LINES.unknownGroup) {
      lines.push(`Lost,Group${n},${prefix}.lost${n},fabrikam.example,US,Microsoft 365 Business Standard,No Such Group,Clerk`);
      continue;
    }
    const licence = 'Microsoft 365 Business Standard';
    const groups = good.length >= 20 ? ['Engineering'] : ['All Staff', 'Sales Team'];
    const userName = `${prefix}.user${n}`;
    // A quoted field with a comma, to go through the CSV quoting too.
    lines.push(`Ann${n},"Lee, Jr",${userName},fabrikam.example,US,${licence},${groups.join(';')},"Sales, EMEA"`);
    good.push({ upn: `${userName}@fabrikam.example`, licence, groups });
  }
  return { csv: lines.join('\r\n') + '\r\n', good };
}
