/**
 * The ELBv2 emulator driven by the real SDK client over the query/XML protocol, through the local AWS server.
 * The data plane is a fake (listeners capture their route callback, health is set by the test).
 */
import {
  AddTagsCommand,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createClock } from '../../../local/aws/clock';
import { LocalNetwork } from '../../../local/aws/network';
import { startLocalAws, type LocalAws } from '../../../local/aws/server';
import { createElbv2Service, type Elbv2Service } from '../../../local/elbv2/service';
import { FakeDataPlane } from './fake-data-plane';

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';

let dataPlane: FakeDataPlane;
let elbv2: Elbv2Service;
let aws: LocalAws;
let client: ElasticLoadBalancingV2Client;
let nextLocalPort = 30000;
let uniq = 0;

beforeAll(async () => {
  dataPlane = new FakeDataPlane();
  elbv2 = createElbv2Service({
    clock: createClock(0.001),
    network: new LocalNetwork(),
    region: REGION,
    accountId: ACCOUNT,
    listenerPort: () => nextLocalPort++,
    dataPlane,
  });
  aws = await startLocalAws({ port: 0, services: [elbv2.service], accountId: ACCOUNT });
  client = new ElasticLoadBalancingV2Client({
    endpoint: aws.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client.destroy();
  await aws.close();
  await elbv2.close();
});

const name = (prefix: string): string => `${prefix}-${++uniq}`;

async function expectError(promise: Promise<unknown>, errorName: string, status = 400): Promise<Error> {
  const error = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & { $metadata?: { httpStatusCode?: number } }) | undefined;
  expect(error).toBeDefined();
  expect(error?.name).toBe(errorName);
  expect(error?.$metadata?.httpStatusCode).toBe(status);
  return error as Error;
}

async function createTargetGroup(tgName = name('tg'), extra: Record<string, unknown> = {}): Promise<string> {
  const out = await client.send(
    new CreateTargetGroupCommand({
      Name: tgName,
      Protocol: 'HTTP',
      Port: 8080,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      ...extra,
    }),
  );
  return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

const forwardTo = (targetGroupArn: string): Action[] => [{ Type: 'forward', TargetGroupArn: targetGroupArn }];

async function createAlbWithListener(targetGroupArn: string): Promise<{ lbArn: string; listenerArn: string }> {
  const lb = await client.send(new CreateLoadBalancerCommand({ Name: name('alb'), Subnets: ['subnet-a', 'subnet-b'] }));
  const lbArn = lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
  const listener = await client.send(
    new CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Protocol: 'HTTP',
      Port: 80,
      DefaultActions: forwardTo(targetGroupArn),
    }),
  );
  return { lbArn, listenerArn: listener.Listeners?.[0]?.ListenerArn ?? '' };
}

function localPortOf(listenerArn: string): number {
  const listener = elbv2.state().listeners.find((l) => l.arn === listenerArn);
  if (!listener) throw new Error('listener not in state');
  return listener.localPort;
}

describe('load balancers', () => {
  it('creates an ALB with a realistic ARN and describes it by name and ARN', async () => {
    const lbName = name('web');
    const out = await client.send(new CreateLoadBalancerCommand({ Name: lbName, Subnets: ['subnet-a'] }));
    const lb = out.LoadBalancers?.[0];
    expect(lb?.LoadBalancerArn).toMatch(
      new RegExp(`^arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/${lbName}/[0-9a-f]{16}$`),
    );
    expect(lb?.State?.Code).toBe('active');
    expect(lb?.CreatedTime).toBeInstanceOf(Date);
    const byName = await client.send(new DescribeLoadBalancersCommand({ Names: [lbName] }));
    expect(byName.LoadBalancers?.map((l) => l.LoadBalancerArn)).toEqual([lb?.LoadBalancerArn]);
    const byArn = await client.send(
      new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb?.LoadBalancerArn ?? ''] }),
    );
    expect(byArn.LoadBalancers?.[0]?.LoadBalancerName).toBe(lbName);
  });

  it('reports unknown load balancers as LoadBalancerNotFound', async () => {
    await expectError(
      client.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })),
      'LoadBalancerNotFoundException',
    );
  });
});

