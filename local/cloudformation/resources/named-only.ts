/**
 * Types local AWS does not run (VPC, IAM, security groups, …): deterministic names and ARNs that the emulated
 * resources refer to. An update records the new properties and emits events; nothing is enforced (no replacement,
 * no IAM policy change takes effect: local IAM enforcement reads the synthesized template, see local/iam).
 */
import { accessKeyForRole } from '../../aws/principal';
import { localLambdaAt } from '../../lambda/service';
import type { PhysicalResource } from '../cfn-resolver';
import type { LocalFunctionEnv } from '../environment';
import type { ResourceHandler } from './handler';

/** Deterministic names and ARNs for resources local AWS does not run. */
export function namedOnly(
  id: string,
  type: string,
  props: Readonly<Record<string, unknown>>,
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

export const namedOnlyHandler: ResourceHandler = {
  replacementProperties: new Set(),
  create: (ctx, props) =>
    Promise.resolve({ physical: namedOnly(ctx.logicalId, ctx.type, props, ctx.env.region, ctx.env.accountId) }),
  update: (_ctx, current) => Promise.resolve({ physical: current.physical }),
  delete: () => Promise.resolve(),
};

/** The physical resource of a Lambda function that runs locally: named like CloudFormation names it (the logical id). */
const localFunction = (id: string, region: string, accountId: string): PhysicalResource => ({
  ref: id,
  attributes: { Arn: `arn:aws:lambda:${region}:${accountId}:function:${id}` },
});

/** A function's runtime environment: local AWS, its role's credentials, its environment variables (resolved). */
function functionEnv(ctx: Parameters<ResourceHandler['create']>[0], props: Record<string, unknown>): LocalFunctionEnv {
  const roleArn = props.Role;
  if (typeof roleArn !== 'string') throw new Error(`${ctx.logicalId}: the function has no resolved Role.`);
  const environment = props.Environment as { Variables?: Record<string, unknown> } | undefined;
  const variables = Object.fromEntries(
    Object.entries(environment?.Variables ?? {}).map(([name, value]) => [name, String(value)]),
  );
  return {
    endpoint: ctx.env.endpoint,
    region: ctx.env.region,
    credentials: { accessKeyId: accessKeyForRole(roleArn), secretAccessKey: 'local' },
    variables,
  };
}

/**
 * AWS::Lambda::Function: a function with a local handler (harness/deploy/local-lambdas.ts) is registered with local
 * Step Functions, so lambda:invoke Tasks run the shipped handler, and with the local Lambda API of the endpoint
 * (local/lambda), so Invoke calls run it too; a function with a local custom-resource handler serves the stack's
 * custom resources; any other function is named-only. A changed function with a local handler is registered again;
 * a deleted one is deregistered from local Lambda (it stays registered with local Step Functions, which has no way
 * to unregister one).
 */
export const lambdaFunctionHandler: ResourceHandler = {
  replacementProperties: new Set(),
  create(ctx, props) {
    const { region, accountId } = ctx.env;
    const factory = ctx.env.functions?.lambdaFor(ctx.logicalId, tagsOf(props));
    if (factory) {
      if (!ctx.env.registerLambda) throw new Error(`${ctx.logicalId} runs locally but no registerLambda was given.`);
      const handler = factory(functionEnv(ctx, props));
      ctx.env.registerLambda(ctx.logicalId, handler);
      localLambdaAt(ctx.env.endpoint)?.register(ctx.logicalId, handler);
      const physical = localFunction(ctx.logicalId, region, accountId);
      return Promise.resolve({ physical, local: { functionArn: physical.attributes.Arn } });
    }
    if (ctx.env.functions?.customResourceHandlerFor(ctx.logicalId)) {
      return Promise.resolve({ physical: localFunction(ctx.logicalId, region, accountId) });
    }
    return namedOnlyHandler.create(ctx, props);
  },
  update(ctx, current, props) {
    const factory = ctx.env.functions?.lambdaFor(ctx.logicalId, tagsOf(props));
    if (factory) {
      const handler = factory(functionEnv(ctx, props));
      ctx.env.registerLambda?.(ctx.logicalId, handler);
      localLambdaAt(ctx.env.endpoint)?.register(ctx.logicalId, handler);
    }
    return Promise.resolve({ physical: current.physical, ...(current.local && { local: current.local }) });
  },
  delete(ctx, current) {
    if (current.local?.functionArn !== undefined) localLambdaAt(ctx.env.endpoint)?.deregister(current.physical.ref);
    return Promise.resolve();
  },
};

/** A function's `Tags` (`[{Key, Value}]`) as a record. */
function tagsOf(props: Readonly<Record<string, unknown>>): Record<string, string> {
  const tags = Array.isArray(props.Tags) ? (props.Tags as unknown[]) : [];
  return Object.fromEntries(
    tags.flatMap((tag) => {
      const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
      return typeof Key === 'string' && typeof Value === 'string' ? [[Key, Value]] : [];
    }),
  );
}
