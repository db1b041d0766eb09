/**
 * AWS::CodePipeline::Pipeline through local CodePipeline's CreatePipeline. Local CodePipeline has neither
 * UpdatePipeline nor DeletePipeline: an update fails (so the stack rolls back rather than pretend), a delete is
 * skipped (see ../README.md, local gaps).
 */
import { CreatePipelineCommand, type PipelineDeclaration } from '@aws-sdk/client-codepipeline';
import { mapStrings } from '../values';
import { generatedSuffix, onlyKeys, type ResourceHandler, str } from './handler';
import { localUrls } from './stepfunctions';

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

export const pipelineHandler: ResourceHandler = {
  replacementProperties: new Set(['Name']),
  customName: (p) => str(p.Name),
  async create(ctx, props) {
    // CloudFormation names a pipeline STACK-LogicalId-RANDOM; locally without the random part.
    const name = str(props.Name) ?? `${ctx.stack.name}-${ctx.logicalId}${ctx.replacing ? `-${generatedSuffix()}` : ''}`;
    const resolved = mapStrings(props, localUrls(ctx.env)) as Record<string, unknown>;
    await ctx.clients.codepipeline.send(
      new CreatePipelineCommand({ pipeline: toPipelineDeclaration(name, resolved, ctx.logicalId) }),
    );
    return { physical: { ref: name, attributes: { Version: '1' } }, local: { pipelineName: name } };
  },
  update: () =>
    Promise.reject(
      new Error('Local CodePipeline has no UpdatePipeline: a pipeline update cannot be applied locally (local gap).'),
    ),
  delete: () =>
    Promise.resolve({ skipped: 'Local CodePipeline has no DeletePipeline: the pipeline stays in local CodePipeline.' }),
};
