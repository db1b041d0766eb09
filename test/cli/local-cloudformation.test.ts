import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { STACK_NAME } from '../../examples/demo/create-app';
import { DEFAULT_STACK_NAME } from '../../local/cloudformation/service';
import { localClientConfig } from '../../local/aws/client-config';
import type { LocalStack } from '../../harness/demo/local-stack';
import { startTestStack } from '../support/harness';

let stack: LocalStack;
let cfn: CloudFormationClient;
beforeAll(async () => {
  stack = await startTestStack();
  cfn = new CloudFormationClient(localClientConfig(stack.aws.endpoint, 'us-east-1'));
});
afterAll(async () => {
  cfn?.destroy();
  await stack?.close();
});

test('local CloudFormation names the stack as cdk deploy does', () => {
  expect(DEFAULT_STACK_NAME).toBe(STACK_NAME);
});

test('DescribeStacks (query protocol 2010-05-15) returns the deployed stack and its outputs', async () => {
  const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: 'EcsBlueGreen' }));
  expect(Stacks).toHaveLength(1);
  const [described] = Stacks ?? [];
  expect(described).toMatchObject({
    StackName: 'EcsBlueGreen',
    StackStatus: 'CREATE_COMPLETE',
    StackId: expect.stringMatching(
      /^arn:aws:cloudformation:us-east-1:123456789012:stack\/EcsBlueGreen\/[0-9a-f-]{36}$/,
    ),
  });
  expect(described?.CreationTime).toBeInstanceOf(Date);
  const outputs = Object.fromEntries((described?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  expect(outputs).toEqual(stack.deployed.outputs);
  expect(outputs.TestUrl).toBe(stack.urls.test);
  // By stack id, too.
  const byId = await cfn.send(new DescribeStacksCommand({ StackName: described?.StackId }));
  expect(byId.Stacks?.[0]?.StackName).toBe('EcsBlueGreen');
});

test('an unknown stack is a ValidationError, as on AWS', async () => {
  await expect(cfn.send(new DescribeStacksCommand({ StackName: 'Nope' }))).rejects.toMatchObject({
    name: 'ValidationError',
    message: 'Stack with id Nope does not exist',
  });
});
