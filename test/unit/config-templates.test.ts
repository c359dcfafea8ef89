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
