import { codeOnly, declarations, freeReferences, moduleParams, objectLiteral, paramDefault, stripComments } from './bicep-text';

// The structural Bicep tests are only as good as this reader: check that it sees what it must see.
const SAMPLE = `
// a comment naming notDeclaredInComment
targetScope = 'resourceGroup'
@description('uses someWordInAString')
param used string
param withDefault int = 3
param nullable string?
@secure()
param secret string
var v = '\${used}-\${missingInInterpolation}'
/* block comment: alsoIgnored */
resource r 'Microsoft.Web/sites@2023-12-01' = {
  name: v
  properties: {
    serverFarmId: plan.id
    siteConfig: { alwaysOn: withDefault > 1 ? nullable : secret }
  }
}
module m 'modules/x.bicep' = {
  name: 'm'
  params: {
    a: used
    b: r.properties.defaultHostName
  }
}
func f(x string) string => '\${x}!'
output o string = f(r.name)
`;

describe('bicep-text (the test helper that stands in for a Bicep compiler)', () => {
  it('finds declarations and which params are optional', () => {
    expect(declarations(SAMPLE).map((d) => `${d.kind}:${d.name}${d.optional ? '?' : ''}`)).toEqual([
      'param:used',
      'param:withDefault?',
      'param:nullable?',
      'param:secret',
      'var:v',
      'resource:r',
      'module:m',
      'func:f',
      'output:o',
    ]);
    expect(paramDefault(SAMPLE, 'withDefault')).toBe('3');
  });

  it('reports references to undeclared names, inside interpolations too, and ignores comments, strings, keys and properties', () => {
    const declared = new Set(declarations(SAMPLE).map((d) => d.name));
    expect(freeReferences(SAMPLE).filter((r) => !declared.has(r)).sort()).toEqual(['missingInInterpolation', 'plan']);
  });

  it('sees every use of a param (so an unused one stands out)', () => {
    const refs = new Set(freeReferences(SAMPLE));
    for (const p of ['used', 'withDefault', 'nullable', 'secret']) expect(refs.has(p)).toBe(true);
    expect(freeReferences('param lonely string\noutput x string = \'y\'\n')).toEqual([]);
  });

  it('reads module params and object literals', () => {
    expect(moduleParams(SAMPLE, 'm')).toEqual(['a', 'b']);
    const obj = objectLiteral("var s = {\n  A: 'x'\n  B: kvRef(a, b)\n}\nvar t = 1\n", 's');
    expect([...obj]).toEqual([
      ['A', "'x'"],
      ['B', 'kvRef(a, b)'],
    ]);
  });

  it('strips comments but not comment-like text inside strings', () => {
    expect(stripComments("var a = 'http://x' // note\n")).toBe("var a = 'http://x' \n");
    expect(codeOnly("var a = 'p-${b}-q'")).toContain('(b)');
  });
});
