/**
 * Stands up the synthesized stack (cdk.out) in local AWS through the real SDK clients, so the state machines that
 * run locally are the shipped definitions with their DefinitionSubstitutions resolved, exactly as CloudFormation
 * would. Resource types are split into those local AWS creates through its APIs and those it only names (VPC,
 * IAM, …); a type in neither list fails the deploy, so the stack and the local set-up cannot drift apart silently.
 * Lambda functions that have a local handler (local-lambdas.ts: the DeploymentFunctions) are registered with local
 * Step Functions and run in-process; other AWS::Lambda::Function resources stay named-only. The pipeline is created
 * in local CodePipeline through its API, and the EventBridge rules are put on local AWS's in-process event bus, so
 * rejecting an approval starts what the rule's target says. DynamoDB tables are created in local DynamoDB (`Ref` is the
 * table name, `Fn::GetAtt Arn` its ARN).
 */
import {
  ECSClient,
  CreateClusterCommand,
  RegisterTaskDefinitionCommand,
  CreateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { ContainerDefinition } from '@aws-sdk/client-ecs';
import {
  ElasticLoadBalancingV2Client,
  CreateLoadBalancerCommand,
  CreateListenerCommand,
  CreateRuleCommand,
  type Action,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { SFNClient, CreateStateMachineCommand } from '@aws-sdk/client-sfn';
import { CodePipelineClient, CreatePipelineCommand, type PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  resolveString,
  resolveValue,
  substituteDefinition,
  type PhysicalResource,
  type ResolveContext,
} from './cfn-resolver';
import type { LocalLambda } from '../stepfunctions/lambda-task';
import { localClientConfig } from './client-config';
import { localLambdaFor } from './local-lambdas';
import { DEFAULT_STACK_NAME, localCloudFormationAt } from '../cloudformation/service';
import { localEventBusAt, type LocalEventTarget } from '../events/event-bus';

export interface CfnTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown }>;
  readonly Outputs?: Record<string, { Value: unknown }>;
}

/** Types local AWS creates through its emulated APIs, in creation order. */
export const EMULATED_TYPES = [
  'AWS::ECS::Cluster',
  'AWS::ECS::TaskDefinition',
  'AWS::ECS::Service',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::DynamoDB::Table',
  'AWS::StepFunctions::StateMachine',
  'AWS::CodePipeline::Pipeline',
  'AWS::Events::Rule',
] as const;

/** Types local AWS does not run but whose names and ARNs the emulated resources refer to. */
export const NAMED_ONLY_TYPES = new Set([
  'AWS::CDK::Metadata',
  'AWS::CodeBuild::Project',
  'AWS::CodeCommit::Repository',
  'AWS::EC2::EIP',
  'AWS::EC2::FlowLog',
  'AWS::EC2::InternetGateway',
  'AWS::EC2::NatGateway',
  'AWS::EC2::Route',
  'AWS::EC2::RouteTable',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::Subnet',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::VPC',
  'AWS::EC2::VPCGatewayAttachment',
  'AWS::ECR::Repository',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::Function',
  'AWS::Logs::LogGroup',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'Custom::S3AutoDeleteObjects',
]);

export interface DeployOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  /** Local URL of each ALB listener port, used where the template builds URLs from the load balancer's DNS name. */
  readonly listenerUrl: (albPort: number) => string;
  /**
   * Registers a Lambda function with local Step Functions (`sfn.registerLambda`). The template's functions that have
   * a local handler (local/deploy/local-lambdas.ts) are created through it; without it, such a template fails to
   * deploy, because its state machines would fail only when they invoke the function.
   */
  readonly registerLambda?: (functionName: string, handler: LocalLambda) => void;
  /** Name under which local CloudFormation's DescribeStacks reports the stack's outputs. @default 'EcsBlueGreen' */
  readonly stackName?: string;
}

