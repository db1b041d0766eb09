/**
 * How local CloudFormation acts on one resource type: create, update in place, delete, and which property changes
 * require replacement (from the CloudFormation resource reference's "Update requires", see ../README.md).
 */
import type { PhysicalResource, ResolveContext } from '../cfn-resolver';
import type { CustomResourceResponses } from '../custom-resource-responses';
import type { DeployEnvironment } from '../environment';
import type { LocalDetail, StackResource, TemplateResource } from '../model';
import type { LocalClients } from './clients';

export interface ResourceContext {
  readonly env: DeployEnvironment;
  readonly clients: LocalClients;
  readonly stack: { readonly id: string; readonly name: string };
  readonly logicalId: string;
  readonly type: string;
  /** The resource as the template being applied declares it (unresolved). */
  readonly declared: TemplateResource;
  /** Resolves against the stack's current physical resources (what Ref/GetAtt return now). */
  readonly resolve: ResolveContext;
  /** The stack's current resources (e.g. a custom resource's function and its role). */
  readonly resources: ReadonlyMap<string, StackResource>;
  readonly responses: CustomResourceResponses;
  /** Whether this is a replacement (a new physical resource for an existing logical id). */
  readonly replacing?: boolean;
}

export interface Applied {
  readonly physical: PhysicalResource;
  readonly local?: LocalDetail;
  /** Update only: the physical resource is a new one, so the old one is deleted in the cleanup phase. */
  readonly replacedOld?: boolean;
}

/** Set on a delete the local service cannot do: the resource is reported DELETE_SKIPPED with this reason. */
export interface DeleteOutcome {
  readonly skipped?: string;
}

export interface ResourceHandler {
  /** Properties whose change requires replacement ("Update requires: Replacement"). */
  readonly replacementProperties: ReadonlySet<string>;
  /** The custom physical name the (resolved) properties give, if any: replacing a custom-named resource fails. */
  customName?(properties: Readonly<Record<string, unknown>>): string | undefined;
  create(ctx: ResourceContext, properties: Record<string, unknown>): Promise<Applied>;
  /** In-place update; `changed` lists the top-level properties whose resolved value changed. */
  update(
    ctx: ResourceContext,
    current: StackResource,
    properties: Record<string, unknown>,
    changed: readonly string[],
  ): Promise<Applied>;
  delete(ctx: ResourceContext, current: StackResource): Promise<DeleteOutcome | void>;
}

/** CloudFormation's message when a replacement would reuse a custom name. */
export const customNameReplacement = (name: string): string =>
  `CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename ${name} and update the stack again.`;

/** Fails, naming the resource and the keys, when CloudFormation properties have keys we do not map. */
export function onlyKeys(value: Record<string, unknown>, known: readonly string[], where: string): void {
  const extra = Object.keys(value).filter((k) => !known.includes(k));
  if (extra.length > 0) {
    throw new Error(
      `${where} has ${extra.join(', ')}, which local AWS does not map; extend local/cloudformation/resources.`,
    );
  }
}

export const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** A 13-character suffix like the one CloudFormation appends to the names it generates. */
export const generatedSuffix = (): string =>
  Array.from({ length: 13 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'[Math.floor(Math.random() * 36)]).join('');
