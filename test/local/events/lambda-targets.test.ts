/**
 * Lambda targets of local EventBridge: the rule and the function's resource-based policy come from a stack created
 * through local CloudFormation (the real SDK client), the function is a handler registered with local Step Functions
 * (as local CloudFormation registers a function's local code), and events are put on the bus as local services put
 * theirs.
 */
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  CreateTaskSetCommand,
  ECSClient,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';
import { localClientConfig } from '../../../local/aws/client-config';
import type { CfnTemplate } from '../../../local/cloudformation/model';
import { localEvent, type Delivery, type LocalEvent } from '../../../local/events/event-bus';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

const functionArn = (name: string): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;
const ruleArn = (name: string): string => `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/${name}`;

let aws: RunningLocalAws;
let cfn: CloudFormationClient;
let n = 0;
/** What each function was invoked with, by function name. */
const calls = new Map<string, unknown[]>();

beforeAll(async () => {
  aws = await startLocalAwsStack({ timeScale: 0.01, ports: { api: 0, listeners: {} } });
  cfn = new CloudFormationClient(localClientConfig(aws.endpoint, LOCAL_REGION));
  for (const name of ['Wake', 'Other', 'Throws', 'GreenStopped']) {
    aws.sfn.registerLambda(name, (event) => {
      calls.set(name, [...(calls.get(name) ?? []), event]);
      if (name === 'Throws') return Promise.reject(new TypeError('handler broke'));
      return Promise.resolve({ woken: true });
    });
  }
});
afterAll(async () => {
  cfn?.destroy();
  await aws?.close();
});
// Each test starts with no statement in any function's policy (stacks of earlier tests would allow more).
beforeEach(() => {
  calls.clear();
  for (const { id } of aws.events.lambdaPermissions()) aws.events.removeLambdaPermission(id);
});

/** Polls (wall time, generous) until `check` is truthy. */
async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface RuleOptions {
  readonly fn?: string;
  readonly input?: string;
  /** The permission's SourceArn: the rule's own ARN (GetAtt), another ARN, or none (no condition). */
  readonly sourceArn?: 'rule' | 'none' | string;
  readonly permission?: boolean;
  readonly principal?: string;
  /** The function the permission is for. @default the target's */
  readonly permissionFor?: string;
  readonly pattern?: Record<string, unknown>;
}

/** A stack with one rule on `source: [SOURCE]` targeting a Lambda function, and its AWS::Lambda::Permission. */
async function stackWith(o: RuleOptions = {}): Promise<{ rule: string; source: string }> {
  const stackName = `LambdaTargets${++n}`;
  const source = `test.lambda-targets.${n}`;
  const target = functionArn(o.fn ?? 'Wake');
  const template: CfnTemplate = {
    Resources: {
      Rule: {
        Type: 'AWS::Events::Rule',
        Properties: {
          EventPattern: o.pattern ?? { source: [source] },
          Targets: [{ Id: 'Target', Arn: target, ...(o.input !== undefined && { Input: o.input }) }],
        },
      },
      ...(o.permission !== false && {
        Permission: {
          Type: 'AWS::Lambda::Permission',
          Properties: {
            Action: 'lambda:InvokeFunction',
            FunctionName: o.permissionFor !== undefined ? functionArn(o.permissionFor) : target,
            Principal: o.principal ?? 'events.amazonaws.com',
            ...((o.sourceArn ?? 'rule') === 'rule'
              ? { SourceArn: { 'Fn::GetAtt': ['Rule', 'Arn'] } }
              : o.sourceArn === 'none'
                ? {}
                : { SourceArn: o.sourceArn }),
          },
        },
      }),
    },
  };
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) }));
  await aws.cloudformation.settled(stackName);
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  expect(Stacks?.[0]?.StackStatus).toBe('CREATE_COMPLETE');
  const rule = aws.cloudformation.stack(stackName)?.resources.get('Rule')?.physical.ref ?? '';
  return { rule, source };
}

/** Puts an event and waits until every delivery it caused has completed; returns them. */
async function put(source: string): Promise<{ event: LocalEvent; deliveries: Delivery[] }> {
  const event = localEvent({
    source,
    'detail-type': 'Test Event',
    account: LOCAL_ACCOUNT,
    region: LOCAL_REGION,
    resources: ['arn:aws:ecs:us-east-1:123456789012:task/c/1'],
    time: aws.clock.now(),
    detail: { lastStatus: 'STOPPED' },
  });
  aws.events.putEvent(event);
  await aws.events.settled();
  return { event, deliveries: aws.events.deliveries().filter((d) => d.eventId === event.id) };
}

test('a rule targeting a Lambda function invokes it with the event, when its policy lets EventBridge do so', async () => {
  const { rule, source } = await stackWith();
  const { event, deliveries } = await put(source);
  expect(calls.get('Wake')).toEqual([JSON.parse(JSON.stringify(event))]);
  expect(deliveries).toEqual([
    {
      rule,
      targetId: 'Target',
      eventId: event.id,
      input: JSON.stringify(event),
      outcome: { ok: true, lambdaResult: { woken: true } },
    },
  ]);
});

