/**
 * Local IAM on Lambda Invoke: the mapping (lambda:InvokeFunction on the function ARN, qualified when the call names a
 * qualifier) and, with enforcement on, what a role signing the real SDK client is allowed and refused; local AWS's
 * fault hook applies to Lambda calls as to any other.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { localClientConfig } from '../../../local/aws/client-config';
import { AwsError } from '../../../local/aws/service';
import { accessKeyForRole } from '../../../local/aws/principal';
import { iamAuthorizer } from '../../../local/iam/enforce';
import { authorizationsFor } from '../../../local/iam/request-authorization';
import type { RolePolicies } from '../../../local/iam/template-policies';
import { LOCAL_ACCOUNT, LOCAL_REGION, startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';
import { errorOf } from './support';

const scope = { region: LOCAL_REGION, accountId: LOCAL_ACCOUNT };
const ARN = `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function`;

describe('the IAM mapping of Invoke', () => {
  const invoke = (input: Record<string, unknown>) =>
    authorizationsFor({ service: 'Lambda', operation: 'Invoke', input }, scope);

  test.each([
    [{ FunctionName: 'hook' }, `${ARN}:hook`],
    [{ FunctionName: `${LOCAL_ACCOUNT}:function:hook` }, `${ARN}:hook`],
    [{ FunctionName: `${ARN}:hook` }, `${ARN}:hook`],
    [{ FunctionName: 'hook:live' }, `${ARN}:hook:live`],
    [{ FunctionName: 'hook', Qualifier: '$LATEST' }, `${ARN}:hook:$LATEST`],
    [
      { FunctionName: 'arn:aws:lambda:eu-west-1:210987654321:function:hook' },
      'arn:aws:lambda:eu-west-1:210987654321:function:hook',
    ],
  ])('%j is lambda:InvokeFunction on %s', (input, resource) => {
    expect(invoke(input)).toEqual([{ action: 'lambda:InvokeFunction', resource }]);
  });

  test('another Lambda operation is not mapped and fails loudly', () => {
    expect(() => authorizationsFor({ service: 'Lambda', operation: 'ListFunctions', input: {} }, scope)).toThrow(
      /No IAM authorization mapping for Lambda ListFunctions/,
    );
  });
});

describe('with enforcement on', () => {
  const RUNNER = `arn:aws:iam::${LOCAL_ACCOUNT}:role/HookRunner`;
  const roles: RolePolicies[] = [
    {
      roleLogicalId: 'HookRunner',
      roleArn: RUNNER,
      statements: [
        {
          policy: 'HookRunnerPolicy',
          index: 0,
          statement: { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: [`${ARN}:allowed-hook`] },
        },
      ],
    },
  ];
  let aws: RunningLocalAws;
  let runner: LambdaClient;
  let unsigned: LambdaClient;
  let calls = 0;

  beforeAll(async () => {
    aws = await startLocalAwsStack({
      timeScale: 0.01,
      ports: { api: 0, listeners: {} },
      authorize: iamAuthorizer(() => roles, scope),
      faults: {
        beforeInvoke: (call) =>
          call.service === 'Lambda' && (call.input as { FunctionName?: string }).FunctionName === 'throttled'
            ? new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429)
            : undefined,
      },
    });
    runner = new LambdaClient(localClientConfig(aws.endpoint, LOCAL_REGION, accessKeyForRole(RUNNER)));
    unsigned = new LambdaClient(localClientConfig(aws.endpoint, LOCAL_REGION));
    for (const name of ['allowed-hook', 'other-hook', 'throttled']) {
      aws.lambda.register(name, () => {
        calls++;
        return Promise.resolve('ran');
      });
    }
  });
  afterAll(async () => {
    runner?.destroy();
    unsigned?.destroy();
    await aws?.close();
  });

  test('a role allowed lambda:InvokeFunction on the function invokes it (every invocation type)', async () => {
    expect((await runner.send(new InvokeCommand({ FunctionName: 'allowed-hook' }))).StatusCode).toBe(200);
    expect(
      (await runner.send(new InvokeCommand({ FunctionName: `${ARN}:allowed-hook`, InvocationType: 'DryRun' })))
        .StatusCode,
    ).toBe(204);
    expect(aws.server.callLog.entries({ service: 'Lambda', principal: RUNNER }).length).toBeGreaterThanOrEqual(2);
  });

  test('another function, or a qualified ARN the grant does not cover, is AccessDeniedException (403) and never runs', async () => {
    const before = calls;
    expect(await errorOf(runner.send(new InvokeCommand({ FunctionName: 'other-hook' })))).toEqual({
      name: 'AccessDeniedException',
      message: `User: ${RUNNER} is not authorized to perform: lambda:InvokeFunction on resource: ${ARN}:other-hook because no identity-based policy allows the lambda:InvokeFunction action`,
      status: 403,
      type: undefined,
    });
    expect(
      (await errorOf(runner.send(new InvokeCommand({ FunctionName: 'allowed-hook', Qualifier: '$LATEST' })))).name,
    ).toBe('AccessDeniedException');
    expect(calls).toBe(before);
  });

  test('the check comes before the function lookup: an unknown function is denied, not reported missing', async () => {
    expect((await errorOf(runner.send(new InvokeCommand({ FunctionName: 'no-such-hook' })))).name).toBe(
      'AccessDeniedException',
    );
  });

  test('calls signed by no known role are not judged', async () => {
    expect((await unsigned.send(new InvokeCommand({ FunctionName: 'other-hook' }))).StatusCode).toBe(200);
  });

  test('the fault hook sees Lambda calls: an injected error answers the call, the function never runs', async () => {
    const before = calls;
    expect(await errorOf(unsigned.send(new InvokeCommand({ FunctionName: 'throttled' })))).toMatchObject({
      name: 'TooManyRequestsException',
      message: 'Rate Exceeded.',
      status: 429,
    });
    expect(calls).toBe(before);
  });
});