export interface DeployedStack {
  readonly outputs: Record<string, string>;
  readonly resources: ReadonlyMap<string, PhysicalResource>;
  /** Each state machine's definition as created locally (substitutions applied), by logical id. */
  readonly definitions: Readonly<Record<string, string>>;
  /** The resolved DefinitionSubstitutions of each state machine, by logical id. */
  readonly substitutions: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** ARN of each Lambda function that runs locally (registered with local Step Functions), by logical id. */
  readonly functions: Readonly<Record<string, string>>;
  /** Name of each pipeline created in local CodePipeline, by logical id. */
  readonly pipelines: Readonly<Record<string, string>>;
}

export async function deployTemplate(template: CfnTemplate, options: DeployOptions): Promise<DeployedStack> {
  const unknown = Object.entries(template.Resources).filter(
    ([, r]) => !NAMED_ONLY_TYPES.has(r.Type) && !(EMULATED_TYPES as readonly string[]).includes(r.Type),
  );
  if (unknown.length > 0) {
    throw new Error(
      `The stack has resource types local AWS does not know: ${unknown.map(([id, r]) => `${id} (${r.Type})`).join(', ')}. ` +
        'Add each to EMULATED_TYPES (and create it) or NAMED_ONLY_TYPES in local/deploy/deploy-template.ts.',
    );
  }
  // Lambda functions with a local handler run in-process: named like CloudFormation names them (here simply the
  // logical id) and registered with local Step Functions, so lambda:invoke Tasks run the shipped handler code.
  const functions: Record<string, string> = {};
  const localFunctions = Object.entries(template.Resources).flatMap(([id, r]) => {
    const handler = r.Type === 'AWS::Lambda::Function' ? localLambdaFor(id) : undefined;
    return handler ? [{ id, handler }] : [];
  });
  if (localFunctions.length > 0 && options.registerLambda === undefined) {
    throw new Error(
      `The stack has Lambda functions that run locally (${localFunctions.map((f) => f.id).join(', ')}) but deployTemplate got no registerLambda option. ` +
        'Pass registerLambda: (name, handler) => aws.sfn.registerLambda(name, handler).',
    );
  }
  const eventBus = localEventBusAt(options.endpoint);
  const rules = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
  if (rules.length > 0 && !eventBus) {
    throw new Error(
      `The stack has EventBridge rules (${rules.map(([id]) => id).join(', ')}) but ${options.endpoint} has no local event bus: deploy into local AWS started with startLocalAwsStack.`,
    );
  }
  const { region, accountId } = options;
  const stackName = options.stackName ?? DEFAULT_STACK_NAME;
  const resources = new Map<string, PhysicalResource>();
  const ctx: ResolveContext = { resources, region, accountId };
  const config = localClientConfig(options.endpoint, region);
  const ecs = new ECSClient(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  const sfn = new SFNClient(config);
  const codepipeline = new CodePipelineClient(config);
  const dynamodb = new DynamoDBClient(config);
  const pipelines: Record<string, string> = {};
  const definitions: Record<string, string> = {};
  const resolvedSubstitutions: Record<string, Record<string, string>> = {};
  const albPorts = new Map<string, number>();

  for (const [id, r] of Object.entries(template.Resources)) {
    if (NAMED_ONLY_TYPES.has(r.Type)) resources.set(id, namedOnly(id, r.Type, r.Properties ?? {}, region, accountId));
  }
  for (const { id, handler } of localFunctions) {
    const arn = `arn:aws:lambda:${region}:${accountId}:function:${id}`;
    options.registerLambda?.(id, handler);
    functions[id] = arn;
    resources.set(id, { ref: id, attributes: { Arn: arn } });
  }
  const ofType = (type: string): Array<[string, Record<string, unknown>]> =>
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, r]) => [id, r.Properties ?? {}]);
  const str = (props: Record<string, unknown>, key: string, id: string): string =>
    resolveString(props[key], ctx, `${id}.${key}`);

  try {
    for (const [id, props] of ofType('AWS::ECS::Cluster')) {
      const name = typeof props.ClusterName === 'string' ? props.ClusterName : `EcsBlueGreen-${id}`;
      const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: name }));
      resources.set(id, { ref: name, attributes: { Arn: cluster?.clusterArn ?? '' } });
    }
    for (const [id, props] of ofType('AWS::ECS::TaskDefinition')) {
      const resolved = resolveValue(props, ctx, id) as Record<string, unknown>;
      const { taskDefinition } = await ecs.send(
        new RegisterTaskDefinitionCommand({
          family: String(resolved.Family),
          cpu: resolved.Cpu as string,
          memory: resolved.Memory as string,
          networkMode: resolved.NetworkMode as 'awsvpc',
          requiresCompatibilities: resolved.RequiresCompatibilities as ['FARGATE'],
          taskRoleArn: resolved.TaskRoleArn as string,
          executionRoleArn: resolved.ExecutionRoleArn as string,
          containerDefinitions: (resolved.ContainerDefinitions as Array<Record<string, unknown>>).map(
            toContainerDefinition,
          ),
        }),
      );
      resources.set(id, {
        ref: taskDefinition?.taskDefinitionArn ?? '',
        attributes: { TaskDefinitionArn: taskDefinition?.taskDefinitionArn ?? '' },
      });
    }
    for (const [id, props] of ofType('AWS::ECS::Service')) {
      const resolved = resolveValue(props, ctx, id) as Record<string, unknown>;
      const { service } = await ecs.send(
        new CreateServiceCommand({
          cluster: String(resolved.Cluster),
          serviceName: String(resolved.ServiceName),
          desiredCount: Number(resolved.DesiredCount ?? 1),
          deploymentController: { type: (resolved.DeploymentController as { Type: 'EXTERNAL' }).Type },
        }),
      );
      resources.set(id, { ref: service?.serviceArn ?? '', attributes: { Name: service?.serviceName ?? '' } });
    }
    for (const [id] of ofType('AWS::ElasticLoadBalancingV2::LoadBalancer')) {
      const { LoadBalancers } = await elbv2.send(
        new CreateLoadBalancerCommand({
          Name: id.slice(0, 32).replace(/-+$/, ''),
          Type: 'application',
          Scheme: 'internet-facing',
        }),
      );
      const lb = LoadBalancers?.[0];
      resources.set(id, {
        ref: lb?.LoadBalancerArn ?? '',
        attributes: { DNSName: `${id}.local`, LoadBalancerFullName: lb?.LoadBalancerName ?? '' },
      });
    }
    for (const [id, props] of ofType('AWS::ElasticLoadBalancingV2::Listener')) {
      const port = Number(props.Port);
      const { Listeners } = await elbv2.send(
        new CreateListenerCommand({
          LoadBalancerArn: str(props, 'LoadBalancerArn', id),
          Port: port,
          Protocol: 'HTTP',
          DefaultActions: resolveValue(props.DefaultActions, ctx, id) as Action[],
        }),
      );
      const arn = Listeners?.[0]?.ListenerArn ?? '';
      albPorts.set(arn, port);
      resources.set(id, { ref: arn, attributes: { ListenerArn: arn } });
    }
    for (const [id, props] of ofType('AWS::ElasticLoadBalancingV2::ListenerRule')) {
      const { Rules } = await elbv2.send(
        new CreateRuleCommand({
          ListenerArn: str(props, 'ListenerArn', id),
          Priority: Number(props.Priority),
          Conditions: resolveValue(props.Conditions, ctx, id) as RuleCondition[],
          Actions: resolveValue(props.Actions, ctx, id) as Action[],
        }),
      );
      const arn = Rules?.[0]?.RuleArn ?? '';
      resources.set(id, { ref: arn, attributes: { RuleArn: arn } });
    }
    for (const [id, props] of ofType('AWS::DynamoDB::Table')) {
      // CloudFormation names a table STACK-LogicalId-RANDOM; locally without the random part.
      const name = typeof props.TableName === 'string' ? props.TableName : `${stackName}-${id}`;
      const { TableDescription } = await dynamodb.send(
        new CreateTableCommand(toCreateTable(name, resolveValue(props, ctx, id) as Record<string, unknown>, id)),
      );
      const arn = TableDescription?.TableArn ?? '';
      resources.set(id, { ref: name, attributes: { Arn: arn } });
    }
    // URLs: the template builds them from the ALB's DNS name and listener port; locally each listener has its own port.
    const localUrls = (value: string): string =>
      value.replace(/http:\/\/[A-Za-z0-9]+\.local(?::(\d+))?\//g, (_, port: string | undefined) =>
        options.listenerUrl(Number(port ?? 80)),
      );
    for (const [id, props] of ofType('AWS::StepFunctions::StateMachine')) {
      const substitutions = Object.fromEntries(
        Object.entries((props.DefinitionSubstitutions ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          localUrls(resolveString(v, ctx, `${id}.DefinitionSubstitutions.${k}`)),
        ]),
      );
      const definition = substituteDefinition(String(props.DefinitionString), substitutions);
      definitions[id] = definition;
      resolvedSubstitutions[id] = substitutions;
      // CloudFormation uses StateMachineName when the template gives one (IAM may scope executions by it).
      const name = props.StateMachineName === undefined ? id : resolveString(props.StateMachineName, ctx, id);
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({ name, definition, roleArn: str(props, 'RoleArn', id), type: 'STANDARD' }),
      );
      resources.set(id, { ref: stateMachineArn ?? '', attributes: { Arn: stateMachineArn ?? '', Name: name } });
    }
    for (const [id, props] of ofType('AWS::CodePipeline::Pipeline')) {
      // CloudFormation names a pipeline STACK-LogicalId-RANDOM; locally without the random part.
      const name = typeof props.Name === 'string' ? props.Name : `${stackName}-${id}`;
      const resolved = mapStrings(resolveValue(props, ctx, id), localUrls) as Record<string, unknown>;
      await codepipeline.send(new CreatePipelineCommand({ pipeline: toPipelineDeclaration(name, resolved, id) }));
      pipelines[id] = name;
      resources.set(id, { ref: name, attributes: { Version: '1' } });
    }
    for (const [id, props] of ofType('AWS::Events::Rule')) {
      const name = typeof props.Name === 'string' ? props.Name : `${stackName}-${id}`.slice(0, 64);
      const resolved = resolveValue(props, ctx, id) as Record<string, unknown>;
      eventBus?.putRule(toEventRule(name, resolved, id));
      resources.set(id, { ref: name, attributes: { Arn: `arn:aws:events:${region}:${accountId}:rule/${name}` } });
    }
    const outputs = Object.fromEntries(
      Object.entries(template.Outputs ?? {}).flatMap(([name, output]) => {
        try {
          return [[name, localUrls(resolveString(output.Value, ctx, `Outputs.${name}`))]];
        } catch {
          return []; // outputs of named-only resources that have no local meaning (pipeline, topic…) are skipped
        }
      }),
    );
    // Local CloudFormation (when this endpoint has one) answers DescribeStacks with these outputs, as on AWS.
    localCloudFormationAt(options.endpoint)?.putStack({ name: stackName, outputs });
    return { outputs, resources, definitions, substitutions: resolvedSubstitutions, functions, pipelines };
  } finally {
    ecs.destroy();
    elbv2.destroy();
    sfn.destroy();
    codepipeline.destroy();
    dynamodb.destroy();
  }
}

