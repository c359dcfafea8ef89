import fc from 'fast-check';
import { NEW_USER_FIELDS, checkPassword, newUserFormSchema, parseNewUserForm } from '../../../../src/core/new-user';
import { validDomain, validUserName } from './arbitraries';

const valid = {
  customerId: '22222222-0000-4000-8000-00000000000A',
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
  // Cards add their own keys; the parser ignores them.
  verb: 'submitForm',
  requestId: 'r-1',
};
const open = { ticketRequired: false };
const fieldsOf = (r: ReturnType<typeof parseNewUserForm>) => (r.ok ? [] : r.issues.map((i) => i.field));

describe('parseNewUserForm', () => {
  it('parses a valid form: trims, normalises case, defaults the display name, generates a password', () => {
    const r = parseNewUserForm(valid, { ticketRequired: false, generatePassword: () => 'Generated-Pass-1' });
    expect(r).toEqual({
      ok: true,
      value: {
        customerId: '22222222-0000-4000-8000-00000000000a',
        firstName: 'Grace',
        lastName: 'Hopper',
        displayName: 'Grace Hopper',
        userPrincipalName: 'grace.hopper@fabrikam.example',
        userName: 'grace.hopper',
        domain: 'fabrikam.example',
        usageLocation: 'US',
        immutableId: undefined,
        password: 'Generated-Pass-1',
        passwordGenerated: true,
        forceChangePassword: true,
        ticket: 'INC-1',
        firstCredential: { kind: 'password' },
      },
    });
  });

  it('an optional start date (UTC by default, 08:00 unless a time is given) must lie ahead', () => {
    const now = new Date('2026-11-30T07:00:00Z');
    const r = parseNewUserForm({ ...valid, startDate: '2026-12-01', startTime: '09:15' }, { ...open, now, timeZone: 'Europe/Berlin' });
    expect(r.ok && r.value.startAt?.toISOString()).toBe('2026-12-01T08:15:00.000Z');
    expect(fieldsOf(parseNewUserForm({ ...valid, startDate: '2026-11-01' }, { ...open, now }))).toEqual(['startDate']);
    const none = parseNewUserForm(valid, { ...open, now });
    expect(none.ok && none.value.startAt).toBeUndefined();
  });

  it('the zone: the form\'s choice wins over the template\'s default; an unknown zone is refused; the draft keeps the zone', () => {
    const now = new Date('2026-11-30T07:00:00Z');
    const chosen = parseNewUserForm({ ...valid, startDate: '2026-12-07', startTimeZone: 'America/New_York' }, { ...open, now, timeZone: 'Europe/Berlin' });
    expect(chosen.ok && [chosen.value.startAt?.toISOString(), chosen.value.startTimeZone]).toEqual(['2026-12-07T13:00:00.000Z', 'America/New_York']);
    const byTemplate = parseNewUserForm({ ...valid, startDate: '2026-12-07' }, { ...open, now, timeZone: 'Europe/Berlin' });
    expect(byTemplate.ok && [byTemplate.value.startAt?.toISOString(), byTemplate.value.startTimeZone]).toEqual(['2026-12-07T07:00:00.000Z', 'Europe/Berlin']);
    expect(fieldsOf(parseNewUserForm({ ...valid, startDate: '2026-12-07', startTimeZone: 'Mars/Olympus_Mons' }, { ...open, now }))).toEqual(['startTimeZone']);
  });

  it('a first day with a typed password is refused with START_PASSWORD_TYPED (no typed password waits for days); a clock-skipped time with START_TIME_SKIPPED', () => {
    const now = new Date('2026-11-30T07:00:00Z');
    const typed = parseNewUserForm({ ...valid, passwordMode: 'manual', password: 'Str0ng!Passw0rd', startDate: '2026-12-07' }, { ...open, now });
    expect(!typed.ok && typed.issues.map((i) => [i.field, i.code])).toEqual([['passwordMode', 'START_PASSWORD_TYPED']]);
    expect(JSON.stringify(typed)).not.toContain('Str0ng!Passw0rd');
    // 2027-03-28 02:30 does not happen in Berlin (02:00 → 03:00).
    const skipped = parseNewUserForm({ ...valid, startDate: '2027-03-28', startTime: '02:30', startTimeZone: 'Europe/Berlin' }, { ...open, now });
    expect(!skipped.ok && skipped.issues.map((i) => [i.field, i.code])).toEqual([['startDate', 'START_TIME_SKIPPED']]);
  });

  it('a Temporary Access Pass as the first credential: one-time by default, a lifetime from the offered ones, the password generated and a typed one ignored', () => {
    const r = parseNewUserForm({ ...valid, firstCredential: 'tap', passwordMode: 'manual', password: 'weakweak' }, { ticketRequired: false, generatePassword: () => 'Generated-Pass-1' });
    expect(r.ok && [r.value.firstCredential, r.value.password, r.value.passwordGenerated]).toEqual([{ kind: 'tap', isUsableOnce: true }, 'Generated-Pass-1', true]);
    const multi = parseNewUserForm({ ...valid, firstCredential: 'tap', tapUsage: 'multi', tapLifetime: '1440' }, open);
    expect(multi.ok && multi.value.firstCredential).toEqual({ kind: 'tap', isUsableOnce: false, lifetimeInMinutes: 1440 });
    expect(fieldsOf(parseNewUserForm({ ...valid, firstCredential: 'tap', tapLifetime: '7' }, open))).toEqual(['tapLifetime']);
    expect(fieldsOf(parseNewUserForm({ ...valid, firstCredential: 'sms' }, open))).toEqual(['firstCredential']);
  });

  it('generates a policy-compliant password by default', () => {
    const r = parseNewUserForm(valid, open);
    expect(r.ok && checkPassword(r.value.password)).toEqual([]);
  });

  it('keeps a typed display name and immutable id', () => {
    const r = parseNewUserForm({ ...valid, displayName: ' Admiral Hopper ', immutableId: ' AbC123+/AbC123+/AbC12== ' }, open);
    expect(r.ok && [r.value.displayName, r.value.immutableId]).toEqual(['Admiral Hopper', 'AbC123+/AbC123+/AbC12==']);
  });

  it('one issue per bad field, keyed by the card input id', () => {
    const r = parseNewUserForm({ ...valid, customerId: 'nope', lastName: '', userName: 'bad.', usageLocation: 'XX', passwordMode: 'manual', password: 'weakweak', immutableId: 'a$b', ticket: 'x'.repeat(65) }, open);
    expect(fieldsOf(r).sort()).toEqual(['customerId', 'immutableId', 'lastName', 'password', 'ticket', 'usageLocation', 'userName']);
  });

  it('pins the message for a dot right before the @', () => {
    const r = parseNewUserForm({ ...valid, userName: 'grace.' }, open);
    expect(r.ok ? [] : r.issues).toEqual([{ field: 'userName', message: "The user name can't end with a dot." }]);
  });

  it('echoes what the person typed, minus the password, so the form can be shown again', () => {
    const r = parseNewUserForm({ ...valid, lastName: '', passwordMode: 'manual', password: 'weakweak' }, open);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.values).toEqual({
      customerId: valid.customerId,
      firstName: ' Grace ',
      lastName: '',
      displayName: '',
      userName: 'grace.hopper',
      domain: 'Fabrikam.Example',
      usageLocation: 'us',
      immutableId: '',
      passwordMode: 'manual',
      forceChangePassword: 'true',
      ticket: 'INC-1',
      firstCredential: '',
      tapLifetime: '',
      tapUsage: '',
      startDate: '',
      startTime: '',
      startTimeZone: '',
    });
    expect(JSON.stringify(r)).not.toContain('weakweak');
  });

  it('a typed password must be given, meets the policy, and is kept exactly as typed', () => {
    expect(fieldsOf(parseNewUserForm({ ...valid, passwordMode: 'manual', password: '' }, open))).toEqual(['password']);
    expect(fieldsOf(parseNewUserForm({ ...valid, passwordMode: 'manual', password: 'Pässword1' }, open))).toEqual(['password']);
    const good = parseNewUserForm({ ...valid, passwordMode: 'manual', password: ' Str0ng pass! ' }, open);
    expect(good.ok && [good.value.password, good.value.passwordGenerated]).toEqual([' Str0ng pass! ', false]);
  });

  it('a password sent with "generate" is ignored', () => {
    const r = parseNewUserForm({ ...valid, password: 'x' }, { ticketRequired: false, generatePassword: () => 'Gen-Pass-12345' });
    expect(r.ok && r.value.password).toBe('Gen-Pass-12345');
  });

  it('password mode: missing means generate, anything else than generate/manual is an issue', () => {
    const { passwordMode: _omit, ...withoutMode } = valid;
    expect(parseNewUserForm(withoutMode, open).ok).toBe(true);
    expect(fieldsOf(parseNewUserForm({ ...valid, passwordMode: 'auto' }, open))).toEqual(['passwordMode']);
  });

  it('force change: missing means true, "false" turns it off, anything else is an issue', () => {
    const { forceChangePassword: _omit, ...withoutForce } = valid;
    const byDefault = parseNewUserForm(withoutForce, open);
    expect(byDefault.ok && byDefault.value.forceChangePassword).toBe(true);
    const off = parseNewUserForm({ ...valid, forceChangePassword: 'false' }, open);
    expect(off.ok && off.value.forceChangePassword).toBe(false);
    const asBoolean = parseNewUserForm({ ...valid, forceChangePassword: false }, open);
    expect(asBoolean.ok && asBoolean.value.forceChangePassword).toBe(false);
    expect(fieldsOf(parseNewUserForm({ ...valid, forceChangePassword: 'yes' }, open))).toEqual(['forceChangePassword']);
  });

  it('the ticket is mandatory only when configured', () => {
    const noTicket = parseNewUserForm({ ...valid, ticket: '  ' }, open);
    expect(noTicket.ok && noTicket.value.ticket).toBeUndefined();
    expect(fieldsOf(parseNewUserForm({ ...valid, ticket: '' }, { ticketRequired: true }))).toEqual(['ticket']);
    expect(fieldsOf(parseNewUserForm({ ...valid, ticket: 'INC\u00071' }, open))).toEqual(['ticket']);
  });

  it('a bad first name is reported once, not again on the default display name', () => {
    expect(fieldsOf(parseNewUserForm({ ...valid, firstName: 'Gr\nace' }, open))).toEqual(['firstName']);
  });

  it('refuses look-alikes that case folding would turn into valid values', () => {
    expect(fieldsOf(parseNewUserForm({ ...valid, usageLocation: 'ß' }, open))).toEqual(['usageLocation']);
    expect(fieldsOf(parseNewUserForm({ ...valid, domain: '\u212aontoso.com' }, open))).toEqual(['domain']);
  });

  it('non-objects and non-string values become issues, not exceptions', () => {
    for (const raw of [null, undefined, 'text', 42, [], [valid]]) {
      const r = parseNewUserForm(raw, open);
      expect(r.ok).toBe(false);
      expect(fieldsOf(r)).toEqual(expect.arrayContaining(['customerId', 'firstName', 'lastName', 'userName', 'domain', 'usageLocation']));
    }
    expect(fieldsOf(parseNewUserForm({ ...valid, firstName: { a: 1 } }, open))).toEqual(['firstName']);
  });

  it('the schema keeps only the card inputs', () => {
    expect(Object.keys(newUserFormSchema.parse(valid)).sort()).toEqual([...NEW_USER_FIELDS].sort());
  });

  it('property: never throws for anything, and issues name known fields, once each, in plain words', () => {
    fc.assert(
      fc.property(fc.anything(), fc.boolean(), (raw, ticketRequired) => {
        const r = parseNewUserForm(raw, { ticketRequired });
        if (r.ok) return true;
        const fields = r.issues.map((i) => i.field);
        return (
          r.issues.length > 0 &&
          fields.every((f) => (NEW_USER_FIELDS as readonly string[]).includes(f)) &&
          new Set(fields).size === fields.length &&
          r.issues.every((i) => i.message.length > 0) &&
          !('password' in r.values)
        );
      }),
      { numRuns: 500 },
    );
  });

  it('property: arbitrary field values never throw, and a typed password never shows up in the result', () => {
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.integer(), fc.boolean(), fc.constant(null), fc.object());
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...NEW_USER_FIELDS), value), fc.string({ unit: 'binary', minLength: 8, maxLength: 40 }), (fields, password) => {
        const r = parseNewUserForm({ ...valid, ...fields, passwordMode: 'manual', password }, { ticketRequired: true });
        if (r.ok) return r.value.password === password;
        return r.issues.every((i) => (NEW_USER_FIELDS as readonly string[]).includes(i.field) && !i.message.includes(password)) && !JSON.stringify(r.values).includes(password);
      }),
      { numRuns: 500 },
    );
  });

  it('property: forms built from valid parts parse, and the UPN is the parts joined', () => {
    fc.assert(
      fc.property(validUserName, validDomain, fc.constantFrom('US', 'gb', 'De'), (userName, domain, usageLocation) => {
        const r = parseNewUserForm({ ...valid, userName, domain, usageLocation }, open);
        return r.ok && r.value.userPrincipalName === `${userName}@${domain.toLowerCase()}` && r.value.usageLocation === usageLocation.toUpperCase();
      }),
    );
  });
});
