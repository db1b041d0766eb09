import { ownershipLines, resourcesOfService, type LiveOwnedState } from '../../cli/ownership';
import type { RuleView } from '../../cli/status-model';

const live = (desiredCount: number, rules: Array<[string, RuleView]>): LiveOwnedState => ({
  desiredCount,
  rules: new Map(rules),
  describeRule: (rule) => (rule.kind === 'forward' ? `task set of ${rule.targetGroupArns.join(',')}` : rule.kind),
});
const ruleProps = { IdleStatusCode: '503', IdleMessage: 'No version is live yet.' };

test('a controller-owned rule and count that differ from the template are drift, named with the template value', () => {
  const template = {
    AppService: { Type: 'Custom::BlueGreenService', Properties: {} },
    LoadBalancerProductionRule1A2B3C4D: { Type: 'Custom::BlueGreenListenerRule', Properties: ruleProps },
    LoadBalancerTestRule5E6F7A8B: { Type: 'Custom::BlueGreenListenerRule', Properties: ruleProps },
  };
  const resources = [
    { logicalId: 'AppService', physicalId: 'arn:svc', type: 'Custom::BlueGreenService' },
    { logicalId: 'LoadBalancerProductionRule1A2B3C4D', physicalId: 'arn:prod', type: 'Custom::BlueGreenListenerRule' },
    { logicalId: 'LoadBalancerTestRule5E6F7A8B', physicalId: 'arn:test', type: 'Custom::BlueGreenListenerRule' },
  ];
  const lines = ownershipLines(
    template,
    resources,
    live(4, [
      ['arn:prod', { kind: 'forward', targetGroupArns: ['tg-blue'] }],
      ['arn:test', { kind: 'fixed', statusCode: '503' }],
    ]),
  );
  expect(lines).toEqual([
    {
      resource: 'service',
      kind: 'drift',
      text: 'desired count 4 (template: created with 0) — owned by the controller and your scaling; no stack update changes it',
    },
    {
      resource: 'production rule',
      kind: 'drift',
      text: 'forwards to task set of tg-blue (template: fixed 503) — owned by the controller; no stack update changes it',
    },
  ]);
});

test('a fresh stack has no drift', () => {
  const template = { AppService: { Type: 'Custom::BlueGreenService' } };
  const resources = [{ logicalId: 'AppService', physicalId: 'arn:svc', type: 'Custom::BlueGreenService' }];
  expect(ownershipLines(template, resources, live(0, []))).toEqual([]);
});

test('a template in which CloudFormation still owns the count or a rule is a hazard', () => {
  const template = {
    AppService: { Type: 'AWS::ECS::Service', Properties: { DesiredCount: 0 } },
    LoadBalancerProductionRule1A2B3C4D: { Type: 'AWS::ElasticLoadBalancingV2::ListenerRule', Properties: {} },
  };
  const resources = [
    { logicalId: 'AppService', physicalId: 'arn:svc', type: 'AWS::ECS::Service' },
    {
      logicalId: 'LoadBalancerProductionRule1A2B3C4D',
      physicalId: 'arn:prod',
      type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
    },
  ];
  const lines = ownershipLines(template, resources, live(2, []));
  expect(lines.map((l) => [l.resource, l.kind])).toEqual([
    ['service', 'hazard'],
    ['production rule', 'hazard'],
  ]);
});

test('status speaks for one service of a stack of several, and names a rule deleted outside the controller', () => {
  const template = {
    WebService: { Type: 'Custom::BlueGreenService', Properties: { ServiceName: 'web' } },
    WebProductionRule: { Type: 'Custom::BlueGreenListenerRule', Properties: { ServiceName: 'web' } },
    ApiService: { Type: 'Custom::BlueGreenService', Properties: { ServiceName: 'api' } },
    ApiProductionRule: { Type: 'Custom::BlueGreenListenerRule', Properties: { ServiceName: 'api' } },
    Cluster: { Type: 'AWS::ECS::Cluster' },
  };
  const resources = Object.entries(template).map(([logicalId, r]) => ({
    logicalId,
    physicalId: `arn:${logicalId}`,
    type: r.Type,
  }));
  const web = resourcesOfService(template, resources, 'web');
  expect(web.map((r) => r.logicalId)).toEqual(['WebService', 'WebProductionRule', 'Cluster']);
  const lines = ownershipLines(template, web, {
    desiredCount: 0,
    rules: new Map([['arn:WebProductionRule', 'missing' as const]]),
    describeRule: () => '',
  });
  expect(lines.map((l) => [l.resource, l.kind])).toEqual([['production rule', 'hazard']]);
});