describe('target groups', () => {
  it('pages DescribeTargetGroups with PageSize and NextMarker, each group exactly once', async () => {
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(await createTargetGroup(name(`page${i}`)));
    const seen: string[] = [];
    let marker: string | undefined;
    let calls = 0;
    do {
      const page = await client.send(new DescribeTargetGroupsCommand({ PageSize: 2, Marker: marker }));
      expect(page.TargetGroups?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.TargetGroups ?? []).map((tg) => tg.TargetGroupArn ?? ''));
      marker = page.NextMarker;
      calls++;
    } while (marker !== undefined && calls < 100);
    expect(seen.filter((arn) => created.includes(arn)).sort()).toEqual([...created].sort());
    expect(new Set(seen).size).toBe(seen.length);
    await expectError(client.send(new DescribeTargetGroupsCommand({ Marker: 'bogus' })), 'ValidationError');
  });

  it('creates an HTTP/ip target group with the ELBv2 health check defaults', async () => {
    const tgName = name('blue');
    const arn = await createTargetGroup(tgName);
    expect(arn).toMatch(
      new RegExp(`^arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${tgName}/[0-9a-f]{16}$`),
    );
    const tg = (await client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))).TargetGroups?.[0];
    expect(tg).toMatchObject({
      TargetGroupName: tgName,
      Protocol: 'HTTP',
      Port: 8080,
      TargetType: 'ip',
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 6,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckEnabled: true,
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [],
    });
  });

  it('returns the existing group for the same name and settings, and rejects different settings', async () => {
    const tgName = name('same');
    const first = await createTargetGroup(tgName);
    expect(await createTargetGroup(tgName)).toBe(first);
    await expectError(createTargetGroup(tgName, { Port: 9090 }), 'DuplicateTargetGroupNameException');
  });

  it.each([
    ['a'.repeat(33), 'cannot be longer than'],
    ['-leading', 'cannot begin or end'],
    ['under_score', 'alphanumeric'],
  ])('rejects the name %s with ValidationError', async (badName, rule) => {
    const error = await expectError(createTargetGroup(badName), 'ValidationError');
    expect(error.message).toContain(rule);
  });

  it('accepts a 32-character name', async () => {
    await expect(createTargetGroup('b'.repeat(32))).resolves.toContain(':targetgroup/');
  });

  it('modifies health check settings and restarts health checks with them', async () => {
    const arn = await createTargetGroup();
    await createAlbWithListener(arn);
    const out = await client.send(
      new ModifyTargetGroupCommand({
        TargetGroupArn: arn,
        HealthCheckPath: '/healthz',
        Matcher: { HttpCode: '200-299' },
      }),
    );
    expect(out.TargetGroups?.[0]).toMatchObject({ HealthCheckPath: '/healthz', Matcher: { HttpCode: '200-299' } });
    const live = dataPlane.liveCheckers().at(-1);
    expect(live?.options.config).toMatchObject({ path: '/healthz', matcher: '200-299', intervalSeconds: 30 });
  });

  it('reads and writes attributes, deregistration delay defaulting to 300', async () => {
    const arn = await createTargetGroup();
    const before = await client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    expect(before.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '300' });
    const after = await client.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '5' }],
      }),
    );
    expect(after.Attributes).toContainEqual({ Key: 'deregistration_delay.timeout_seconds', Value: '5' });
    await expectError(
      client.send(
        new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'no.such', Value: '1' }] }),
      ),
      'ValidationError',
    );
  });

  it('refuses to delete a group a listener forwards to (ResourceInUse), then deletes it once unused', async () => {
    const blue = await createTargetGroup();
    const green = await createTargetGroup();
    const { listenerArn } = await createAlbWithListener(blue);
    await expectError(client.send(new DeleteTargetGroupCommand({ TargetGroupArn: blue })), 'ResourceInUseException');
    await client.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: forwardTo(green) }));
    await client.send(new DeleteTargetGroupCommand({ TargetGroupArn: blue }));
    await expectError(
      client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [blue] })),
      'TargetGroupNotFoundException',
    );
  });

  it('deletes an unknown target group without error, as DeleteTargetGroup documents only ResourceInUse', async () => {
    const arn = await createTargetGroup();
    await client.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    await expect(client.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }))).resolves.toBeDefined();
  });

  it('refuses to delete a group a rule forwards to', async () => {
    const blue = await createTargetGroup();
    const green = await createTargetGroup();
    const { listenerArn } = await createAlbWithListener(blue);
    await client.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 5,
        Conditions: [{ Field: 'path-pattern', Values: ['/green/*'] }],
        Actions: forwardTo(green),
      }),
    );
    const error = await expectError(
      client.send(new DeleteTargetGroupCommand({ TargetGroupArn: green })),
      'ResourceInUseException',
    );
    expect(error.message).toContain('in use by a listener or a rule');
  });
});