function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}

/** Fails, naming the resource and the keys, when CloudFormation properties have keys we do not map. */
function onlyKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  const extra = Object.keys(value).filter((k) => !known.includes(k));
  if (extra.length > 0) {
    throw new Error(
      `${where} has ${extra.join(', ')}, which local AWS does not map; extend local/deploy/deploy-template.ts.`,
    );
  }
}

/** AWS::CodePipeline::Pipeline properties (PascalCase) to the CreatePipeline declaration (camelCase). */
function toPipelineDeclaration(name: string, props: Record<string, unknown>, id: string): PipelineDeclaration {
  // RestartExecutionOnUpdate is CloudFormation's own; it has no API counterpart.
  onlyKeys(
    props,
    ['Name', 'RoleArn', 'Stages', 'ArtifactStore', 'PipelineType', 'ExecutionMode', 'RestartExecutionOnUpdate'],
    id,
  );
  const store = props.ArtifactStore as { Type: 'S3'; Location: string } | undefined;
  const stages = props.Stages as Array<Record<string, unknown>>;
  return {
    name,
    roleArn: String(props.RoleArn),
    ...(store && { artifactStore: { type: store.Type, location: store.Location } }),
    ...(props.PipelineType !== undefined && { pipelineType: props.PipelineType as 'V2' }),
    ...(props.ExecutionMode !== undefined && { executionMode: props.ExecutionMode as 'SUPERSEDED' }),
    stages: stages.map((stage, s) => {
      onlyKeys(stage, ['Name', 'Actions'], `${id}.Stages[${s}]`);
      return {
        name: String(stage.Name),
        actions: (stage.Actions as Array<Record<string, unknown>>).map((action, a) => {
          const where = `${id}.Stages[${s}].Actions[${a}]`;
          onlyKeys(
            action,
            [
              'Name',
              'ActionTypeId',
              'Configuration',
              'InputArtifacts',
              'OutputArtifacts',
              'RoleArn',
              'RunOrder',
              'Namespace',
              'Region',
              'TimeoutInMinutes',
            ],
            where,
          );
          const type = action.ActionTypeId as { Category: 'Source'; Owner: 'AWS'; Provider: string; Version: string };
          const artifacts = (list: unknown) =>
            (list as Array<{ Name: string }> | undefined)?.map((x) => ({ name: x.Name }));
          // Configuration values are strings in the API; CloudFormation accepts any JSON (e.g. PollForSourceChanges: false).
          const configuration = action.Configuration as Record<string, unknown> | undefined;
          return {
            name: String(action.Name),
            actionTypeId: {
              category: type.Category,
              owner: type.Owner,
              provider: type.Provider,
              version: type.Version,
            },
            ...(configuration && {
              configuration: Object.fromEntries(
                Object.entries(configuration).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
              ),
            }),
            ...(action.InputArtifacts !== undefined && { inputArtifacts: artifacts(action.InputArtifacts) }),
            ...(action.OutputArtifacts !== undefined && { outputArtifacts: artifacts(action.OutputArtifacts) }),
            ...(action.RoleArn !== undefined && { roleArn: String(action.RoleArn) }),
            ...(action.RunOrder !== undefined && { runOrder: Number(action.RunOrder) }),
            ...(action.Namespace !== undefined && { namespace: String(action.Namespace) }),
            ...(action.Region !== undefined && { region: String(action.Region) }),
            ...(action.TimeoutInMinutes !== undefined && { timeoutInMinutes: Number(action.TimeoutInMinutes) }),
          };
        }),
      };
    }),
  };
}

