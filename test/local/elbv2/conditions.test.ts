import { conditionsMatch, parseConditions, wildcardMatches } from '../../../local/elbv2/conditions';

describe('wildcards', () => {
  it.each([
    ['/api/*', '/api/', true],
    ['/api/*', '/api/v1/x', true],
    ['/api/?', '/api/ab', false],
    ['/a.b', '/aXb', false],
    ['*.example.com', 'shop.example.com', true],
  ])('%s against %s is %s', (pattern, text, expected) => {
    expect(wildcardMatches(pattern, text, false)).toBe(expected);
  });
});

describe('conditions', () => {
  const conditions = parseConditions([
    { Field: 'host-header', HostHeaderConfig: { Values: ['*.Example.com'] } },
    { Field: 'path-pattern', Values: ['/green/*', '/canary'] },
    { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Colour', Values: ['gr*'] } },
  ]);
  const request = (path: string, host: string, colour?: string) => ({
    method: 'GET',
    path,
    headers: { host, ...(colour ? { 'x-colour': colour } : {}) },
  });

  it('ANDs conditions, ORs values, ignores case for hosts and the query string for paths', () => {
    expect(conditionsMatch(conditions, request('/canary?x=1', 'SHOP.example.com:8080', 'green'))).toBe(true);
    expect(conditionsMatch(conditions, request('/Canary', 'shop.example.com', 'green'))).toBe(false);
    expect(conditionsMatch(conditions, request('/green/1', 'shop.example.org', 'green'))).toBe(false);
    expect(conditionsMatch(conditions, request('/green/1', 'shop.example.com'))).toBe(false);
  });

  it('refuses conditions local ELBv2 cannot evaluate', () => {
    expect(() => parseConditions([{ Field: 'source-ip', Values: ['10.0.0.0/8'] }])).toThrow(/not supported/);
  });
});
