import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateTaskSetCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTaskSetsCommand,
  ECSClient,
  ListTagsForResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { accessKeyForRole } from '../../../local/aws/principal';
import type { CfnTemplate } from '../../../local/cloudformation/model';
import { fixtureRequests } from '../../../local/cloudformation/fixture-custom-resource';
import { deleteLocalStack, deployTemplate, updateTemplate } from '../../../harness/deploy/deploy-template';
import { LOCAL_FUNCTION_CODE } from '../../../harness/deploy/local-lambdas';
import { localClientConfig } from '../../../local/aws/client-config';
import { startLocalAwsStack, type RunningLocalAws } from '../../../local/local-aws';
import { FIXTURE_ROLE, smallTemplate } from './templates';

let aws: RunningLocalAws;
let cfn: CloudFormationClient;
let ecs: ECSClient;
let elbv2: ElasticLoadBalancingV2Client;
let n = 0;
let stackName = '';

beforeAll(async () => {
  aws = await startLocalAwsStack({
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
    functions: LOCAL_FUNCTION_CODE,
  });
  const config = localClientConfig(aws.endpoint, 'us-east-1');
  cfn = new CloudFormationClient(config);
  ecs = new ECSClient(config);
  elbv2 = new ElasticLoadBalancingV2Client(config);
});
afterAll(async () => {
  cfn?.destroy();
  ecs?.destroy();
  elbv2?.destroy();
  await aws?.close();
});

/** Each test its own stack (names are unique; resources with fixed names need a fresh local AWS per conflict). */
async function createStack(template: CfnTemplate): Promise<string> {
  stackName = `Stack${++n}`;
  await cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify(template),
      Capabilities: ['CAPABILITY_IAM'],
    }),
  );
  await aws.cloudformation.settled(stackName);
  return stackName;
}

const update = (template: CfnTemplate) => updateTemplate(template, { endpoint: aws.endpoint, stackName });
const describe = async () => (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
const physical = (id: string) => aws.cloudformation.stack(stackName)?.resources.get(id)?.physical.ref ?? '';
const service = async () =>
  (await ecs.send(new DescribeServicesCommand({ cluster: 'cfn-test', services: ['web'] }))).services?.[0];
const ruleActions = async () =>
  (await elbv2.send(new DescribeRulesCommand({ RuleArns: [physical('Rule')] }))).Rules?.[0]?.Actions;
const stackDeleted = () => deleteLocalStack({ endpoint: aws.endpoint, stackName });

afterEach(async () => {
  // Free the fixed names (cluster, service) for the next test.
  const stack = aws.cloudformation.stack(stackName);
  if (stack && stack.status !== 'DELETE_COMPLETE') await stackDeleted();
});

test('CreateStack over the query protocol: statuses, events, outputs, GetTemplate and resources', async () => {
  const template = smallTemplate();
  await createStack(template);
  const stack = await describe();
  expect(stack).toMatchObject({ StackName: stackName, StackStatus: 'CREATE_COMPLETE', DisableRollback: false });
  const outputs = Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  expect(outputs.ServiceName).toBe('web');
  expect(outputs.TaskDefinitionArn).toMatch(/:task-definition\/web:\d+$/);

  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  // Newest first: the stack's CREATE_COMPLETE, and its CREATE_IN_PROGRESS last.
  expect(StackEvents[0]).toMatchObject({ LogicalResourceId: stackName, ResourceStatus: 'CREATE_COMPLETE' });
  expect(StackEvents.at(-1)).toMatchObject({
    ResourceType: 'AWS::CloudFormation::Stack',
    ResourceStatus: 'CREATE_IN_PROGRESS',
  });
  const serviceDone = StackEvents.find(
    (e) => e.LogicalResourceId === 'Service' && e.ResourceStatus === 'CREATE_COMPLETE',
  );
  expect(serviceDone).toMatchObject({
    ResourceType: 'AWS::ECS::Service',
    PhysicalResourceId: expect.stringMatching(/:service\/cfn-test\/web$/),
    Timestamp: expect.any(Date),
  });
  // Dependency order: the cluster before the service, the listener before its rule.
  const completed = [...StackEvents]
    .reverse()
    .filter((e) => e.ResourceStatus === 'CREATE_COMPLETE')
    .map((e) => e.LogicalResourceId);
  expect(completed.indexOf('Cluster')).toBeLessThan(completed.indexOf('Service'));
  expect(completed.indexOf('Listener')).toBeLessThan(completed.indexOf('Rule'));

  const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: stackName }));
  expect(JSON.parse(TemplateBody ?? '')).toEqual(template);
  const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
  expect(StackResourceSummaries.map((r) => r.LogicalResourceId).sort()).toEqual(Object.keys(template.Resources).sort());
  expect((await service())?.desiredCount).toBe(2);
});