/**
 * AWS::DynamoDB::Table properties (the same PascalCase members as CreateTable) to CreateTable. Properties that do not
 * change how items are read and written (point-in-time recovery: backups only) are accepted and not emulated; any other
 * property fails the deploy (see local/dynamodb/README.md).
 */
function toCreateTable(name: string, props: Record<string, unknown>, id: string): CreateTableCommandInput {
  onlyKeys(
    props,
    [
      'TableName',
      'KeySchema',
      'AttributeDefinitions',
      'BillingMode',
      'ProvisionedThroughput',
      'PointInTimeRecoverySpecification',
      'DeletionProtectionEnabled',
      'Tags',
    ],
    id,
  );
  return {
    TableName: name,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    // CloudFormation's default, like the API's, is PROVISIONED.
    ...(props.BillingMode !== undefined && { BillingMode: props.BillingMode as 'PAY_PER_REQUEST' }),
    ...(props.ProvisionedThroughput !== undefined && {
      ProvisionedThroughput: props.ProvisionedThroughput as CreateTableCommandInput['ProvisionedThroughput'],
    }),
    ...(props.DeletionProtectionEnabled !== undefined && {
      DeletionProtectionEnabled: props.DeletionProtectionEnabled === true || props.DeletionProtectionEnabled === 'true',
    }),
    ...(props.Tags !== undefined && { Tags: props.Tags as CreateTableCommandInput['Tags'] }),
  };
}

