import * as fc from 'fast-check';
import { isIpv4Cidr, validateCidrList, validateName } from '../../../../infra/lib/private/validate';
import { defaultTargetGroupPrefix, TARGET_GROUP_PREFIX_MAX } from '../../../../infra/lib/private/target-group-name';

describe('isIpv4Cidr', () => {
  test('accepts every well-formed block', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, prefix) => isIpv4Cidr(`${ip}/${prefix}`)),
      { seed: 42, numRuns: 300 },
    );
  });
  test.each(['10.0.0.0', '10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', ' 10.0.0.0/8', '10.0.0.0/8 ', 'a.b.c.d/1'])(
    'rejects %p',
    (value) => {
      expect(isIpv4Cidr(value)).toBe(false);
    },
  );
  test('validateCidrList names the bad entry', () => {
    expect(() => validateCidrList('cidrs', ['10.0.0.0/16', 'nope'])).toThrow(/cidrs contains 'nope'/);
  });
});

describe('target group names', () => {
  test('the default prefix always leaves room for -<8 hex> within 32 characters and never ends in a hyphen', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,40}[a-z0-9]$/), (serviceName) => {
        const prefix = defaultTargetGroupPrefix(serviceName);
        expect(prefix.length).toBeLessThanOrEqual(TARGET_GROUP_PREFIX_MAX);
        expect(`${prefix}-deadbeef`.length).toBeLessThanOrEqual(32);
        expect(() => validateName('prefix', prefix, TARGET_GROUP_PREFIX_MAX, 'x')).not.toThrow();
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
