import { handler } from '../../../lambdas/validate-input/handler';

const input = {
  cluster: 'EcsBlueGreen-Cluster',
  service: 'demo-app',
  commit: 'ABCDEF0',
  image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:abcdef0',
};

test('resolves with the normalized input', async () => {
  await expect(handler(input)).resolves.toEqual({ ...input, commit: 'abcdef0' });
});

test('rejects (never throws synchronously) with an error whose name is the Step Functions error', async () => {
  const result = handler({ ...input, commit: 'xyz' });
  await expect(result).rejects.toMatchObject({
    name: 'BlueGreen.InvalidInput',
    message: expect.stringContaining("commit is 'xyz' but must be 7-40 hexadecimal characters") as unknown,
  });
});
