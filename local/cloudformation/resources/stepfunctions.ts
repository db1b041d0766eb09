/**
 * AWS::StepFunctions::StateMachine through local Step Functions: the definition is CloudFormation's Fn::Sub of
 * DefinitionString with the resolved DefinitionSubstitutions; URLs built from the ALB's DNS name become local URLs.
 * An update sends UpdateStateMachine with the new definition and role.
 */
import { CreateStateMachineCommand, DeleteStateMachineCommand, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { substituteDefinition } from '../cfn-resolver';
import type { DeployEnvironment } from '../environment';
import { generatedSuffix, type ResourceHandler, str } from './handler';

/** URLs: the template builds them from the ALB's DNS name and listener port; locally each listener has its own port. */
export const localUrls =
  (env: DeployEnvironment) =>
  (value: string): string =>
    value.replace(/http:\/\/[A-Za-z0-9]+\.local(?::(\d+))?\//g, (_, port: string | undefined) =>
      env.listenerUrl(Number(port ?? 80)),
    );

function definitionOf(env: DeployEnvironment, props: Record<string, unknown>) {
  if (typeof props.DefinitionString !== 'string') {
    throw new Error(
      props.DefinitionS3Location !== undefined
        ? 'DefinitionS3Location is not supported by local CloudFormation (nothing reads S3 locally): put the definition in DefinitionString (harness/deploy/state-machine-assets.ts does, from the cloud assembly).'
        : 'The state machine has no DefinitionString.',
    );
  }
  const substitutions = Object.fromEntries(
    Object.entries((props.DefinitionSubstitutions ?? {}) as Record<string, unknown>).map(([k, v]) => [
      k,
      localUrls(env)(String(v)),
    ]),
  );
  return { definition: substituteDefinition(String(props.DefinitionString), substitutions), substitutions };
}

export const stateMachineHandler: ResourceHandler = {
  replacementProperties: new Set(['StateMachineName', 'StateMachineType']),
  customName: (p) => str(p.StateMachineName),
  async create(ctx, props) {
    const { definition, substitutions } = definitionOf(ctx.env, props);
    // CloudFormation uses StateMachineName when the template gives one (IAM may scope executions by it).
    const name =
      str(props.StateMachineName) ?? (ctx.replacing ? `${ctx.logicalId}-${generatedSuffix()}` : ctx.logicalId);
    const { stateMachineArn } = await ctx.clients.sfn.send(
      new CreateStateMachineCommand({ name, definition, roleArn: str(props.RoleArn), type: 'STANDARD' }),
    );
    const arn = stateMachineArn ?? '';
    return { physical: { ref: arn, attributes: { Arn: arn, Name: name } }, local: { definition, substitutions } };
  },
  async update(ctx, current, props) {
    const { definition, substitutions } = definitionOf(ctx.env, props);
    await ctx.clients.sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn: current.physical.ref, definition, roleArn: str(props.RoleArn) }),
    );
    return { physical: current.physical, local: { definition, substitutions } };
  },
  async delete(ctx, current) {
    await ctx.clients.sfn.send(new DeleteStateMachineCommand({ stateMachineArn: current.physical.ref }));
  },
};
