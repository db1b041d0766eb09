/** `registerLambda`: functions registered after the service started are what lambda:invoke Tasks run. */
import { createClock } from '../../../local/aws/clock';
import { createStepFunctionsService, type StepFunctionsService } from '../../../local/stepfunctions/service';
import { createMachine, outputOf, runToEnd } from './harness';

let sfn: StepFunctionsService;
beforeEach(() => {
  sfn = createStepFunctionsService({
    clock: createClock(0.001),
    region: 'us-east-1',
    accountId: '123456789012',
    endpoint: () => 'http://127.0.0.1:9',
    lambdas: { existing: () => Promise.resolve('existing') },
  });
});
afterEach(() => sfn.close());

const invoke = (functionName: string) => ({
  StartAt: 'Invoke',
  States: {
    Invoke: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: functionName, 'Payload.$': '$' },
      OutputPath: '$.Payload',
      End: true,
    },
  },
});

test('a function registered by ARN after the state machine was created runs, and the creation-time ones still do', async () => {
  const arn = 'arn:aws:lambda:us-east-1:123456789012:function:later';
  const machine = await createMachine(sfn, 'm', invoke(`${arn}:live`));
  const before = await runToEnd(sfn, machine, { n: 1 });
  expect(before.status).toBe('FAILED');
  expect(before.error).toBe('States.Runtime');

  sfn.registerLambda(arn, (event) => Promise.resolve({ doubled: (event as { n: number }).n * 2 }));
  const after = await runToEnd(sfn, machine, { n: 21 });
  expect(after.status).toBe('SUCCEEDED');
  expect(outputOf(after)).toEqual({ doubled: 42 });

  const existing = await runToEnd(sfn, await createMachine(sfn, 'e', invoke('existing')), {});
  expect(outputOf(existing)).toBe('existing');
});

test('registering a name again replaces its handler, and errors keep their name as the Task error', async () => {
  const machine = await createMachine(sfn, 'm', invoke('f'));
  sfn.registerLambda('f', () => Promise.resolve(1));
  sfn.registerLambda('f', () => {
    const error = new Error('field x is wrong');
    error.name = 'BlueGreen.InvalidInput';
    return Promise.reject(error);
  });
  const result = await runToEnd(sfn, machine, {});
  expect(result).toMatchObject({ status: 'FAILED', error: 'BlueGreen.InvalidInput' });
  expect(JSON.parse(result.cause ?? '')).toMatchObject({
    errorType: 'BlueGreen.InvalidInput',
    errorMessage: 'field x is wrong',
  });
});

test('a function named __proto__ is an ordinary entry, never the table’s prototype', async () => {
  sfn.registerLambda('__proto__', () => Promise.resolve('proto'));
  const result = await runToEnd(sfn, await createMachine(sfn, 'p', invoke('__proto__')), {});
  expect(outputOf(result)).toBe('proto');
  expect(Object.getPrototypeOf({})).toBe(Object.prototype);
});

test('registerLambda refuses names Lambda would refuse, saying what is allowed', () => {
  expect(() => sfn.registerLambda('bad name', () => Promise.resolve(null))).toThrow(
    /Cannot register Lambda function 'bad name': its name 'bad name' must be 1-64 letters, digits, '-' or '_'/,
  );
});
