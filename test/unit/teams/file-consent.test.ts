import { fileConsentSchema, uploadUrlAllowed } from '../../../src/teams/file-consent';

describe('uploadUrlAllowed: a file goes to OneDrive (SharePoint Online) only', () => {
  const production = { allowLoopback: false };
  const sandbox = { allowLoopback: true };

  it.each([
    'https://contoso-my.sharepoint.com/personal/ada_contoso_com/_api/v2.0/drive/items/01ABC/uploadSession?guid=x&tempauth=y',
    'https://contoso-my.sharepoint.us/personal/ada/_api/v2.0/uploadSession',
    'https://contoso-my.sharepoint-mil.us/x',
    'https://contoso-my.sharepoint.cn/x',
  ])('accepts %s', (url) => expect(uploadUrlAllowed(url, production)).toBe(true));

  it.each([
    ['plain http', 'http://contoso-my.sharepoint.com/x'],
    ['a look-alike suffix', 'https://contoso-my.sharepoint.com.attacker.example/x'],
    ['a look-alike name', 'https://evilsharepoint.com/x'],
    ['a nested name (not a tenant host)', 'https://a.b.sharepoint.com/x'],
    ['credentials in the URL', 'https://user:pw@contoso-my.sharepoint.com/x'],
    ['the metadata endpoint', 'http://169.254.169.254/metadata/instance'],
    ['loopback in production', 'http://127.0.0.1:8080/_onedrive/upload/s1'],
    ['not a URL', 'sharepoint.com'],
  ])('refuses %s', (_what, url) => expect(uploadUrlAllowed(url, production)).toBe(false));

  it('loopback only when the policy allows it (sandbox, tests), and only over http on loopback names', () => {
    expect(uploadUrlAllowed('http://127.0.0.1:8080/_onedrive/upload/s1', sandbox)).toBe(true);
    expect(uploadUrlAllowed('http://localhost:8080/x', sandbox)).toBe(true);
    expect(uploadUrlAllowed('http://10.0.0.5:8080/x', sandbox)).toBe(false);
    expect(uploadUrlAllowed('file:///etc/passwd', sandbox)).toBe(false);
  });
});

describe('fileConsentSchema', () => {
  it('takes what Teams sends on accept and decline, and nothing without an offer id', () => {
    const accept = {
      type: 'fileUpload',
      action: 'accept',
      context: { offerId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' },
      uploadInfo: { contentUrl: 'https://c-my.sharepoint.com/f.csv', name: 'f.csv', uploadUrl: 'https://c-my.sharepoint.com/u', uniqueId: '1150D938', fileType: 'csv', etag: '123' },
    };
    expect(fileConsentSchema.safeParse(accept).success).toBe(true);
    expect(fileConsentSchema.safeParse({ type: 'fileUpload', action: 'decline', context: accept.context }).success).toBe(true);
    expect(fileConsentSchema.safeParse({ ...accept, context: {} }).success).toBe(false);
    expect(fileConsentSchema.safeParse({ ...accept, action: 'maybe' }).success).toBe(false);
    expect(fileConsentSchema.safeParse(undefined).success).toBe(false);
  });
});
