/**
 * AWS::Lambda::Function through local CloudFormation (the real SDK clients): a function with local code is invocable
 * through the Lambda API once its stack is created, runs the code made for its current properties after an update,
 * and is gone once the stack is deleted; a function without local code is not invocable.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { deleteLocalStack, updateTemplate } from '../../../harness/deploy/deploy-template';
import { localClientConfig } from '../../../local/aws/client-config';
import type { LocalFunctionCode, LocalFunctionEnv } from '../../../local/cloudformation/environment';
import type { CfnTemplate } from '../../../local/cloudformation/model';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';
import { errorOf, json } from './support';

const ROLE = `arn:aws:iam::${LOCAL_ACCOUNT}:role/HookRole`;

/** Local code for `Hook` only: it answers with the environment variable and the role it was made with. */
const functions: LocalFunctionCode = {
  lambdaFor: (logicalId) =>
    logicalId === 'Hook'
      ? (env: LocalFunctionEnv) => (event) =>
          Promise.resolve({ stage: env.variables.STAGE ?? null, keyId: env.credentials.accessKeyId, event })
      : undefined,
  customResourceHandlerFor: () => undefined,
};

const template = (stage: string): CfnTemplate => ({
  Resources: {
    Hook: {
      Type: 'AWS::Lambda::Function',
      Properties: {
        Role: ROLE,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Environment: { Variables: { STAGE: stage } },
      },
    },
    NoLocalCode: {
      Type: 'AWS::Lambda::Function',
      Properties: { Role: ROLE, Runtime: 'nodejs20.x', Handler: 'index.handler' },
    },
  },
  Outputs: { HookArn: { Value: { 'Fn::GetAtt': ['Hook', 'Arn'] } } },
});

let aws: RunningLocalAws;
let cfn: CloudFormationClient;
let lambda: LambdaClient;

beforeAll(async () => {
  aws = await startLocalAwsStack({ timeScale: 0.01, ports: { api: 0, listeners: {} }, functions });
  cfn = new CloudFormationClient(localClientConfig(aws.endpoint, LOCAL_REGION));
  lambda = new LambdaClient(localClientConfig(aws.endpoint, LOCAL_REGION));
});
afterAll(async () => {
  cfn?.destroy();
  lambda?.destroy();
  await aws?.close();
});

const invokeHook = async (functionName: string) =>
  json((await lambda.send(new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from('{"n":1}') }))).Payload);

test('a stack function with local code is registered on create, re-registered on update, deregistered on delete', async () => {
  const stackName = 'Hooks';
  await cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template('blue')) }));
  expect((await aws.cloudformation.settled(stackName)).status).toBe('CREATE_COMPLETE');
  const arn = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:Hook`;
  expect(aws.lambda.functions()).toEqual([{ name: 'Hook', arn }]);

  // By name and by the ARN GetAtt gives; the code runs with its role's credentials and its environment.
  expect(await invokeHook('Hook')).toMatchObject({ stage: 'blue', event: { n: 1 } });
  expect(await invokeHook(arn)).toMatchObject({ stage: 'blue', keyId: expect.stringMatching(/^LOCALROLE/) as unknown });

  // A function without local code is not invocable.
  expect((await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'NoLocalCode' })))).name).toBe(
    'ResourceNotFoundException',
  );

  const updated = await updateTemplate(template('green'), { endpoint: aws.endpoint, stackName });
  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect(await invokeHook('Hook')).toMatchObject({ stage: 'green' });

  const deleted = await deleteLocalStack({ endpoint: aws.endpoint, stackName });
  expect(deleted.status).toBe('DELETE_COMPLETE');
  expect(aws.lambda.functions()).toEqual([]);
  expect(await errorOf(lambda.send(new InvokeCommand({ FunctionName: 'Hook' })))).toMatchObject({
    name: 'ResourceNotFoundException',
    message: `Function not found: ${arn}`,
    status: 404,
  });
});
