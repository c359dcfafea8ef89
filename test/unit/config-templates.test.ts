import { ConfigError, loadConfig } from '../../src/config';

describe('TEMPLATE_ADMIN_GROUP_ID', () => {
  it('is unset by default and taken as a GUID when set', () => {
    expect(loadConfig({}).templateAdminGroupId).toBeUndefined();
    expect(loadConfig({ TEMPLATE_ADMIN_GROUP_ID: '  ' }).templateAdminGroupId).toBeUndefined();
    expect(loadConfig({ TEMPLATE_ADMIN_GROUP_ID: '44444444-0000-4000-8000-000000000005' }).templateAdminGroupId).toBe('44444444-0000-4000-8000-000000000005');
  });

  it('a value that is not a GUID stops the start, naming the variable', () => {
    expect(() => loadConfig({ TEMPLATE_ADMIN_GROUP_ID: 'helpdesk-leads' })).toThrow(ConfigError);
    expect(() => loadConfig({ TEMPLATE_ADMIN_GROUP_ID: 'helpdesk-leads' })).toThrow(/TEMPLATE_ADMIN_GROUP_ID/);
  });
});

describe('START_LEAD_MINUTES', () => {
  it('defaults to 60 minutes and takes whole minutes from 0 to 7 days', () => {
    expect(loadConfig({}).startLeadMinutes).toBe(60);
    expect(loadConfig({ START_LEAD_MINUTES: '0' }).startLeadMinutes).toBe(0);
    expect(loadConfig({ START_LEAD_MINUTES: '1440' }).startLeadMinutes).toBe(1440);
  });

  it('a negative, fractional or over-long lead stops the start, naming the variable', () => {
    for (const bad of ['-5', '1.5', '10081', 'an hour']) expect(() => loadConfig({ START_LEAD_MINUTES: bad })).toThrow(/START_LEAD_MINUTES/);
  });
});
