import { testApp } from './synth';
import { Duration } from 'aws-cdk-lib';
import { BlueGreenStack, type BlueGreenStackProps } from '../../examples/demo/bluegreen-stack';

const build = (props: BlueGreenStackProps) => () => new BlueGreenStack(testApp(), 'EcsBlueGreen', props);

describe('bad props fail in the constructor with the value, what is allowed and the fix', () => {
  test.each([
    [
      { testListenerAllowedCidrs: ['10.0.0.0/33'] },
      /testListenerAllowedCidrs contains '10\.0\.0\.0\/33', which is not an IPv4 CIDR block.*a\.b\.c\.d\/n/,
    ],
    [{ testListenerAllowedCidrs: ['office'] }, /'office', which is not an IPv4 CIDR/],
    [
      { testListenerAllowedCidrs: ['0.0.0.0/0'] },
      /'0\.0\.0\.0\/0', which opens the test listener to the whole internet/,
    ],
    [{ testListenerAllowedCidrs: [] }, /testListenerAllowedCidrs is empty/],
    [{ desiredCount: 0 }, /desiredCount is 0, but it must be a whole number from 1 to 1000/],
    [{ desiredCount: 1.5 }, /desiredCount is 1\.5/],
    [
      { serviceName: 'a-very-long-service-name-that-exceeds' },
      /serviceName is 'a-very-long-service-name-that-exceeds' \(37 characters\), but at most 32/,
    ],
    [{ serviceName: 'bad_name' }, /serviceName is 'bad_name', but it may contain only letters, digits and hyphens/],
    [{ healthTimeout: Duration.seconds(10) }, /healthTimeout is 10, but it must be a whole number from 30 to 86400/],
    [{ bakeTime: Duration.hours(25) }, /bakeTime is 90000, but it must be a whole number from 0 to 86400/],
    [{ failFastThreshold: 0 }, /failFastThreshold is 0, but it must be a whole number from 1 to 200/],
    [{ failFastThreshold: 2.5 }, /failFastThreshold is 2\.5/],
    [
      { testScalePercent: 0 },
      /testScalePercent is 0, but it must be a whole number from 1 to 100\. Give a whole percent/,
    ],
    [{ testScalePercent: 101 }, /testScalePercent is 101, but it must be a whole number from 1 to 100/],
    [{ testScalePercent: 12.5 }, /testScalePercent is 12\.5/],
    [
      { swapApprovalTimeout: Duration.days(61) },
      /swapApprovalTimeout is 61 days, but CodePipeline approvals last from 5 minutes to 60 days/,
    ],
    [{ healthCheck: { path: 'healthz' } }, /healthCheck\.path is 'healthz', but it must start with '\/'/],
    [
      { healthCheck: { intervalSeconds: 6, timeoutSeconds: 6 } },
      /healthCheck\.timeoutSeconds is 6, but it must be a whole number from 2 to 5\. .*less than healthCheck\.intervalSeconds \(6\)/,
    ],
    [{ testListenerAllowedCidrs: ['0.0.0.0/1', '128.0.0.0/1'] }, /'0\.0\.0\.0\/1', a range larger than a \/8/],
    [
      { testListenerAllowedCidrs: Array.from({ length: 256 }, (_, i) => `${i}.0.0.0/8`) },
      /together cover every IPv4 address, which opens the test listener to the whole internet/,
    ],
  ] as Array<[BlueGreenStackProps, RegExp]>)('%j', (props, message) => {
    expect(build(props)).toThrow(message);
  });

  test("a swap approval of 60 days (CodePipeline's longest) is accepted", () => {
    expect(build({ swapApprovalTimeout: Duration.days(60) })).not.toThrow();
  });

  test('a service name whose default target group prefix fits is accepted', () => {
    expect(build({ serviceName: 'svc-name-with-32-characters-long' })).not.toThrow();
  });
});
