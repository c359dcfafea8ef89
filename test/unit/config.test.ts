import { ConfigError, loadConfig, SANDBOX_AUTHORITY_HOST } from '../../src/config';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing configured: sandbox mode', () => {
    const c = loadConfig({});
    expect(c.sandbox).toBe(true);
    expect(c.port).toBe(3978);
    expect(c.sandboxPort).toBe(3979);
    expect(c.partnerCenterBaseUrl).toBe('http://127.0.0.1:3979');
    expect(c.graphBaseUrl).toBe('http://127.0.0.1:3979');
    expect(c.aad.authorityHost).toBe(SANDBOX_AUTHORITY_HOST);
    expect(c.playground).toBe(true);
    expect(c.passwordRevealMinutes).toBe(10);
  });

  it('SANDBOX_APP_REGISTRATION: multi-tenant by default, single-tenant on request, nothing else', () => {
    expect(loadConfig({}).sandboxAppRegistration).toBe('multi-tenant');
    expect(loadConfig({ SANDBOX_APP_REGISTRATION: 'single-tenant' }).sandboxAppRegistration).toBe('single-tenant');
    expect(problems({ SANDBOX_APP_REGISTRATION: 'AzureADMyOrg' })[0]).toMatch(/^SANDBOX_APP_REGISTRATION: /);
  });

  it('turns the sandbox off when Microsoft credentials are configured, and then requires all of them', () => {
    const p = problems({ AAD_APP_CLIENT_ID: '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11' });
    expect(p.some((x) => x.startsWith('AAD_APP_CLIENT_SECRET'))).toBe(true);
    expect(p.some((x) => x.startsWith('AAD_APP_TENANT_ID'))).toBe(true);
    expect(p.some((x) => x.startsWith('BOT_ID'))).toBe(true);
    expect(p.some((x) => x.startsWith('DATA_ENCRYPTION_KEY'))).toBe(true);
  });

  it('production configuration points at Microsoft endpoints', () => {
    const c = loadConfig({
      AAD_APP_CLIENT_ID: '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11',
      AAD_APP_CLIENT_SECRET: 's',
      AAD_APP_TENANT_ID: '7b0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11',
      BOT_ID: '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11',
      BOT_PASSWORD: 'p',
      DATA_ENCRYPTION_KEY: 'a'.repeat(64),
    });
    expect(c.sandbox).toBe(false);
    expect(c.partnerCenterBaseUrl).toBe('https://api.partnercenter.microsoft.com');
    expect(c.graphBaseUrl).toBe('https://graph.microsoft.com');
    expect(c.aad.authorityHost).toBe('https://login.microsoftonline.com');
    expect(c.bot.tenantId).toBe('7b0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11');
    expect(c.dataEncryptionKey?.length).toBe(32);
    expect(c.playground).toBe(false);
  });

  it('names each bad variable and what it expects', () => {
    const p = problems({ PORT: 'eighty', BOT_ID: 'not-a-guid', DEFAULT_USAGE_LOCATION: 'USA', LOG_LEVEL: 'loud' });
    expect(p.find((x) => x.startsWith('PORT'))).toBeDefined();
    expect(p.find((x) => x.startsWith('BOT_ID'))).toContain('GUID');
    expect(p.find((x) => x.startsWith('DEFAULT_USAGE_LOCATION'))).toContain('country code');
    expect(p.find((x) => x.startsWith('LOG_LEVEL'))).toBeDefined();
  });

  it('refuses an encryption key that is not 32 bytes', () => {
    expect(problems({ DATA_ENCRYPTION_KEY: 'abcd' }).some((x) => x.startsWith('DATA_ENCRYPTION_KEY'))).toBe(true);
  });

  it('parses booleans and lets SANDBOX be forced', () => {
    const c = loadConfig({ SANDBOX: 'true', AAD_APP_CLIENT_ID: '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11', TICKET_REQUIRED: 'yes', PLAYGROUND: 'false' });
    expect(c.sandbox).toBe(true);
    expect(c.ticketRequired).toBe(true);
    expect(c.playground).toBe(false);
    expect(c.aad.clientId).toBe('6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11');
  });

  describe('sandbox mode only when meant (issue 12, point 4)', () => {
    it('a partial production set (BOT_PASSWORD, AAD_APP_TENANT_ID, STORAGE=blob without BOT_ID) is a ConfigError naming what is missing', () => {
      const env = { BOT_PASSWORD: 'p', AAD_APP_TENANT_ID: '7b0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11', STORAGE: 'blob', STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };
      expect(() => loadConfig(env)).toThrow(ConfigError);
      const p = problems(env);
      for (const missing of ['BOT_ID', 'AAD_APP_CLIENT_ID', 'AAD_APP_CLIENT_SECRET', 'DATA_ENCRYPTION_KEY']) expect(p.some((x) => x.startsWith(`${missing}:`))).toBe(true);
      // The variables that are set are not reported as missing, and the message says why production mode applies.
      expect(p.some((x) => x.startsWith('BOT_PASSWORD:') || x.startsWith('AAD_APP_TENANT_ID:'))).toBe(false);
      expect(p.find((x) => x.startsWith('BOT_ID:'))).toContain('BOT_PASSWORD, AAD_APP_TENANT_ID');
    });

    it.each([['BOT_ID', '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11'], ['BOT_PASSWORD', 'p'], ['BOT_TENANT_ID', '7b0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11'], ['AAD_APP_CLIENT_ID', '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11'], ['AAD_APP_CLIENT_SECRET', 's'], ['AAD_APP_TENANT_ID', '7b0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11']])(
      'any single Microsoft variable (%s) turns the sandbox off',
      (name, value) => {
        expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      },
    );

    it('other settings alone (storage, ports, log level) keep the sandbox', () => {
      const c = loadConfig({ STORAGE: 'blob', STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true', PORT: '4000', LOG_LEVEL: 'warn' });
      expect(c.sandbox).toBe(true);
    });

    it('SANDBOX=true keeps the sandbox even with Microsoft variables; SANDBOX=false with none is a ConfigError', () => {
      expect(loadConfig({ SANDBOX: 'true', BOT_PASSWORD: 'p' }).sandbox).toBe(true);
      const p = problems({ SANDBOX: 'false' });
      expect(p.some((x) => x.startsWith('BOT_ID:'))).toBe(true);
    });

    it('the sandbox listens on loopback unless HOST says otherwise; production listens on all interfaces', () => {
      expect(loadConfig({}).host).toBe('127.0.0.1');
      expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
      const prod = loadConfig({
        AAD_APP_CLIENT_ID: '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11',
        AAD_APP_CLIENT_SECRET: 's',
        AAD_APP_TENANT_ID: '7b0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11',
        BOT_ID: '6a0f7a51-6a4b-4a36-9a06-3f3c2d9a1b11',
        BOT_PASSWORD: 'p',
        DATA_ENCRYPTION_KEY: 'a'.repeat(64),
      });
      expect(prod.host).toBe('0.0.0.0');
      expect(prod.bot.openIdMetadataUrl).toBe('https://login.botframework.com/v1/.well-known/openidconfiguration');
    });
  });
});
