import fc from 'fast-check';
import { InvalidMatcherError, parseMatcher } from '../../../../local/dataplane/health/matcher';

describe('parseMatcher', () => {
  it('accepts exactly one code', () => {
    const matches = parseMatcher('200');
    expect([199, 200, 201, 302].map(matches)).toEqual([false, true, false, false]);
  });

  it('accepts a list of codes', () => {
    const matches = parseMatcher('200,302');
    expect([200, 301, 302, 500].map(matches)).toEqual([true, false, true, false]);
  });

  it('accepts an inclusive range, also mixed with codes', () => {
    const matches = parseMatcher('200-299, 404');
    expect([199, 200, 250, 299, 300, 404, 500].map(matches)).toEqual([false, true, true, true, false, true, false]);
  });

  it.each(['', 'ok', '200-', '200-299-300', '2000', '199', '500', '300-200', '200;302'])('rejects %p', (matcher) => {
    expect(() => parseMatcher(matcher)).toThrow(InvalidMatcherError);
  });

  it('matches a code exactly when some listed code or range contains it (property)', () => {
    const code = fc.integer({ min: 200, max: 499 });
    const item = fc.oneof(
      code.map((c) => ({ text: String(c), low: c, high: c })),
      fc
        .tuple(code, code)
        .map(([a, b]) => ({ text: `${Math.min(a, b)}-${Math.max(a, b)}`, low: Math.min(a, b), high: Math.max(a, b) })),
    );
    fc.assert(
      fc.property(
        fc.array(item, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 100, max: 599 }),
        (items, status) => {
          const matches = parseMatcher(items.map((i) => i.text).join(','));
          expect(matches(status)).toBe(items.some((i) => status >= i.low && status <= i.high));
        },
      ),
    );
  });
});