test('CreateStack of an existing name, an unchanged update, TemplateURL and IAM capabilities fail as on AWS', async () => {
  await createStack(smallTemplate());
  const body = JSON.stringify(smallTemplate());
  await expect(
    cfn.send(new CreateStackCommand({ StackName: stackName, TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] })),
  ).rejects.toMatchObject({ name: 'AlreadyExistsException' });
  await expect(
    cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateBody: body, Capabilities: ['CAPABILITY_IAM'] })),
  ).rejects.toMatchObject({ name: 'ValidationError', message: 'No updates are to be performed.' });
  await expect(
    cfn.send(new UpdateStackCommand({ StackName: stackName, TemplateURL: 'https://s3.amazonaws.com/b/t.json' })),
  ).rejects.toMatchObject({
    name: 'ValidationError',
    message: expect.stringContaining('pass the template as TemplateBody'),
  });
  await expect(
    cfn.send(
      new UpdateStackCommand({
        StackName: stackName,
        TemplateBody: JSON.stringify(smallTemplate({ desiredCount: 3 })),
      }),
    ),
  ).rejects.toMatchObject({
    name: 'InsufficientCapabilitiesException',
    message: 'Requires capabilities : [CAPABILITY_IAM]',
  });
  await expect(cfn.send(new DescribeStacksCommand({ StackName: 'Nope' }))).rejects.toMatchObject({
    name: 'ValidationError',
    message: 'Stack with id Nope does not exist',
  });
});

test('an update while the stack is UPDATE_IN_PROGRESS is a ValidationError naming the stack and its status', async () => {
  await createStack(smallTemplate());
  const request = (count: number) => ({
    StackName: stackName,
    TemplateBody: JSON.stringify(smallTemplate({ desiredCount: count })),
    Capabilities: ['CAPABILITY_IAM'],
  });
  const { StackId } = aws.cloudformation.updateStack(request(3));
  expect(() => aws.cloudformation.updateStack(request(4))).toThrow(
    `Stack:${StackId} is in UPDATE_IN_PROGRESS state and can not be updated.`,
  );
  await aws.cloudformation.settled(stackName);
  expect((await describe())?.StackStatus).toBe('UPDATE_COMPLETE');
});

test('a service update resends the template DesiredCount whenever the resource changes; without it the live count stays', async () => {
  await createStack(smallTemplate({ desiredCount: 2 }));
  await ecs.send(new UpdateServiceCommand({ cluster: 'cfn-test', service: 'web', desiredCount: 5 }));
  // Only a tag changes: CloudFormation sends DesiredCount too, so the service goes back to the template's 2.
  const tagged = await update(smallTemplate({ desiredCount: 2, serviceTags: [{ Key: 'team', Value: 'a' }] }));
  expect(tagged.status).toBe('UPDATE_COMPLETE');
  expect((await service())?.desiredCount).toBe(2);
  const tags = await ecs.send(new ListTagsForResourceCommand({ resourceArn: physical('Service') }));
  expect(tags.tags).toEqual([{ key: 'team', value: 'a' }]);

  await ecs.send(new UpdateServiceCommand({ cluster: 'cfn-test', service: 'web', desiredCount: 5 }));
  const untracked = await update(
    smallTemplate({ desiredCount: undefined, serviceTags: [{ Key: 'team', Value: 'b' }] }),
  );
  expect(untracked.status).toBe('UPDATE_COMPLETE');
  expect((await service())?.desiredCount).toBe(5);
});

