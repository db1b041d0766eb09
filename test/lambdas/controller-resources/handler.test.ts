/**
 * The controller's custom resources against local AWS (ECS, ELBv2), through the real handler: it answers
 * CloudFormation with a PUT to the ResponseURL, as on AWS. What matters: Create makes the resource once, an Update
 * never changes anything live, Delete removes only what carries this stack's ownership tags.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateClusterCommand,
  CreateTaskSetCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import type { CustomResourceEvent, CustomResourceResponse } from '../../../lambdas/controller-resources/events';
import { createHandler } from '../../../lambdas/controller-resources/handler';
import { RESOURCE_TYPES } from '../../../lambdas/controller-resources/properties';
import { localClientConfig } from '../../../local/aws/client-config';
import { LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

const STACK = 'Shop';
const SERVICE = 'web';
const STACK_ID = `arn:aws:cloudformation:${LOCAL_REGION}:123456789012:stack/${STACK}/1`;
const owner = { StackName: STACK, ServiceName: SERVICE };
const ownerTags = [
  { Key: 'bluegreen:stack', Value: STACK },
  { Key: 'bluegreen:service', Value: SERVICE },
];

let aws: RunningLocalAws;
let ecs: ECSClient;
let elbv2: ElasticLoadBalancingV2Client;
let responses: http.Server;
let responseUrl: string;
const received = new Map<string, CustomResourceResponse>();
let handler: (event: CustomResourceEvent) => Promise<void>;
let requestNo = 0;

beforeAll(async () => {
  aws = await startLocalAwsStack({ ports: { api: 0, listeners: { 80: 0, 8080: 0 } }, timeScale: 0.01 });
  const config = localClientConfig(aws.endpoint, LOCAL_REGION);
  ecs = new ECSClient(config);
  elbv2 = new ElasticLoadBalancingV2Client(config);
  handler = createHandler({ endpoint: aws.endpoint, region: LOCAL_REGION, credentials: config.credentials });
  responses = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as CustomResourceResponse;
      received.set(parsed.RequestId, parsed);
      res.end();
    });
  });
  await new Promise<void>((resolve) => responses.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(responses.address() as AddressInfo).port}/response`;
  await ecs.send(new CreateClusterCommand({ clusterName: 'main' }));
}, 60_000);

afterAll(async () => {
  ecs?.destroy();
  elbv2?.destroy();
  await new Promise((resolve) => responses?.close(resolve));
  await aws?.close();
});

/** Sends one request the way CloudFormation does and returns the response the handler PUT. */
async function request(
  type: string,
  requestType: 'Create' | 'Update' | 'Delete',
  properties: Record<string, unknown>,
  extra: { physicalId?: string; old?: Record<string, unknown> } = {},
): Promise<CustomResourceResponse> {
  const requestId = `req-${++requestNo}`;
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider',
    ResponseURL: responseUrl,
    StackId: STACK_ID,
    RequestId: requestId,
    ResourceType: type,
    LogicalResourceId: 'Resource',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:provider', ...properties },
  };
  const event: CustomResourceEvent =
    requestType === 'Create'
      ? { ...base, RequestType: 'Create' }
      : requestType === 'Update'
        ? {
            ...base,
            RequestType: 'Update',
            PhysicalResourceId: extra.physicalId ?? '',
            OldResourceProperties: extra.old ?? {},
          }
        : { ...base, RequestType: 'Delete', PhysicalResourceId: extra.physicalId ?? '' };
  await handler(event);
  const response = received.get(requestId);
  if (!response) throw new Error(`no response for ${requestId}`);
  return response;
}

async function serviceOf(arn: string) {
  const { services } = await ecs.send(new DescribeServicesCommand({ cluster: 'main', services: [arn] }));
  return services?.[0];
}

async function listener(port: number): Promise<string> {
  const lb = await elbv2.send(new CreateLoadBalancerCommand({ Name: `lb-${port}` }));
  const created = await elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
      Protocol: 'HTTP',
      Port: port,
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    }),
  );
  return created.Listeners?.[0]?.ListenerArn as string;
}

async function targetGroup(name: string, tags?: Array<{ Key: string; Value: string }>): Promise<string> {
  const created = await elbv2.send(
    new CreateTargetGroupCommand({
      Name: name,
      Protocol: 'HTTP',
      Port: 80,
      TargetType: 'ip',
      VpcId: 'vpc-1',
      Tags: tags,
    }),
  );
  return created.TargetGroups?.[0]?.TargetGroupArn as string;
}

