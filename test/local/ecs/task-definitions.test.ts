import { EcsHarness } from './support/ecs-harness';

interface TaskDefinitionWire {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: string;
  containerDefinitions: Array<{ name: string; image: string; essential: boolean }>;
  networkMode?: string;
  deregisteredAt?: number;
}

describe('ECS task definitions', () => {
  let h: EcsHarness;

  beforeEach(() => {
    h = new EcsHarness();
  });

  afterEach(() => h.close());

  const describeDefinition = async (taskDefinition: string): Promise<TaskDefinitionWire> =>
    (await h.call<{ taskDefinition: TaskDefinitionWire }>('DescribeTaskDefinition', { taskDefinition })).taskDefinition;

  it('registers numbered revisions and echoes the definition back', async () => {
    const first = await h.registerTaskDefinition('demo-app:blue');
    const second = await h.registerTaskDefinition('demo-app:green');
    expect(first).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/app:1');
    expect(second).toBe('arn:aws:ecs:us-east-1:123456789012:task-definition/app:2');

    const described = await describeDefinition('app:1');
    expect(described).toMatchObject({ family: 'app', revision: 1, status: 'ACTIVE', networkMode: 'awsvpc' });
    expect(described.containerDefinitions.map((c) => [c.name, c.image, c.essential])).toEqual([
      ['log-router', 'fluent-bit:1', false],
      ['web', 'demo-app:blue', true],
    ]);
  });

  it('resolves a bare family to its latest ACTIVE revision, and a revision or ARN exactly', async () => {
    await h.registerTaskDefinition('demo-app:blue');
    const second = await h.registerTaskDefinition('demo-app:green');
    expect((await describeDefinition('app')).revision).toBe(2);
    expect((await describeDefinition('app:1')).revision).toBe(1);
    expect((await describeDefinition(second)).revision).toBe(2);

    const { taskDefinition } = await h.call<{ taskDefinition: TaskDefinitionWire }>('DeregisterTaskDefinition', {
      taskDefinition: 'app:2',
    });
    expect(taskDefinition.status).toBe('INACTIVE');
    expect(taskDefinition.deregisteredAt).toEqual(expect.any(Number));
    expect((await describeDefinition('app')).revision).toBe(1);
    expect((await describeDefinition('app:2')).status).toBe('INACTIVE'); // still describable by revision
  });

  it('fails with ClientException for unknown definitions and invalid containers', async () => {
    const unknown = await h.error('DescribeTaskDefinition', { taskDefinition: 'ghost:1' });
    expect(unknown.code).toBe('ClientException');
    expect(unknown.message).toBe('Unable to describe task definition.');
    expect((await h.error('DeregisterTaskDefinition', { taskDefinition: 'ghost:1' })).code).toBe('ClientException');
    const noImage = await h.error('RegisterTaskDefinition', { family: 'app', containerDefinitions: [{ name: 'web' }] });
    expect(noImage.code).toBe('ClientException');
    expect(noImage.message).toBe('Container.image should not be null or empty.');
    expect((await h.error('RegisterTaskDefinition', { family: 'app', containerDefinitions: [] })).code).toBe(
      'ClientException',
    );
  });
});
