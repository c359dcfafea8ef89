/** An unsigned JWT with these claims (the code under test decodes, never verifies). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'k1' })}.${part(claims)}.${Buffer.from('signature').toString('base64url')}`;
}
