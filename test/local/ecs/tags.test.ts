import { EcsHarness } from './support/ecs-harness';

describe('ECS resource tags', () => {
  let h: EcsHarness;

  beforeEach(() => {
    h = new EcsHarness();
  });

  afterEach(() => h.close());

  const tagsOf = async (resourceArn: string) =>
    (await h.call<{ tags: Array<{ key: string; value: string }> }>('ListTagsForResource', { resourceArn })).tags;

  it('tags services, task sets and task definitions, replacing values of existing keys', async () => {
    const service = await h.createService(1);
    const taskSet = await h.createTaskSet(await h.registerTaskDefinition('demo-app:blue'), 0);

    for (const arn of [
      service.serviceArn,
      taskSet.taskSetArn,
      'arn:aws:ecs:us-east-1:123456789012:task-definition/app:1',
    ]) {
      await h.call('TagResource', { resourceArn: arn, tags: [{ key: 'colour', value: 'blue' }] });
      await h.call('TagResource', {
        resourceArn: arn,
        tags: [
          { key: 'colour', value: 'green' },
          { key: 'team', value: 'a' },
        ],
      });
      expect(await tagsOf(arn)).toEqual([
        { key: 'colour', value: 'green' },
        { key: 'team', value: 'a' },
      ]);
    }
    await h.call('UntagResource', { resourceArn: service.serviceArn, tagKeys: ['team'] });
    expect(await tagsOf(service.serviceArn)).toEqual([{ key: 'colour', value: 'green' }]);
  });

  it('fails for resources that do not exist', async () => {
    const error = await h.error('ListTagsForResource', {
      resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service/demo/ghost',
    });
    expect(error.code).toBe('ResourceNotFoundException');
  });
});
