import { invokeLocalLambda, lambdaFunctionName } from '../../../local/stepfunctions/lambda-task';

describe('lambda:invoke with local handlers', () => {
  it.each([
    ['deploy', 'deploy'],
    ['deploy:live', 'deploy'],
    ['123456789012:function:deploy', 'deploy'],
    ['arn:aws:lambda:us-east-1:123456789012:function:deploy', 'deploy'],
    ['arn:aws:lambda:us-east-1:123456789012:function:deploy:$LATEST', 'deploy'],
  ])('finds the function name in %s', (given, name) => {
    expect(lambdaFunctionName(given)).toBe(name);
  });

  it('passes {} when there is no Payload and returns JSON only', async () => {
    const seen: unknown[] = [];
    const result = await invokeLocalLambda(
      {
        f: (event) => {
          seen.push(event);
          return Promise.resolve({ at: new Date('2026-01-01T00:00:00Z'), skipped: undefined });
        },
      },
      { FunctionName: 'f' },
    );
    expect(seen).toEqual([{}]);
    expect(result).toEqual({
      Payload: { at: '2026-01-01T00:00:00.000Z' },
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
    });
  });

  it('does not treat inherited object properties as registered functions', async () => {
    await expect(invokeLocalLambda({}, { FunctionName: 'toString' })).rejects.toMatchObject({ name: 'States.Runtime' });
  });
});
