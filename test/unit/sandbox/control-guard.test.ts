import { controlAllowed, isLoopback } from '../../../src/sandbox/control-routes';

describe('the /_sandbox guard', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])('treats %p as loopback', (a) => expect(isLoopback(a)).toBe(true));
  it.each([undefined, '', '10.0.0.5', '192.168.1.10', '::ffff:10.0.0.5', 'fe80::1', '128.0.0.1', '127.0.0.1.evil', '::2'])('refuses %p', (a) => expect(isLoopback(a)).toBe(false));

  it('needs a loopback caller AND a loopback Host header', () => {
    expect(controlAllowed('127.0.0.1', '127.0.0.1:3979')).toBe(true);
    expect(controlAllowed('::1', 'localhost:3979')).toBe(true);
    expect(controlAllowed('::1', '[::1]:3979')).toBe(true);
    expect(controlAllowed('10.1.2.3', '127.0.0.1:3979')).toBe(false);
    expect(controlAllowed('127.0.0.1', 'evil.example')).toBe(false);
    expect(controlAllowed('127.0.0.1', 'localhost.evil.example')).toBe(false);
    expect(controlAllowed('127.0.0.1', undefined)).toBe(false);
  });
});