test('a listener-rule update resets the live action to the template’s (CloudFormation sends Actions and Conditions)', async () => {
  await createStack(smallTemplate());
  await elbv2.send(
    new ModifyRuleCommand({
      RuleArn: physical('Rule'),
      Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '200', MessageBody: 'live' } }],
    }),
  );
  expect((await ruleActions())?.[0]?.FixedResponseConfig?.MessageBody).toBe('live');
  // Only the rule's condition changes in the template; its action is the one it always had.
  const result = await update(smallTemplate({ rulePath: '/app/*' }));
  expect(result.status).toBe('UPDATE_COMPLETE');
  expect((await ruleActions())?.[0]?.FixedResponseConfig?.MessageBody).toBe('template');
});

test('a task definition change registers a new revision, moves Ref to it, and deregisters the old one in cleanup', async () => {
  await createStack(smallTemplate({ desiredCount: 0 }));
  const oldArn = physical('TaskDefinition');
  await ecs.send(
    new CreateTaskSetCommand({
      cluster: 'cfn-test',
      service: 'web',
      taskDefinition: oldArn,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'] } },
    }),
  );
  const result = await update(smallTemplate({ desiredCount: 0, image: 'demo-app:green' }));
  expect(result.status).toBe('UPDATE_COMPLETE');
  const newArn = physical('TaskDefinition');
  expect(newArn).not.toBe(oldArn);
  expect(result.deployed.outputs.TaskDefinitionArn).toBe(newArn);
  const statuses = result.events.map((e) => `${e.LogicalResourceId}:${e.ResourceStatus}:${e.PhysicalResourceId}`);
  const created = statuses.indexOf(`TaskDefinition:UPDATE_COMPLETE:${newArn}`);
  const deleted = statuses.indexOf(`TaskDefinition:DELETE_COMPLETE:${oldArn}`);
  expect(created).toBeGreaterThanOrEqual(0);
  expect(deleted).toBeGreaterThan(created);
  expect(
    statuses.indexOf(`${stackName}:UPDATE_COMPLETE_CLEANUP_IN_PROGRESS:${result.events[0]?.PhysicalResourceId}`),
  ).toBeLessThan(deleted);
  const old = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: oldArn }));
  expect(old.taskDefinition?.status).toBe('INACTIVE');
  const { taskSets = [] } = await ecs.send(new DescribeTaskSetsCommand({ cluster: 'cfn-test', service: 'web' }));
  expect(taskSets).toHaveLength(1);
  expect(taskSets[0]).toMatchObject({ status: 'ACTIVE', taskDefinition: oldArn });
});

test('replacing a custom-named service fails the update, which rolls back', async () => {
  await createStack(smallTemplate());
  const before = physical('Service');
  const result = await update(smallTemplate({ enableManagedTags: true }));
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(result.events.find((e) => e.ResourceStatus === 'UPDATE_FAILED')).toMatchObject({
    LogicalResourceId: 'Service',
    ResourceStatusReason:
      'CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename web and update the stack again.',
  });
  expect(physical('Service')).toBe(before);
});

