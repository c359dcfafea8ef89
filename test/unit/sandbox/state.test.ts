import { loadSeed } from '../../../src/sandbox/seed';
import { redact, SandboxState } from '../../../src/sandbox/state';

describe('redact', () => {
  it('replaces every secret, at any depth, and leaves the rest', () => {
    const body = {
      userPrincipalName: 'x@y.example',
      passwordProfile: { password: 'S3cret!x', forceChangePassword: true },
      list: [{ Password: 'a' }, { token: 'b' }],
      client_secret: 'c',
      assertion: 'd',
      access_token: 'e',
      refresh_token: 'f',
      id_token: 'g',
      client_assertion: 'h',
    };
    const text = JSON.stringify(redact(body));
    for (const secret of ['S3cret!x', '"a"', '"b"', '"c"', '"d"', '"e"', '"f"', '"g"', '"h"']) expect(text).not.toContain(secret);
    expect(redact(body)).toEqual(expect.objectContaining({ userPrincipalName: 'x@y.example', passwordProfile: { password: '<redacted>', forceChangePassword: true } }));
    expect(redact('plain')).toBe('plain');
    expect(redact(undefined)).toBeUndefined();
  });
});

describe('SandboxState', () => {
  it('snapshots the world without any password field', () => {
    const state = new SandboxState(loadSeed());
    const snapshot = JSON.stringify(state.snapshot());
    expect(snapshot).not.toMatch(/password/i);
  });

  it('reset gives back the seeded world', () => {
    const state = new SandboxState(loadSeed());
    const fabrikam = state.customer('22222222-0000-4000-8000-000000000001')!;
    const before = fabrikam.users.length;
    fabrikam.users.length = 0;
    state.reset();
    expect(state.customer('22222222-0000-4000-8000-000000000001')!.users).toHaveLength(before);
    expect(state.customer('22222222-0000-4000-8000-000000000001'.toUpperCase())).toBeDefined();
  });
});
