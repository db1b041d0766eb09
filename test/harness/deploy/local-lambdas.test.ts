import { HANDLER_TAG } from '../../../infra/lib/private/bundled-function';
import { CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { deployTemplate } from '../../../harness/deploy/deploy-template';
import { localLambdaFor } from '../../../harness/deploy/local-lambdas';
import { runExecution } from '../../../harness/demo/executions';
import type { LocalStack } from '../../../harness/demo/local-stack';
import { TEST_IDLE_MESSAGE } from '../../../infra/lib/constructs/controller-rules';
import { stackTemplate, startTestStack } from '../../support/harness';

/**
 * The template's deployment functions run locally as the shipped handler modules: deploying the synthesized stack
 * registers them with local Step Functions under their (local) ARNs, and a state machine invoking them by those ARNs
 * runs the real validate-input and smoke-test code, the smoke test against the local test listener.
 */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.close());

const input = {
  cluster: 'EcsBlueGreen-Cluster',
  service: 'demo-app',
  commit: 'ABC1234',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:abc1234',
};

test('exactly the functions the state machines invoke are created locally, other functions stay named-only', () => {
  const lambdas = Object.entries(stackTemplate().Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  // validate-input and smoke-test (DeploymentFunctions), swap's green watch, the lifecycle-hook runner and the
  // approvals function (created in either swapApprovalMode).
  const ours = lambdas
    .map(([id]) => id)
    .filter(
      (id) =>
        id.startsWith('DeploymentFunctions') ||
        id.startsWith('StateMachinesGreenWatch') ||
        id.startsWith('StateMachinesLifecycleHooks') ||
        id.startsWith('StateMachinesApprovals'),
    );
  expect(ours).toHaveLength(5);
  expect(lambdas.length).toBeGreaterThan(ours.length); // e.g. CDK's auto-delete-objects provider
  expect(Object.keys(stack.deployed.functions).sort()).toEqual(ours.sort());
  for (const id of ours) {
    expect(stack.deployed.functions[id]).toBe(`arn:aws:lambda:us-east-1:123456789012:function:${id}`);
    expect(stack.deployed.resources.get(id)).toEqual({ ref: id, attributes: { Arn: stack.deployed.functions[id] } });
  }
});

test('deploying without registerLambda fails before creating anything, naming the functions and the fix', async () => {
  const before = stack.aws.ecs.state().services.length;
  await expect(
    deployTemplate(stackTemplate(), {
      endpoint: stack.aws.endpoint,
      region: 'us-east-1',
      accountId: '123456789012',
      listenerUrl: () => '',
    }),
  ).rejects.toThrow(
    /Lambda functions that run locally \(DeploymentFunctionsValidateInput\w{8}, DeploymentFunctionsSmokeTest\w{8}, StateMachinesGreenWatchFunction\w{8}, StateMachinesLifecycleHooksRunner\w{8}, StateMachinesApprovalsFunction\w{8}\) but deployTemplate got no registerLambda option\. Pass registerLambda/,
  );
  expect(stack.aws.ecs.state().services).toHaveLength(before);
});

test('localLambdaFor finds a function by its handler tag, whatever its logical id', () => {
  const tagged = (name: string) => ({ [HANDLER_TAG]: name });
  expect(localLambdaFor('DeploymentFunctionsValidateInput90870C65', tagged('validate-input'))).toBeDefined();
  expect(localLambdaFor('ApiDeploymentFunctionsSmokeTest12345678', tagged('smoke-test'))).toBeDefined();
  expect(localLambdaFor('DeploymentFunctionsValidateInput90870C65', {})).toBeUndefined();
  expect(localLambdaFor('Anything', tagged('no-such-handler'))).toBeUndefined();
  expect(localLambdaFor('CustomS3AutoDeleteObjectsCustomResourceProviderHandler9D90184F', {})).toBeUndefined();
});

describe('a state machine invoking them by ARN', () => {
  let machineArn: string;
  beforeAll(async () => {
    const arnOf = (prefix: string): string =>
      Object.entries(stack.deployed.functions).find(([id]) => id.startsWith(prefix))?.[1] ?? '';
    const definition = {
      StartAt: 'ValidateInput',
      States: {
        ValidateInput: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: arnOf('DeploymentFunctionsValidateInput'), 'Payload.$': '$' },
          ResultSelector: { 'input.$': '$.Payload' },
          ResultPath: '$.validated',
          Next: 'SmokeTest',
        },
        SmokeTest: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: arnOf('DeploymentFunctionsSmokeTest'),
            // The smoke test is a lifecycle hook: the runner passes the execution's input and the test URL.
            Payload: { stage: 'POST_TEST_TRAFFIC_SHIFT', testUrl: stack.urls.test, 'input.$': '$.validated.input' },
          },
          ResultSelector: { 'summary.$': '$.Payload' },
          ResultPath: '$.smoke',
          End: true,
        },
      },
    };
    const created = await stack.sfn.send(
      new CreateStateMachineCommand({
        name: 'invoke-deployment-functions',
        definition: JSON.stringify(definition),
        roleArn: 'arn:aws:iam::123456789012:role/test',
      }),
    );
    machineArn = created.stateMachineArn ?? '';
  });

  test('valid input: validate-input normalizes it and smoke-test GETs the real local test listener', async () => {
    // Before any deployment the test listener answers 503 with its idle message: a real response to check.
    const smokeTest = { paths: ['/', '/healthz'], expectStatus: 503, bodyPattern: 'No green deployment is under test' };
    const result = await runExecution(stack.sfn, machineArn, { ...input, smokeTest });
    expect(result.status).toBe('SUCCEEDED');
    const output = result.output as {
      validated: { input: Record<string, unknown> };
      smoke: {
        summary: {
          hookStatus: string;
          hookDetails: { paths: Array<{ path: string; status: number; passed: boolean }> };
        };
      };
    };
    expect(output.validated.input).toEqual({ ...input, commit: 'abc1234', smokeTest: { ...smokeTest, attempts: 3 } });
    expect(output.smoke.summary.hookStatus).toBe('SUCCEEDED');
    expect(output.smoke.summary.hookDetails.paths.map((p) => [p.path, p.status, p.passed])).toEqual([
      ['/', 503, true],
      ['/healthz', 503, true],
    ]);
  });

  test('invalid input fails the Task with BlueGreen.InvalidInput and the field-by-field cause', async () => {
    const result = await runExecution(stack.sfn, machineArn, { ...input, commit: 'xyz', smokeTest: { paths: [] } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('BlueGreen.InvalidInput');
    // The cause is Lambda's error payload, as Step Functions reports a function error.
    const cause = JSON.parse(result.cause ?? '') as { errorType: string; errorMessage: string };
    expect(cause.errorType).toBe('BlueGreen.InvalidInput');
    expect(cause.errorMessage).toContain("commit is 'xyz' but must be 7-40 hexadecimal characters");
    expect(cause.errorMessage).toContain('smokeTest.paths is [] but must be a list of 1 to 20 URL paths');
  });

  test('a failing smoke test answers FAILED (the hook protocol) naming what the listener answered', async () => {
    const result = await runExecution(stack.sfn, machineArn, {
      ...input,
      smokeTest: { paths: ['/'], attempts: 1 },
    });
    expect(result.status).toBe('SUCCEEDED');
    const answer = (result.output as { smoke: { summary: { hookStatus: string; reason: string } } }).smoke.summary;
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.reason).toContain(`answered 503 with body '${TEST_IDLE_MESSAGE}', but 200 was expected`);
  });
});