/** AWS::Events::Rule properties to a rule on local AWS's event bus. */
function toEventRule(name: string, props: Record<string, unknown>, id: string) {
  onlyKeys(props, ['Name', 'Description', 'EventPattern', 'State', 'Targets'], id);
  const targets = ((props.Targets ?? []) as Array<Record<string, unknown>>).map((target, t): LocalEventTarget => {
    onlyKeys(target, ['Id', 'Arn', 'RoleArn', 'Input'], `${id}.Targets[${t}]`);
    return {
      id: String(target.Id),
      arn: String(target.Arn),
      ...(target.RoleArn !== undefined && { roleArn: String(target.RoleArn) }),
      ...(target.Input !== undefined && { input: String(target.Input) }),
    };
  });
  return { name, eventPattern: props.EventPattern, state: props.State as 'ENABLED' | 'DISABLED' | undefined, targets };
}

/** Deterministic names and ARNs for resources local AWS does not run. */
function namedOnly(
  id: string,
  type: string,
  props: Record<string, unknown>,
  region: string,
  accountId: string,
): PhysicalResource {
  const short = id
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 12);
  switch (type) {
    case 'AWS::IAM::Role':
      return {
        ref: id,
        attributes: { Arn: `arn:aws:iam::${accountId}:role/${id}`, RoleId: `AROA${short.toUpperCase()}` },
      };
    case 'AWS::ECR::Repository': {
      const name = typeof props.RepositoryName === 'string' ? props.RepositoryName : 'demo-app';
      return { ref: name, attributes: { Arn: `arn:aws:ecr:${region}:${accountId}:repository/${name}` } };
    }
    case 'AWS::EC2::VPC':
      return { ref: `vpc-${short}`, attributes: { CidrBlock: '10.0.0.0/16', VpcId: `vpc-${short}` } };
    case 'AWS::EC2::SecurityGroup':
      return { ref: `sg-${short}`, attributes: { GroupId: `sg-${short}` } };
    case 'AWS::Logs::LogGroup':
      return {
        ref: `/local/${id}`,
        attributes: { Arn: `arn:aws:logs:${region}:${accountId}:log-group:/local/${id}:*` },
      };
    case 'AWS::CodeCommit::Repository':
      return {
        ref: id,
        attributes: {
          Name: String(props.RepositoryName ?? id),
          Arn: `arn:aws:codecommit:${region}:${accountId}:${id}`,
        },
      };
    default:
      return { ref: `${short}-local`, attributes: { Arn: `arn:aws:local:${region}:${accountId}:${id}` } };
  }
}

