import { userPath } from '../../../src/graph/user-key';

/** How a UPN is named in a Graph URL (learn.microsoft.com/graph/api/user-get, "HTTP request" tips). */
describe('userPath', () => {
  it('percent-encodes the UPN as one path segment: # as %23 (raw it would start the fragment), ^ too; \' ! ~ stay', () => {
    expect(userPath("o'brien#x^y~z!@fabrikam.example")).toBe("users/o'brien%23x%5Ey~z!%40fabrikam.example");
  });

  it('never lets %, / or ? end the segment or start the query', () => {
    expect(userPath('a%b/c?d@x.example')).toBe('users/a%25b%2Fc%3Fd%40x.example');
  });

  it("names a UPN beginning with $ as users('…'), the form Graph documents, with ' doubled inside the literal", () => {
    expect(userPath('$adele@contoso.com')).toBe("users('$adele%40contoso.com')");
    expect(userPath("$o'brien#1@contoso.com")).toBe("users('$o''brien%231%40contoso.com')");
  });

  it('a $ later in the name needs no special form, and an object id is left as it is', () => {
    expect(userPath('a$b@contoso.com')).toBe('users/a$b%40contoso.com');
    expect(userPath('87d349ed-44d7-43e1-9a83-5f2406dee5bd')).toBe('users/87d349ed-44d7-43e1-9a83-5f2406dee5bd');
  });
});