describe('Custom::BlueGreenService', () => {
  const props = { ...owner, Cluster: 'main' };

  test('Create makes an EXTERNAL service with 0 tasks and the ownership tags; an Update changes nothing in ECS', async () => {
    const created = await request(RESOURCE_TYPES.service, 'Create', props);
    expect(created.Status).toBe('SUCCESS');
    const arn = created.PhysicalResourceId;
    expect(created.Data).toEqual({ ServiceArn: arn, ServiceName: SERVICE });
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: 'main', services: [arn], include: ['TAGS'] }),
    );
    expect(services?.[0]).toMatchObject({
      desiredCount: 0,
      deploymentController: { type: 'EXTERNAL' },
      tags: expect.arrayContaining([
        { key: 'bluegreen:stack', value: STACK },
        { key: 'bluegreen:service', value: SERVICE },
      ]),
    });

    // The controller (or an autoscaler) owns the count from now on; a stack update must leave it.
    await ecs.send(new UpdateServiceCommand({ cluster: 'main', service: arn, desiredCount: 3 }));
    const updated = await request(
      RESOURCE_TYPES.service,
      'Update',
      { ...props, Unrelated: 'changed' },
      {
        physicalId: arn,
        old: props,
      },
    );
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn, Data: { ServiceArn: arn } });
    expect((await serviceOf(arn))?.desiredCount).toBe(3);

    // A rename would need a new service (every task stopped): refused, nothing changed.
    const renamed = await request(
      RESOURCE_TYPES.service,
      'Update',
      { ...props, ServiceName: 'web2' },
      {
        physicalId: arn,
        old: props,
      },
    );
    expect(renamed.Status).toBe('FAILED');
    expect(renamed.Reason).toContain('ServiceName');
    expect((await serviceOf(arn))?.desiredCount).toBe(3);

    // A second Create for the same name (an old stack's service, say) is refused, never adopted.
    const again = await request(RESOURCE_TYPES.service, 'Create', props);
    expect(again.Status).toBe('FAILED');
    expect(again.Reason).toMatch(/never adopts/);
    expect(again.PhysicalResourceId).not.toMatch(/^arn:/);

    // Delete: task sets first, then the service.
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'app', image: 'nginx', essential: true }],
      }),
    );
    await ecs.send(
      new CreateTaskSetCommand({
        cluster: 'main',
        service: arn,
        taskDefinition: taskDefinition?.taskDefinitionArn,
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
        scale: { unit: 'PERCENT', value: 100 },
      }),
    );
    const deleted = await request(RESOURCE_TYPES.service, 'Delete', props, { physicalId: arn });
    expect(deleted.Status).toBe('SUCCESS');
    expect((await serviceOf(arn))?.status).toBe('INACTIVE');
  }, 60_000);

  test('Delete after a failed Create touches nothing', async () => {
    const response = await request(RESOURCE_TYPES.service, 'Delete', props, { physicalId: 'failed-create/req-x' });
    expect(response.Status).toBe('SUCCESS');
  });
});

describe('Custom::BlueGreenListenerRule', () => {
  test('Create answers the fixed response; an Update never resets what the controller set; Delete removes it', async () => {
    const listenerArn = await listener(80);
    const props = {
      ...owner,
      ListenerArn: listenerArn,
      Priority: '1',
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
      IdleStatusCode: '503',
      IdleMessage: 'No version is live yet.',
    };
    const created = await request(RESOURCE_TYPES.listenerRule, 'Create', props);
    expect(created.Status).toBe('SUCCESS');
    const ruleArn = created.PhysicalResourceId;
    const rule = async () => (await elbv2.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }))).Rules?.[0];
    expect((await rule())?.Actions?.[0]).toMatchObject({
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: '503', MessageBody: 'No version is live yet.' },
    });

    // The controller points production at a version; then the stack is updated with a new 503 text.
    const live = await targetGroup('bg-web-live0001', ownerTags);
    await elbv2.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: [{ Type: 'forward', TargetGroupArn: live }] }));
    const updated = await request(
      RESOURCE_TYPES.listenerRule,
      'Update',
      { ...props, IdleMessage: 'Soon.' },
      {
        physicalId: ruleArn,
        old: props,
      },
    );
    expect(updated).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ruleArn });
    expect((await rule())?.Actions).toEqual([expect.objectContaining({ Type: 'forward', TargetGroupArn: live })]);

    // The priority is taken now: a second Create fails and says why.
    const clash = await request(RESOURCE_TYPES.listenerRule, 'Create', props);
    expect(clash.Status).toBe('FAILED');
    expect(clash.Reason).toMatch(/Priority 1 .* taken/);

    const deleted = await request(RESOURCE_TYPES.listenerRule, 'Delete', props, { physicalId: ruleArn });
    expect(deleted.Status).toBe('SUCCESS');
    await expect(rule()).rejects.toMatchObject({ name: 'RuleNotFoundException' });
    // Deleting again (a retried Delete) is success.
    expect((await request(RESOURCE_TYPES.listenerRule, 'Delete', props, { physicalId: ruleArn })).Status).toBe(
      'SUCCESS',
    );
  }, 60_000);

  test('Delete leaves a rule that does not carry this stack’s ownership tags', async () => {
    const listenerArn = await listener(8080);
    const foreign = await elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 7,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/x'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200' } }],
      }),
    );
    const arn = foreign.Rules?.[0]?.RuleArn as string;
    const props = {
      ...owner,
      ListenerArn: listenerArn,
      Priority: '7',
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/x'] } }],
      IdleStatusCode: '503',
      IdleMessage: 'x',
    };
    expect((await request(RESOURCE_TYPES.listenerRule, 'Delete', props, { physicalId: arn })).Status).toBe('SUCCESS');
    const { Rules } = await elbv2.send(new DescribeRulesCommand({ RuleArns: [arn] }));
    expect(Rules).toHaveLength(1);
  });
});

