/**
 * Pipeline declarations as the CodePipeline API spells them (camelCase wire names), and the structural checks
 * CreatePipeline makes before it stores one. Local CodePipeline runs only the action types the stack uses; any other
 * is refused at create time, so a pipeline never fails later because of an action local AWS cannot run.
 */
import { AwsError } from '../aws/service';
import { validation } from './errors';

export interface ArtifactRef {
  readonly name: string;
}

export interface ActionTypeId {
  readonly category: string;
  readonly owner: string;
  readonly provider: string;
  readonly version: string;
}

export interface ActionDeclaration {
  readonly name: string;
  readonly actionTypeId: ActionTypeId;
  readonly runOrder?: number;
  readonly configuration?: Readonly<Record<string, string>>;
  readonly inputArtifacts?: readonly ArtifactRef[];
  readonly outputArtifacts?: readonly ArtifactRef[];
  readonly roleArn?: string;
  readonly region?: string;
  readonly namespace?: string;
  readonly timeoutInMinutes?: number;
}

export interface StageDeclaration {
  readonly name: string;
  readonly actions: readonly ActionDeclaration[];
}

export interface PipelineDeclaration {
  readonly name: string;
  readonly roleArn: string;
  readonly stages: readonly StageDeclaration[];
  readonly artifactStore?: { readonly type: string; readonly location: string };
  readonly version?: number;
  readonly executionMode?: string;
  readonly pipelineType?: string;
  readonly variables?: ReadonlyArray<{ readonly name: string; readonly defaultValue?: string }>;
}

/** What local CodePipeline does with each action type it accepts. */
export type LocalActionKind = 'source' | 'build' | 'step-functions' | 'manual-approval';

const LOCAL_ACTIONS: ReadonlyArray<{ readonly type: Omit<ActionTypeId, 'version'>; readonly kind: LocalActionKind }> = [
  { type: { category: 'Source', owner: 'AWS', provider: 'CodeCommit' }, kind: 'source' },
  { type: { category: 'Build', owner: 'AWS', provider: 'CodeBuild' }, kind: 'build' },
  { type: { category: 'Invoke', owner: 'AWS', provider: 'StepFunctions' }, kind: 'step-functions' },
  { type: { category: 'Approval', owner: 'AWS', provider: 'Manual' }, kind: 'manual-approval' },
];

export function actionKind(action: ActionDeclaration): LocalActionKind | undefined {
  const { category, owner, provider } = action.actionTypeId;
  return LOCAL_ACTIONS.find(
    (a) => a.type.category === category && a.type.owner === owner && a.type.provider === provider,
  )?.kind;
}

/** Names of pipelines, stages and actions (API constraint: 1-100 of `[A-Za-z0-9.@\-_]`). */
const NAME = /^[A-Za-z0-9.@\-_]{1,100}$/;
const ROLE_ARN = /^arn:aws(-[\w]+)*:iam::[0-9]{12}:role\/.+$/;
/** A manual approval lasts 5 minutes to 60 days (CodePipeline quotas; aws-cdk-lib validates the same range). */
export const APPROVAL_TIMEOUT_MINUTES = { min: 5, max: 60 * 24 * 60, default: 7 * 24 * 60 } as const;