test('custom resources: Create, Update only on change, replacement by a new PhysicalResourceId, Delete', async () => {
  const roleArn = 'arn:aws:iam::123456789012:role/FixtureRole';
  const start = fixtureRequests.length;
  await createStack(smallTemplate({ custom: { Count: 3, Flag: true, Data: { Colour: 'blue' } } }));
  const [created] = fixtureRequests.slice(start);
  expect(created?.event).toMatchObject({
    RequestType: 'Create',
    ResourceType: 'Custom::Owned',
    LogicalResourceId: 'Owned',
    StackId: aws.cloudformation.stack(stackName)?.id,
    ResponseURL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cloudformation-custom-resource-response-useast1\//),
    // Every scalar property as a string, ServiceToken included.
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:LocalCloudFormationFixture0A1B2C3D',
      Count: '3',
      Flag: 'true',
      Data: { Colour: 'blue' },
    },
  });
  expect(created?.accessKeyId).toBe(accessKeyForRole(roleArn));
  expect(physical(FIXTURE_ROLE)).toBe('FixtureRole');
  const outputs = Object.fromEntries(((await describe())?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  expect(outputs.Owned).toBe(`Owned-${created?.event.RequestId.slice(0, 8)}`);
  expect(outputs.OwnedColour).toBe('blue');

  // A change elsewhere in the stack sends the custom resource nothing.
  await update(smallTemplate({ desiredCount: 3, custom: { Count: 3, Flag: true, Data: { Colour: 'blue' } } }));
  expect(fixtureRequests.slice(start)).toHaveLength(1);

  // A changed property: Update, with the old properties.
  const updated = await update(
    smallTemplate({ desiredCount: 3, custom: { Count: 4, Flag: true, Data: { Colour: 'blue' } } }),
  );
  expect(updated.status).toBe('UPDATE_COMPLETE');
  expect(fixtureRequests.slice(start)[1]?.event).toMatchObject({
    RequestType: 'Update',
    PhysicalResourceId: outputs.Owned,
    ResourceProperties: { Count: '4' },
    OldResourceProperties: { Count: '3' },
  });

  // An Update answered with another id is a replacement: the old id gets a Delete in the cleanup phase.
  const replaced = await update(
    smallTemplate({
      desiredCount: 3,
      custom: { Count: 4, Flag: true, PhysicalResourceId: 'owned-2', Data: { Colour: 'green' } },
    }),
  );
  expect(replaced.status).toBe('UPDATE_COMPLETE');
  const [, , replace, cleanup] = fixtureRequests.slice(start).map((r) => r.event);
  expect(replace).toMatchObject({ RequestType: 'Update', PhysicalResourceId: outputs.Owned });
  expect(cleanup).toMatchObject({ RequestType: 'Delete', PhysicalResourceId: outputs.Owned });
  expect(replaced.deployed.outputs).toMatchObject({ Owned: 'owned-2', OwnedColour: 'green' });

  const deleted = await stackDeleted();
  expect(deleted.status).toBe('DELETE_COMPLETE');
  expect(fixtureRequests.at(-1)?.event).toMatchObject({ RequestType: 'Delete', PhysicalResourceId: 'owned-2' });
});

test('a FAILED custom resource rolls the update back: changed resources get the previous template’s properties', async () => {
  await createStack(smallTemplate({ serviceTags: [{ Key: 'team', Value: 'a' }] }));
  const result = await update(
    smallTemplate({ serviceTags: [{ Key: 'team', Value: 'b' }], rulePath: '/b/*', custom: { FailOn: 'Create' } }),
  );
  expect(result.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  const failed = result.events.find((e) => e.ResourceStatus === 'CREATE_FAILED');
  expect(failed).toMatchObject({ LogicalResourceId: 'Owned', ResourceStatusReason: 'Fixture failed Create' });
  const stackStatuses = result.events
    .filter((e) => e.ResourceType === 'AWS::CloudFormation::Stack')
    .map((e) => e.ResourceStatus);
  expect(stackStatuses).toEqual([
    'UPDATE_IN_PROGRESS',
    'UPDATE_ROLLBACK_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
    'UPDATE_ROLLBACK_COMPLETE',
  ]);
  const tags = await ecs.send(new ListTagsForResourceCommand({ resourceArn: physical('Service') }));
  expect(tags.tags).toEqual([{ key: 'team', value: 'a' }]);
  const rules = await elbv2.send(new DescribeRulesCommand({ RuleArns: [physical('Rule')] }));
  expect(rules.Rules?.[0]?.Conditions?.[0]?.PathPatternConfig?.Values).toEqual(['/*']);
  const { TemplateBody } = await cfn.send(new GetTemplateCommand({ StackName: stackName }));
  expect(JSON.parse(TemplateBody ?? '')).toEqual(smallTemplate({ serviceTags: [{ Key: 'team', Value: 'a' }] }));
});

test('a custom resource that never answers fails when its ServiceTimeout ends, and the creation rolls back', async () => {
  await createStack(smallTemplate({ custom: { Silent: true, ServiceTimeout: 5 } }));
  const stack = await describe();
  expect(stack?.StackStatus).toBe('ROLLBACK_COMPLETE');
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  expect(StackEvents.find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toMatch(
    /^CloudFormation did not receive a response from your Custom Resource/,
  );
  // A stack that rolled back cannot be updated, only deleted.
  await expect(update(smallTemplate())).rejects.toThrow(`is in ROLLBACK_COMPLETE state and can not be updated.`);
});

test('DeleteStack deletes in reverse dependency order; a resource that fails to delete is DELETE_FAILED', async () => {
  await createStack(smallTemplate({ custom: { FailOn: 'Delete' } }));
  const id = aws.cloudformation.stack(stackName)?.id ?? '';
  const failed = await stackDeleted();
  expect(failed.status).toBe('DELETE_FAILED');
  expect(failed.statusReason).toBe('The following resource(s) failed to delete: [Owned]. ');
  expect(failed.events.find((e) => e.ResourceStatus === 'DELETE_FAILED')).toMatchObject({
    LogicalResourceId: 'Owned',
    ResourceStatusReason: 'Fixture failed Delete',
  });
  // The function the custom resource depends on is kept; the rest is deleted, the service before its cluster.
  const order = failed.events.filter((e) => e.ResourceStatus === 'DELETE_COMPLETE').map((e) => e.LogicalResourceId);
  expect(order).not.toContain('LocalCloudFormationFixture0A1B2C3D');
  expect(order.indexOf('Rule')).toBeLessThan(order.indexOf('Service') === -1 ? Infinity : order.length);
  expect((await service())?.status).not.toBe('ACTIVE');

  // Deleting again once the custom resource behaves: DELETE_COMPLETE; by name the stack is gone, by id it is described.
  const stack = aws.cloudformation.stack(stackName);
  const owned = stack?.resources.get('Owned');
  if (stack && owned) stack.resources.set('Owned', { ...owned, properties: { ...owned.properties, FailOn: '' } });
  expect((await stackDeleted()).status).toBe('DELETE_COMPLETE');
  await expect(cfn.send(new DescribeStacksCommand({ StackName: stackName }))).rejects.toMatchObject({
    message: `Stack with id ${stackName} does not exist`,
  });
  const byId = await cfn.send(new DescribeStacksCommand({ StackName: id }));
  expect(byId.Stacks?.[0]?.StackStatus).toBe('DELETE_COMPLETE');
});

test('deployTemplate creates through CreateStack: the stack is in local CloudFormation with its events', async () => {
  stackName = `Deployed${++n}`;
  const deployed = await deployTemplate(smallTemplate(), {
    endpoint: aws.endpoint,
    region: 'us-east-1',
    accountId: '123456789012',
    listenerUrl: () => 'http://127.0.0.1/',
    stackName,
  });
  expect(deployed.outputs.ServiceName).toBe('web');
  expect((await describe())?.StackStatus).toBe('CREATE_COMPLETE');
  expect(deployed.resources.get('Service')?.ref).toBe(physical('Service'));
});

const run = promisify(execFile);
const hasCli =
  fs.existsSync('/usr/local/bin/aws') || process.env.PATH?.split(':').some((d) => fs.existsSync(path.join(d, 'aws')));

(hasCli ? test : test.skip)('the AWS CLI updates the stack with --template-body file://', async () => {
  await createStack(smallTemplate());
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-cli-')), 'template.json');
  fs.writeFileSync(file, JSON.stringify(smallTemplate({ desiredCount: 4 })));
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
  };
  const cli = (...args: string[]) => run('aws', ['--endpoint-url', aws.endpoint, 'cloudformation', ...args], { env });
  const updateStack = () =>
    cli(
      'update-stack',
      '--stack-name',
      stackName,
      '--template-body',
      `file://${file}`,
      '--capabilities',
      'CAPABILITY_IAM',
    );
  const { stdout } = await updateStack();
  expect(JSON.parse(stdout)).toEqual({ StackId: aws.cloudformation.stack(stackName)?.id });
  await aws.cloudformation.settled(stackName);
  const described = JSON.parse((await cli('describe-stacks', '--stack-name', stackName)).stdout) as {
    Stacks: Array<{ StackStatus: string }>;
  };
  expect(described.Stacks[0]?.StackStatus).toBe('UPDATE_COMPLETE');
  expect((await service())?.desiredCount).toBe(4);
  await expect(updateStack()).rejects.toThrow(/ValidationError.*No updates are to be performed/);
});

test('a state machine whose definition is in S3 (DefinitionS3Location) fails to create, saying local AWS reads no S3', async () => {
  await createStack({
    Resources: {
      Machine: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: {
          RoleArn: 'arn:aws:iam::123456789012:role/machine',
          DefinitionS3Location: { Bucket: 'cdk-assets', Key: 'abc.json' },
        },
      },
    },
  });
  expect((await describe())?.StackStatus).toBe('ROLLBACK_COMPLETE');
  const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
  expect(StackEvents.find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason).toMatch(
    /DefinitionS3Location is not supported by local CloudFormation/,
  );
});