describe('Custom::BlueGreenTeardown', () => {
  test('Delete removes only this service’s target groups that carry this stack’s ownership tags', async () => {
    const props = { ...owner, TargetGroupNamePrefix: 'bg-web' };
    const mine = [await targetGroup('bg-web-aaaa0001', ownerTags), await targetGroup('bg-web-aaaa0002', ownerTags)];
    const untagged = await targetGroup('bg-web-bbbb0001');
    const otherStack = await targetGroup('bg-web-cccc0001', [
      { Key: 'bluegreen:stack', Value: 'OtherStack' },
      { Key: 'bluegreen:service', Value: SERVICE },
    ]);
    const otherPrefix = await targetGroup('other-dddd0001');
    await elbv2.send(new AddTagsCommand({ ResourceArns: [otherPrefix], Tags: ownerTags }));

    const created = await request(RESOURCE_TYPES.teardown, 'Create', props);
    expect(created.Status).toBe('SUCCESS');
    // An Update keeps the id: a new one would be a replacement, whose clean-up Delete removes live groups.
    const updated = await request(
      RESOURCE_TYPES.teardown,
      'Update',
      { ...props, ServiceName: 'web2' },
      {
        physicalId: created.PhysicalResourceId,
        old: props,
      },
    );
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    const before = await elbv2.send(new DescribeTargetGroupsCommand({}));
    expect(before.TargetGroups?.map((g) => g.TargetGroupArn)).toEqual(expect.arrayContaining(mine));

    const deleted = await request(RESOURCE_TYPES.teardown, 'Delete', props, {
      physicalId: created.PhysicalResourceId,
    });
    expect(deleted.Status).toBe('SUCCESS');
    const left = (await elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups?.map((g) => g.TargetGroupArn);
    for (const arn of mine) expect(left).not.toContain(arn);
    expect(left).toEqual(expect.arrayContaining([untagged, otherStack, otherPrefix]));
  });

  test("Delete removes the green watch's built-in alarms, whichever of them exist, and no other alarm", async () => {
    const cw = new CloudWatchClient(localClientConfig(aws.endpoint, LOCAL_REGION));
    try {
      const alarm = (AlarmName: string) =>
        new PutMetricAlarmCommand({
          AlarmName,
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'HTTPCode_Target_5XX_Count',
          Statistic: 'Sum',
          Period: 60,
          EvaluationPeriods: 1,
          Threshold: 5,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      await cw.send(alarm('Shop-web-green-5xx'));
      await cw.send(alarm('Shop-web-green-p99'));
      await cw.send(alarm('someone-elses'));
      const props = {
        ...owner,
        TargetGroupNamePrefix: 'bg-none',
        // healthy-hosts was never created: DeleteAlarms answers ResourceNotFound, and still deletes the others.
        AlarmNames: ['Shop-web-green-5xx', 'Shop-web-green-p99', 'Shop-web-green-healthy-hosts'],
      };
      const created = await request(RESOURCE_TYPES.teardown, 'Create', props);
      const deleted = await request(RESOURCE_TYPES.teardown, 'Delete', props, {
        physicalId: created.PhysicalResourceId,
      });
      expect(deleted.Status).toBe('SUCCESS');
      const left = await cw.send(new DescribeAlarmsCommand({}));
      expect(left.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['someone-elses']);
    } finally {
      cw.destroy();
    }
  });
});

test('bad properties fail the resource with the field named', async () => {
  const response = await request(RESOURCE_TYPES.listenerRule, 'Create', { ...owner, Priority: 'high' });
  expect(response.Status).toBe('FAILED');
  expect(response.Reason).toMatch(/ListenerArn/);
  expect(response.Reason).toMatch(/Priority/);
});