export function checkName(value: string, member: string): string {
  if (!NAME.test(value)) {
    throw validation(
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+ and have length between 1 and 100`,
    );
  }
  return value;
}

const structure = (message: string): AwsError => new AwsError('InvalidStructureException', message);
const badAction = (stage: string, action: string, message: string): AwsError =>
  new AwsError('InvalidActionDeclarationException', `Action '${action}' in stage '${stage}': ${message}`);

/** The checks CreatePipeline makes; throws the AwsError AWS would answer with. */
export function checkDeclaration(pipeline: PipelineDeclaration): void {
  checkName(pipeline.name, 'pipeline.name');
  if (!ROLE_ARN.test(pipeline.roleArn)) {
    throw validation(
      `1 validation error detected: Value '${pipeline.roleArn}' at 'pipeline.roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws(-[\\w]+)*:iam::[0-9]{12}:role/.*`,
    );
  }
  // Local CodePipeline implements the default mode only; QUEUED and PARALLEL order executions differently.
  if (pipeline.executionMode !== undefined && pipeline.executionMode !== 'SUPERSEDED') {
    throw validation(
      `Local CodePipeline runs SUPERSEDED pipelines only, not ${pipeline.executionMode}; leave executionMode out or set SUPERSEDED.`,
    );
  }
  if (pipeline.stages.length < 2) throw structure('A pipeline must contain at least two stages.');
  const stageNames = new Set<string>();
  const produced = new Set<string>();
  pipeline.stages.forEach((stage, index) => {
    checkName(stage.name, `pipeline.stages.${index + 1}.member.name`);
    if (stageNames.has(stage.name)) throw structure(`Stage name '${stage.name}' is used more than once.`);
    stageNames.add(stage.name);
    if (stage.actions.length === 0) throw structure(`Stage '${stage.name}' must contain at least one action.`);
    const actionNames = new Set<string>();
    const byRunOrder = [...stage.actions].sort((a, b) => (a.runOrder ?? 1) - (b.runOrder ?? 1));
    const producedHere = new Map<number, string[]>();
    for (const action of byRunOrder) {
      checkName(action.name, `pipeline.stages.${index + 1}.member.actions.member.name`);
      if (actionNames.has(action.name))
        throw structure(`Action name '${action.name}' is used more than once in stage '${stage.name}'.`);
      actionNames.add(action.name);
      const kind = actionKind(action);
      if (!kind) {
        const { category, owner, provider } = action.actionTypeId;
        throw badAction(
          stage.name,
          action.name,
          `local CodePipeline does not run ${category}/${owner}/${provider} actions (it runs ${LOCAL_ACTIONS.map((a) => a.type.provider).join(', ')}).`,
        );
      }
      if ((kind === 'source') !== (index === 0)) {
        throw structure(
          index === 0
            ? `The first stage ('${stage.name}') may contain only source actions; '${action.name}' is not one.`
            : `Source action '${action.name}' must be in the first stage, not in '${stage.name}'.`,
        );
      }
      const runOrder = action.runOrder ?? 1;
      const available = new Set([
        ...produced,
        ...[...producedHere].filter(([order]) => order < runOrder).flatMap(([, names]) => names),
      ]);
      for (const input of action.inputArtifacts ?? []) {
        if (!available.has(input.name)) {
          throw structure(
            `Input artifact '${input.name}' of action '${action.name}' is not the output of an action that runs before it.`,
          );
        }
      }
      for (const output of action.outputArtifacts ?? []) {
        const all = [...produced, ...[...producedHere.values()].flat()];
        if (all.includes(output.name)) throw structure(`Output artifact name '${output.name}' is used more than once.`);
        producedHere.set(runOrder, [...(producedHere.get(runOrder) ?? []), output.name]);
      }
      checkAction(stage.name, action, kind);
    }
    for (const names of producedHere.values()) for (const name of names) produced.add(name);
  });
}

function checkAction(stage: string, action: ActionDeclaration, kind: LocalActionKind): void {
  const config = action.configuration ?? {};
  if (kind === 'step-functions') {
    if (!config.StateMachineArn) throw badAction(stage, action.name, 'configuration StateMachineArn is required.');
    const inputType = config.InputType ?? 'Literal';
    if (inputType !== 'Literal' && inputType !== 'FilePath') {
      throw badAction(stage, action.name, `InputType must be Literal or FilePath, not '${inputType}'.`);
    }
    if (inputType === 'FilePath' && (action.inputArtifacts ?? []).length !== 1) {
      throw badAction(stage, action.name, 'InputType FilePath needs exactly one input artifact.');
    }
  }
  if (kind === 'manual-approval' && action.timeoutInMinutes !== undefined) {
    const { min, max } = APPROVAL_TIMEOUT_MINUTES;
    if (action.timeoutInMinutes < min || action.timeoutInMinutes > max) {
      throw badAction(stage, action.name, `timeoutInMinutes must be from ${min} to ${max} for a manual approval.`);
    }
  }
}
