/**
 * AWS::Lambda::Permission through local CloudFormation (the real SDK client): the statement reaches the local event
 * bus (what EventBridge's Lambda targets are judged by), a change of any property replaces it, a stack delete
 * removes it, and what AddPermission refuses fails the resource.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { deleteLocalStack, updateTemplate } from '../../../harness/deploy/deploy-template';
import { localClientConfig } from '../../../local/aws/client-config';
import type { CfnTemplate } from '../../../local/cloudformation/model';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';

const FUNCTION = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:Wake`;

let aws: RunningLocalAws;
let cfn: CloudFormationClient;
let n = 0;

beforeAll(async () => {
  aws = await startLocalAwsStack({ timeScale: 0.01, ports: { api: 0, listeners: {} } });
  cfn = new CloudFormationClient(localClientConfig(aws.endpoint, LOCAL_REGION));
});
afterAll(async () => {
  cfn?.destroy();
  await aws?.close();
});

const template = (properties: Record<string, unknown>): CfnTemplate => ({
  Resources: { Permission: { Type: 'AWS::Lambda::Permission', Properties: properties } },
  Outputs: {
    Ref: { Value: { Ref: 'Permission' } },
    Id: { Value: { 'Fn::GetAtt': ['Permission', 'Id'] } },
  },
});

const allow = (sourceArn: string): Record<string, unknown> => ({
  Action: 'lambda:InvokeFunction',
  FunctionName: FUNCTION,
  Principal: 'events.amazonaws.com',
  SourceArn: sourceArn,
});

async function create(t: CfnTemplate): Promise<{ stackName: string; status: string }> {
  const stackName = `Permissions${++n}`;
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(t) }));
  await aws.cloudformation.settled(stackName);
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return { stackName, status: Stacks?.[0]?.StackStatus ?? '' };
}

const outputs = async (stackName: string): Promise<Record<string, string>> => {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  return Object.fromEntries((Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
};

test('the statement reaches the bus; Ref and GetAtt Id are its statement id; a change replaces it; delete removes it', async () => {
  const ruleA = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/a`;
  const { stackName, status } = await create(template(allow(ruleA)));
  expect(status).toBe('CREATE_COMPLETE');
  const first = await outputs(stackName);
  expect(first.Ref).toMatch(new RegExp(`^${stackName}-Permission-[A-Z0-9]{13}$`));
  expect(first.Id).toBe(first.Ref);
  expect(aws.events.lambdaPermissions()).toEqual([
    {
      id: first.Ref,
      functionName: FUNCTION,
      action: 'lambda:InvokeFunction',
      principal: 'events.amazonaws.com',
      sourceArn: ruleA,
    },
  ]);

  // Every property is "Update requires: Replacement": a new statement, the old one removed in cleanup.
  const ruleB = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/b`;
  const updated = await updateTemplate(template(allow(ruleB)), { endpoint: aws.endpoint, stackName });
  expect(updated.status).toBe('UPDATE_COMPLETE');
  const second = await outputs(stackName);
  expect(second.Ref).not.toBe(first.Ref);
  expect(aws.events.lambdaPermissions()).toEqual([expect.objectContaining({ id: second.Ref, sourceArn: ruleB })]);

  const deleted = await deleteLocalStack({ endpoint: aws.endpoint, stackName });
  expect(deleted.status).toBe('DELETE_COMPLETE');
  expect(aws.events.lambdaPermissions()).toEqual([]);
});

test.each([
  [{ ...allow('arn:aws:events:us-east-1:123456789012:rule/a'), Principal: undefined }, /Principal cannot be empty/],
  [{ ...allow('arn:aws:events:us-east-1:123456789012:rule/a'), Action: 'InvokeFunction' }, /Action InvokeFunction/],
  [allow('rule/a'), /SourceArn rule\/a is not an ARN/],
  [{ ...allow('arn:aws:events:us-east-1:123456789012:rule/a'), FunctionName: 'not a name' }, /FunctionName/],
  [{ ...allow('arn:aws:events:us-east-1:123456789012:rule/a'), Unknown: 1 }, /Unknown, which local AWS does not map/],
])('what AddPermission refuses fails the resource and rolls the stack back: %j', async (properties, reason) => {
  const { stackName, status } = await create(template(properties));
  expect(status).toBe('ROLLBACK_COMPLETE');
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  expect(StackEvents.find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toMatch(reason);
  expect(aws.events.lambdaPermissions()).toEqual([]);
});
