/**
 * What local CloudFormation keeps per stack: the template as submitted, each resource's physical id, attributes and
 * last applied (resolved) properties, the stack's events, and the environment its resources are created in.
 */
import type { PhysicalResource } from './cfn-resolver';
import type { DeployEnvironment } from './environment';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: unknown;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly Metadata?: unknown;
}

export interface CfnTemplate {
  readonly Description?: string;
  readonly Parameters?: Record<string, { Type?: string; Default?: unknown; NoEcho?: unknown; Description?: string }>;
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Description?: string; Export?: unknown }>;
  readonly [section: string]: unknown;
}

export type StackStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_FAILED'
  | 'ROLLBACK_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_COMPLETE'
  | 'UPDATE_FAILED'
  | 'UPDATE_ROLLBACK_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_FAILED'
  | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'
  | 'UPDATE_ROLLBACK_COMPLETE';

export type ResourceStatus =
  | 'CREATE_IN_PROGRESS'
  | 'CREATE_FAILED'
  | 'CREATE_COMPLETE'
  | 'DELETE_IN_PROGRESS'
  | 'DELETE_FAILED'
  | 'DELETE_COMPLETE'
  | 'DELETE_SKIPPED'
  | 'UPDATE_IN_PROGRESS'
  | 'UPDATE_FAILED'
  | 'UPDATE_COMPLETE';

/** Local-only facts about a created resource that deployTemplate() reports (definitions, pipelines, functions). */
export interface LocalDetail {
  readonly definition?: string;
  readonly substitutions?: Readonly<Record<string, string>>;
  readonly functionArn?: string;
  readonly pipelineName?: string;
}

export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  readonly physical: PhysicalResource;
  /** The resolved properties last applied (what an update compares the new template's resolved properties with). */
  readonly properties: Readonly<Record<string, unknown>>;
  /** DependsOn as the template that last applied it declared it. */
  readonly dependsOn: readonly string[];
  status: ResourceStatus;
  statusReason?: string;
  updated: number;
  readonly local?: LocalDetail;
}

export interface StackEvent {
  readonly EventId: string;
  readonly StackId: string;
  readonly StackName: string;
  readonly LogicalResourceId: string;
  readonly PhysicalResourceId: string;
  readonly ResourceType: string;
  readonly Timestamp: Date;
  readonly ResourceStatus: string;
  readonly ResourceStatusReason?: string;
  readonly ResourceProperties?: string;
}

export interface StackRecord {
  readonly id: string;
  readonly name: string;
  readonly created: number;
  lastUpdated?: number;
  deleted?: number;
  status: StackStatus;
  statusReason?: string;
  template: CfnTemplate;
  templateBody: string;
  parameters: Record<string, string>;
  readonly capabilities: string[];
  readonly tags: Array<{ Key: string; Value: string }>;
  readonly disableRollback: boolean;
  /** Current resources by logical id. */
  resources: Map<string, StackResource>;
  outputs: Record<string, string>;
  /** Oldest first; DescribeStackEvents answers newest first. */
  readonly events: StackEvent[];
  readonly env: DeployEnvironment;
  /** The running stack operation, if any: resolves when it ends (whatever its outcome). */
  operation?: Promise<void>;
}

export const IN_PROGRESS = (status: StackStatus): boolean => status.endsWith('_IN_PROGRESS');
