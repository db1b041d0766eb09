import * as fc from 'fast-check';
import { coversAllOfIpv4, isIpv4Cidr, validateCidrList, validateName } from '../../../../infra/lib/private/validate';
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

describe('coversAllOfIpv4 (the guard against opening the test listener to the internet in pieces)', () => {
  test.each([
    [['0.0.0.0/1', '128.0.0.0/1'], true],
    [['128.0.0.0/1', '0.0.0.0/1'], true],
    [Array.from({ length: 256 }, (_, i) => `${255 - i}.0.0.0/8`), true],
    [Array.from({ length: 255 }, (_, i) => `${i}.0.0.0/8`), false],
    [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2'], true],
    [['0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/3'], false],
    [['10.0.0.0/8'], false],
  ])('%j → %p', (cidrs, expected) => {
    expect(coversAllOfIpv4(cidrs)).toBe(expected);
  });
  test('a set missing any one /16 never covers everything', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), (hole) => {
        const blocks = Array.from({ length: 65536 }, (_, i) => i)
          .filter((i) => i !== hole)
          .map((i) => `${Math.floor(i / 256)}.${i % 256}.0.0/16`);
        return (
          !coversAllOfIpv4(blocks) && coversAllOfIpv4([...blocks, `${Math.floor(hole / 256)}.${hole % 256}.0.0/16`])
        );
      }),
      { seed: 7, numRuns: 20 },
    );
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