/** CloudFormation container definition (PascalCase) to the ECS API shape (camelCase), for the fields CDK emits. */
function toContainerDefinition(cfn: Record<string, unknown>): ContainerDefinition {
  const portMappings = (cfn.PortMappings as Array<Record<string, unknown>> | undefined)?.map((p) => ({
    containerPort: Number(p.ContainerPort),
    protocol: (p.Protocol as 'tcp' | undefined) ?? 'tcp',
  }));
  const log = cfn.LogConfiguration as { LogDriver: string; Options?: Record<string, string> } | undefined;
  const known = new Set(['Name', 'Image', 'Essential', 'PortMappings', 'LogConfiguration', 'Environment']);
  const extra = Object.keys(cfn).filter((k) => !known.has(k));
  if (extra.length > 0) {
    throw new Error(
      `Container definition fields ${extra.join(', ')} are not mapped locally; extend toContainerDefinition in local/deploy/deploy-template.ts.`,
    );
  }
  return {
    name: String(cfn.Name),
    image: String(cfn.Image),
    essential: cfn.Essential !== false,
    portMappings,
    environment: (cfn.Environment as Array<{ Name: string; Value: string }> | undefined)?.map((e) => ({
      name: e.Name,
      value: e.Value,
    })),
    logConfiguration: log ? { logDriver: log.LogDriver as 'awslogs', options: log.Options } : undefined,
  };
}