describe('listeners and rules', () => {
  it('creates, describes and modifies a listener; the data plane listens on the mapped port', async () => {
    const blue = await createTargetGroup();
    const green = await createTargetGroup();
    const { lbArn, listenerArn } = await createAlbWithListener(blue);
    expect(listenerArn).toMatch(/:listener\/app\/alb-\d+\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    const described = await client.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
    expect(described.Listeners?.[0]).toMatchObject({ Port: 80, Protocol: 'HTTP', ListenerArn: listenerArn });
    expect(dataPlane.listeners.get(localPortOf(listenerArn))?.closed).toBe(false);

    const tgs = await client.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }));
    expect(tgs.TargetGroups?.map((t) => t.TargetGroupArn)).toEqual([blue]);

    const modified = await client.send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 90 },
                { TargetGroupArn: green, Weight: 10 },
              ],
            },
          },
        ],
      }),
    );
    const action = modified.Listeners?.[0]?.DefaultActions?.[0];
    expect(action?.TargetGroupArn).toBeUndefined();
    expect(action?.ForwardConfig?.TargetGroups).toEqual([
      { TargetGroupArn: blue, Weight: 90 },
      { TargetGroupArn: green, Weight: 10 },
    ]);
  });

  it('moves the data plane listener when ModifyListener changes the port', async () => {
    const blue = await createTargetGroup();
    const { listenerArn } = await createAlbWithListener(blue);
    const before = localPortOf(listenerArn);
    const out = await client.send(new ModifyListenerCommand({ ListenerArn: listenerArn, Port: 8080 }));
    expect(out.Listeners?.[0]?.Port).toBe(8080);
    const after = localPortOf(listenerArn);
    expect(after).not.toBe(before);
    expect(dataPlane.listeners.get(before)?.closed).toBe(true);
    expect(dataPlane.listeners.get(after)?.closed).toBe(false);
  });

  it('returns the existing listener for identical settings and rejects a different one on the same port', async () => {
    const blue = await createTargetGroup();
    const green = await createTargetGroup();
    const { lbArn, listenerArn } = await createAlbWithListener(blue);
    const again = await client.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: forwardTo(blue),
      }),
    );
    expect(again.Listeners?.[0]?.ListenerArn).toBe(listenerArn);
    await expectError(
      client.send(
        new CreateListenerCommand({
          LoadBalancerArn: lbArn,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: forwardTo(green),
        }),
      ),
      'DuplicateListenerException',
    );
  });

  it('rejects a listener for an unknown load balancer or target group', async () => {
    const blue = await createTargetGroup();
    await expectError(
      client.send(
        new CreateListenerCommand({
          LoadBalancerArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/x/0123456789abcdef`,
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: forwardTo(blue),
        }),
      ),
      'LoadBalancerNotFoundException',
    );
    const lb = await client.send(new CreateLoadBalancerCommand({ Name: name('alb') }));
    await expectError(
      client.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn,
          Port: 80,
          Protocol: 'HTTP',
          DefaultActions: forwardTo(`${blue}0`),
        }),
      ),
      'TargetGroupNotFoundException',
    );
    await expectError(
      client.send(
        new DescribeListenersCommand({ ListenerArns: [`${blue.replace(':targetgroup/', ':listener/app/')}`] }),
      ),
      'ListenerNotFoundException',
    );
  });

  it('creates, describes, modifies and deletes rules; DescribeRules lists both forward forms and the default rule', async () => {
    const blue = await createTargetGroup();
    const green = await createTargetGroup();
    const { listenerArn } = await createAlbWithListener(blue);
    const created = await client.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/green/*'] } }],
        Actions: forwardTo(green),
        Tags: [{ Key: 'role', Value: 'test' }],
      }),
    );
    const ruleArn = created.Rules?.[0]?.RuleArn ?? '';
    expect(ruleArn).toMatch(/:listener-rule\/app\/alb-\d+\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    await expectError(
      client.send(
        new CreateRuleCommand({
          ListenerArn: listenerArn,
          Priority: 10,
          Conditions: [{ Field: 'host-header', Values: ['x.example.com'] }],
          Actions: forwardTo(green),
        }),
      ),
      'PriorityInUseException',
    );

    const rules = (await client.send(new DescribeRulesCommand({ ListenerArn: listenerArn }))).Rules ?? [];
    expect(rules.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['10', false],
      ['default', true],
    ]);
    expect(rules[0]?.Conditions?.[0]).toEqual({
      Field: 'path-pattern',
      Values: ['/green/*'],
      PathPatternConfig: { Values: ['/green/*'] },
    });
    expect(rules[0]?.Actions?.[0]).toMatchObject({
      Type: 'forward',
      TargetGroupArn: green,
      ForwardConfig: { TargetGroups: [{ TargetGroupArn: green, Weight: 1 }] },
    });
    expect(rules[1]?.Actions?.[0]?.TargetGroupArn).toBe(blue);

    const modified = await client.send(
      new ModifyRuleCommand({
        RuleArn: ruleArn,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['green.example.com'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', MessageBody: 'down' } }],
      }),
    );
    expect(modified.Rules?.[0]?.Conditions?.[0]?.HostHeaderConfig?.Values).toEqual(['green.example.com']);
    expect(modified.Rules?.[0]?.Actions?.[0]?.FixedResponseConfig).toEqual({ StatusCode: '503', MessageBody: 'down' });

    await expectError(
      client.send(new DeleteRuleCommand({ RuleArn: rules[1]?.RuleArn })),
      'OperationNotPermittedException',
    );
    await client.send(new DeleteRuleCommand({ RuleArn: ruleArn }));
    await expectError(client.send(new DeleteRuleCommand({ RuleArn: ruleArn })), 'RuleNotFoundException');
    await expectError(client.send(new DescribeRulesCommand({ RuleArns: [ruleArn] })), 'RuleNotFoundException');
  });

  it('routes by the rules as they stand at request time, by priority, then the default action', async () => {
    const blue = await createTargetGroup();
    const green = await createTargetGroup();
    const { listenerArn } = await createAlbWithListener(blue);
    const route = dataPlane.route(localPortOf(listenerArn));
    const request = (path: string, host = 'shop.example.com') => route({ method: 'GET', path, headers: { host } });
    const groupCount = (d: ReturnType<typeof request>) => (d.kind === 'forward' ? d.groups.length : -1);

    expect(request('/green/x')).toEqual({ kind: 'forward', groups: [{ weight: 1, targets: [], id: blue }] });
    await client.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 20,
        Conditions: [{ Field: 'path-pattern', Values: ['/green/*'] }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418', ContentType: 'text/plain' } }],
      }),
    );
    await client.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 10,
        Conditions: [
          { Field: 'host-header', Values: ['*.EXAMPLE.com'] },
          { Field: 'path-pattern', Values: ['/green/?'] },
        ],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 0 },
                { TargetGroupArn: green, Weight: 100 },
              ],
            },
          },
        ],
      }),
    );
    expect(groupCount(request('/green/x'))).toBe(2); // priority 10 wins over 20
    expect(request('/green/xy')).toMatchObject({ kind: 'fixed', statusCode: 418 }); // `?` is one character
    expect(request('/green/x', 'other.org')).toMatchObject({ kind: 'fixed', statusCode: 418 });
    expect(request('/blue')).toEqual({ kind: 'forward', groups: [{ weight: 1, targets: [], id: blue }] });
  });
});

describe('targets and health', () => {
  it('reports targets of a group no listener uses as unused (Target.NotInUse)', async () => {
    const arn = await createTargetGroup();
    await client.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.0.0.11' }] }));
    // Another listener appearing must not start health checks for this group.
    await createAlbWithListener(await createTargetGroup());
    expect(elbv2.state().targetGroups.find((tg) => tg.arn === arn)?.inUse).toBe(false);
    const health = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
    expect(health.TargetHealthDescriptions).toEqual([
      {
        Target: { Id: '10.0.0.11', Port: 8080, AvailabilityZone: 'eu-west-1a' },
        HealthCheckPort: '8080',
        TargetHealth: {
          State: 'unused',
          Reason: 'Target.NotInUse',
          Description: 'Target group is not configured to receive traffic from the load balancer',
        },
      },
    ]);
    expect(elbv2.targetGroups.health(arn, { id: '10.0.0.11', port: 8080 })?.state).toBe('unused');
  });

  it('health-checks targets once a listener uses the group, and drains with the deregistration delay', async () => {
    const arn = await createTargetGroup();
    await client.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '7' }],
      }),
    );
    await client.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.0.0.12', Port: 8080 }] }));
    await createAlbWithListener(arn);
    const checker = dataPlane.liveCheckers().find((c) => c.targets.has('10.0.0.12:8080'));
    expect(checker).toBeDefined();
    const states = async () =>
      (await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions?.map(
        (d) => d.TargetHealth?.State,
      );
    expect(await states()).toEqual(['initial']);
    checker?.passAll();
    expect(await states()).toEqual(['healthy']);

    await client.send(
      new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.0.0.12', Port: 8080 }] }),
    );
    expect(await states()).toEqual(['draining']);
    expect(checker?.targets.get('10.0.0.12:8080')?.drainingSeconds).toBe(7);
    await expectError(
      client.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.0.0.12', Port: 8080 }] })),
      'InvalidTargetException',
    );
  });

  it('describes a requested target that is not registered as unused (Target.NotRegistered)', async () => {
    const arn = await createTargetGroup();
    const out = await client.send(
      new DescribeTargetHealthCommand({ TargetGroupArn: arn, Targets: [{ Id: '10.9.9.9', Port: 80 }] }),
    );
    expect(out.TargetHealthDescriptions?.[0]?.TargetHealth).toMatchObject({
      State: 'unused',
      Reason: 'Target.NotRegistered',
    });
  });

  it('implements TargetGroupRegistry for the ECS emulator', async () => {
    const arn = await createTargetGroup();
    expect(elbv2.targetGroups.exists(arn)).toBe(true);
    expect(elbv2.targetGroups.exists(`${arn}x`)).toBe(false);
    elbv2.targetGroups.register(arn, [{ id: '10.0.0.40', port: 8080 }]);
    expect(elbv2.targetGroups.health(arn, { id: '10.0.0.40', port: 8080 })?.reason).toBe('Target.NotInUse');
    elbv2.targetGroups.deregister(arn, [{ id: '10.0.0.40', port: 8080 }]);
    expect(elbv2.targetGroups.health(arn, { id: '10.0.0.40', port: 8080 })).toBeUndefined();
  });
});

describe('tags', () => {
  it('adds and describes tags on target groups and load balancers, and rejects unknown resources', async () => {
    const arn = await createTargetGroup(name('tagged'), { Tags: [{ Key: 'app', Value: 'shop' }] });
    await client.send(new AddTagsCommand({ ResourceArns: [arn], Tags: [{ Key: 'colour', Value: 'blue' }] }));
    const out = await client.send(new DescribeTagsCommand({ ResourceArns: [arn] }));
    expect(out.TagDescriptions).toEqual([
      {
        ResourceArn: arn,
        Tags: [
          { Key: 'app', Value: 'shop' },
          { Key: 'colour', Value: 'blue' },
        ],
      },
    ]);
    await expectError(
      client.send(new AddTagsCommand({ ResourceArns: [`${arn}0`], Tags: [{ Key: 'k', Value: 'v' }] })),
      'TargetGroupNotFoundException',
    );
  });
});

describe('request validation on the query protocol', () => {
  it('rejects a bad enum value with ValidationError', async () => {
    const error = await expectError(
      client.send(new CreateTargetGroupCommand({ Name: name('enum'), Protocol: 'FTP' as never, Port: 1 })),
      'ValidationError',
    );
    expect(error.message).toContain("Value 'FTP' at 'protocol' failed to satisfy constraint");
  });

  it('rejects a missing required member with ValidationError', async () => {
    const error = await expectError(
      client.send(new RegisterTargetsCommand({ TargetGroupArn: 'arn:x' } as never)),
      'ValidationError',
    );
    expect(error.message).toContain("Value null at 'targets' failed to satisfy constraint: Member must not be null");
  });

  const post = (body: string) =>
    fetch(aws.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });

  it('rejects an unknown parameter with ValidationError', async () => {
    const res = await post('Action=DescribeTargetGroups&Version=2015-12-01&Bogus=1');
    expect(res.status).toBe(400);
    const xml = await res.text();
    expect(xml).toContain('<Code>ValidationError</Code>');
    expect(xml).toContain('<Type>Sender</Type>');
    expect(xml).toContain('Bogus');
  });

  it('answers an unknown action with InvalidAction naming it', async () => {
    const res = await post('Action=DescribeSSLPolicies&Version=2015-12-01');
    expect(res.status).toBe(400);
    const xml = await res.text();
    expect(xml).toMatch(/<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
    expect(xml).toContain('DescribeSSLPolicies');
    expect(xml).toMatch(/<RequestId>[0-9a-f-]{36}<\/RequestId>/);
  });

  it('accepts the query parameters in the URL of a GET as well', async () => {
    const res = await fetch(`${aws.endpoint}/?Action=DescribeTargetGroups&Version=2015-12-01&Names.member.1=nope`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('<Code>TargetGroupNotFound</Code>');
  });

  it('encodes a result as the ELBv2 XML envelope', async () => {
    const res = await post('Action=DescribeTargetGroups&Version=2015-12-01&Names.member.1=nope-not-there');
    expect(res.status).toBe(400);
    const ok = await post('Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=10');
    const xml = await ok.text();
    expect(xml).toMatch(
      /^<DescribeLoadBalancersResponse xmlns="http:\/\/elasticloadbalancing\.amazonaws\.com\/doc\/2015-12-01\/"><DescribeLoadBalancersResult><LoadBalancers><member>/,
    );
    expect(xml).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata>/);
  });
});
