/**
 * `cdk destroy` (issue 10, item 9): DeleteStack of the real template after releases removes what the controller made
 * for the stack — its owned rules, the service with its task sets, and every target group the state machines created
 * (the live one included) — and nothing that does not carry the stack's ownership tags.
 */
import {
  CreateTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { localClientConfig } from '../../local/aws/client-config';
import { deleteLocalStack } from '../../harness/deploy/deploy-template';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import { FaultInjector } from '../../oracles/faults/fault-plan';
import { runFlow } from '../../oracles/invariants/flow';
import { LOCAL_REGION } from '../../local/local-aws';
import { stackTemplate } from '../support/harness';

let stack: LocalStack;
afterAll(async () => stack?.close());

test('DeleteStack after two releases leaves no controller target group, rule or task set, and keeps a look-alike', async () => {
  const injector = new FaultInjector();
  stack = await startLocalStack(stackTemplate(), {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
    faults: injector,
  });
  // A whole release, then a second one swapped but not cleaned up: production on green, blue kept as the previous.
  const releases = [
    { commit: 'b1ee000', colour: 'blue', machines: ['deployGreen', 'swap', 'cleanUp'] as const },
    { commit: '9ee0000', colour: 'green', machines: ['deployGreen', 'swap'] as const },
  ];
  for (const { commit, colour, machines } of releases) {
    const flow = await runFlow(stack, { injector, plan: {}, commit, colour, bakeSeconds: 0, machines });
    expect(flow.steps.map((s) => `${s.machine} ${s.result.status}`)).toEqual(machines.map((m) => `${m} SUCCEEDED`));
  }
  const config = localClientConfig(stack.aws.endpoint, LOCAL_REGION);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const ecs = new ECSClient(config);
  try {
    const groups = async () =>
      ((await elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []).map((g) => g.TargetGroupName);
    // A group with the controller's name prefix but not its tags: not the controller's, never touched.
    await elbv2.send(
      new CreateTargetGroupCommand({ Name: 'bg-demo-app-lookalike', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1' }),
    );
    const before = await groups();
    // Live, previous (the second swap kept blue) and the look-alike.
    expect(before.filter((name) => name?.startsWith('bg-demo-app-'))).toHaveLength(3);

    const result = await deleteLocalStack({ endpoint: stack.aws.endpoint });
    expect(result.status).toBe('DELETE_COMPLETE');

    expect(await groups()).toEqual(['bg-demo-app-lookalike']);
    const { services } = await ecs.send(
      new DescribeServicesCommand({ cluster: stack.service.cluster, services: [stack.service.service] }),
    );
    expect(services?.[0]?.status).toBe('INACTIVE');
    expect(stack.aws.elbv2.state().listeners.flatMap((l) => l.rules.filter((r) => !r.IsDefault))).toEqual([]);
  } finally {
    elbv2.destroy();
    ecs.destroy();
  }
}, 180_000);