test('the target’s Input is what the function gets instead of the event', async () => {
  const { source } = await stackWith({ input: '{"wake":"green"}' });
  await put(source);
  expect(calls.get('Wake')).toEqual([{ wake: 'green' }]);
});

test('without an AWS::Lambda::Permission the invocation is refused and recorded as failed; the function never runs', async () => {
  const { source } = await stackWith({ permission: false });
  const { deliveries } = await put(source);
  expect(calls.get('Wake')).toBeUndefined();
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]?.outcome).toEqual({ ok: false, error: expect.stringMatching(/^AccessDeniedException: /) });
});

test('a permission whose SourceArn is another rule’s does not allow this rule; a wildcard that matches does', async () => {
  const wrong = await stackWith({ sourceArn: ruleArn('some-other-rule') });
  expect((await put(wrong.source)).deliveries[0]?.outcome).toMatchObject({ ok: false });
  expect(calls.get('Wake')).toBeUndefined();

  const wildcard = await stackWith({ sourceArn: ruleArn('LambdaTargets*') });
  expect((await put(wildcard.source)).deliveries[0]?.outcome).toMatchObject({ ok: true });
  // Without a SourceArn condition any rule of any account may invoke it (what AWS warns against, but allows).
  const unconditioned = await stackWith({ sourceArn: 'none' });
  expect((await put(unconditioned.source)).deliveries[0]?.outcome).toMatchObject({ ok: true });
  expect(calls.get('Wake')).toHaveLength(2);
});

test('a permission for another principal or another function does not allow EventBridge to invoke this one', async () => {
  const principal = await stackWith({ principal: 'sns.amazonaws.com' });
  expect((await put(principal.source)).deliveries[0]?.outcome).toMatchObject({ ok: false });
  // A statement in Wake's policy, a rule targeting Other: Other's policy has none.
  const other = await stackWith({ fn: 'Other', permissionFor: 'Wake', sourceArn: 'none' });
  expect((await put(other.source)).deliveries[0]?.outcome).toMatchObject({ ok: false });
  expect(calls.size).toBe(0);
});

test('a function that throws, or that does not exist, is a failed delivery (no retries, no dead-letter queue)', async () => {
  const throws = await stackWith({ fn: 'Throws' });
  expect((await put(throws.source)).deliveries[0]?.outcome).toEqual({ ok: false, error: 'TypeError: handler broke' });
  expect(calls.get('Throws')).toHaveLength(1);

  const missing = await stackWith({ fn: 'NoSuchFunction' });
  expect((await put(missing.source)).deliveries[0]?.outcome).toEqual({
    ok: false,
    error: expect.stringMatching(/^ResourceNotFoundException: Function not found/),
  });
});

test('putRule refuses a Lambda target that is not a function ARN', () => {
  expect(() =>
    aws.events.putRule({
      name: 'bad',
      eventPattern: { source: ['x'] },
      targets: [{ id: 't', arn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:layer:x` }],
    }),
  ).toThrow(/invokes only Step Functions state machines, CodePipeline pipelines and Lambda functions/);
});

test('local AWS wires ECS to the bus and the bus to Lambda: a stopped task of the task set wakes the function', async () => {
  const ecs = new ECSClient(localClientConfig(aws.endpoint, LOCAL_REGION));
  try {
    await ecs.send(new CreateClusterCommand({ clusterName: 'events' }));
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'events',
        serviceName: 'web',
        desiredCount: 1,
        deploymentController: { type: 'EXTERNAL' },
      }),
    );
    const { taskDefinition } = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'web',
        containerDefinitions: [
          { name: 'web', image: 'local/demo-app:blue', essential: true, portMappings: [{ containerPort: 8080 }] },
        ],
      }),
    );
    const { taskSet } = await ecs.send(
      new CreateTaskSetCommand({
        cluster: 'events',
        service: 'web',
        taskDefinition: taskDefinition?.taskDefinitionArn,
        launchType: 'FARGATE',
        scale: { value: 100, unit: 'PERCENT' },
      }),
    );
    const green = taskSet?.id ?? '';
    await stackWith({
      fn: 'GreenStopped',
      pattern: {
        source: ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        detail: { lastStatus: ['STOPPED'], startedBy: [green] },
      },
    });
    const [taskArn] = await until('a task', async () => {
      const { taskArns = [] } = await ecs.send(new ListTasksCommand({ cluster: 'events', startedBy: green }));
      return taskArns.length > 0 && taskArns;
    });
    await ecs.send(new StopTaskCommand({ cluster: 'events', task: taskArn, reason: 'green is bad' }));
    const [woken] = await until('the function woken', () => calls.get('GreenStopped'));
    expect(woken).toMatchObject({
      source: 'aws.ecs',
      'detail-type': 'ECS Task State Change',
      resources: [taskArn],
      detail: { lastStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: 'green is bad', startedBy: green },
    });
  } finally {
    ecs.destroy();
  }
});
