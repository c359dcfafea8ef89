import fc from 'fast-check';
import { parseNewUserForm } from '../../../../src/core/new-user';

const valid = {
  customerId: '22222222-0000-4000-8000-000000000001',
  firstName: ' Grace ',
  lastName: 'Hopper',
  displayName: '',
  userName: 'grace.hopper',
  domain: 'Fabrikam.Example',
  usageLocation: 'us',
  immutableId: '',
  passwordMode: 'generate',
  password: '',
  forceChangePassword: 'true',
  ticket: 'INC-1',
  verb: 'submitForm',
  requestId: '',
};

const KNOWN_FIELDS = ['customerId', 'firstName', 'lastName', 'displayName', 'userName', 'domain', 'usageLocation', 'immutableId', 'password', 'ticket'];

describe('parseNewUserForm', () => {
  it('parses a valid form, defaults the display name, generates a password, ignores extra keys', () => {
    const r = parseNewUserForm(valid, { ticketRequired: false, generatePassword: () => 'Generated-Pass-1' });
    expect(r).toEqual({
      ok: true,
      value: expect.objectContaining({
        firstName: 'Grace',
        displayName: 'Grace Hopper',
        userPrincipalName: 'grace.hopper@fabrikam.example',
        usageLocation: 'US',
        password: 'Generated-Pass-1',
        passwordGenerated: true,
        forceChangePassword: true,
        ticket: 'INC-1',
      }),
    });
  });

  it('one issue per bad field, and the values come back without the password', () => {
    const r = parseNewUserForm({ ...valid, lastName: '', userName: 'bad.', usageLocation: 'XX', passwordMode: 'manual', password: 'weakweak' }, { ticketRequired: false });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.field).sort()).toEqual(['lastName', 'password', 'usageLocation', 'userName']);
    expect(JSON.stringify(r.values)).not.toContain('weakweak');
    expect(r.values.firstName).toBe('Grace');
  });

  it('a typed password must be given and meet the policy', () => {
    const missing = parseNewUserForm({ ...valid, passwordMode: 'manual', password: '' }, { ticketRequired: false });
    expect(missing.ok ? [] : missing.issues.map((i) => i.field)).toEqual(['password']);
    const good = parseNewUserForm({ ...valid, passwordMode: 'manual', password: 'Str0ng pass!' }, { ticketRequired: false });
    expect(good.ok && good.value.password).toBe('Str0ng pass!');
  });

  it('the ticket is mandatory only when configured', () => {
    expect(parseNewUserForm({ ...valid, ticket: '' }, { ticketRequired: false }).ok).toBe(true);
    const r = parseNewUserForm({ ...valid, ticket: '' }, { ticketRequired: true });
    expect(r.ok ? [] : r.issues.map((i) => i.field)).toEqual(['ticket']);
  });

  it('force change can be turned off', () => {
    const r = parseNewUserForm({ ...valid, forceChangePassword: 'false' }, { ticketRequired: false });
    expect(r.ok && r.value.forceChangePassword).toBe(false);
  });

  it('property: never throws, and issues name only known fields', () => {
    fc.assert(
      fc.property(fc.anything(), (raw) => {
        const r = parseNewUserForm(raw, { ticketRequired: false });
        return r.ok || r.issues.every((i) => KNOWN_FIELDS.includes(i.field) && i.message.length > 0);
      }),
    );
  });

  it('property: arbitrary field values never throw either', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KNOWN_FIELDS, 'passwordMode', 'forceChangePassword'), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null))), (raw) => {
        const r = parseNewUserForm({ ...valid, ...raw }, { ticketRequired: true });
        return r.ok || r.issues.every((i) => KNOWN_FIELDS.includes(i.field));
      }),
    );
  });
});
