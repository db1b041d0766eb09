/**
 * Task definition families and revisions. A bare family resolves to its latest ACTIVE revision; `family:revision`
 * and full ARNs resolve to that exact revision, INACTIVE ones included (AWS still describes deregistered revisions).
 */
import { type AccountScope, taskDefinitionArn } from './arns';
import { clientError, invalidParameter } from './errors';
import { type Input, optionalArray, optionalBoolean, optionalString, requiredString, tags } from './input';
import type { ContainerDefinition, TaskDefinitionRecord } from './model';

const FAMILY_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/** Task-level members echoed back as sent; everything else the emulator does not model is dropped. */
const ECHOED_MEMBERS = [
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'volumes',
  'placementConstraints',
  'runtimePlatform',
  'pidMode',
  'ipcMode',
  'ephemeralStorage',
] as const;

export class TaskDefinitionRegistry {
  private readonly families = new Map<string, TaskDefinitionRecord[]>();

  constructor(
    private readonly scope: AccountScope,
    private readonly now: () => number,
  ) {}

  register(input: Input): TaskDefinitionRecord {
    const family = requiredString(input, 'family');
    if (!FAMILY_PATTERN.test(family)) {
      throw clientError('Family contains invalid characters. Up to 255 letters, numbers, hyphens and underscores.');
    }
    const containers = (optionalArray(input, 'containerDefinitions') ?? []).map((item) =>
      parseContainer((item ?? {}) as Input),
    );
    if (containers.length === 0) throw clientError('Container list cannot be empty.');
    if (!containers.some((c) => c.essential)) {
      throw clientError('A task definition must have at least one essential container.');
    }
    const wire: Record<string, unknown> = {};
    for (const member of ECHOED_MEMBERS) if (input[member] !== undefined) wire[member] = input[member];

    const revisions = this.families.get(family) ?? [];
    const revision = (revisions[revisions.length - 1]?.revision ?? 0) + 1;
    const record: TaskDefinitionRecord = {
      family,
      revision,
      arn: taskDefinitionArn(this.scope, family, revision),
      status: 'ACTIVE',
      containerDefinitions: containers,
      wire,
      registeredAt: this.now(),
      tags: tags(input),
    };
    this.families.set(family, [...revisions, record]);
    return record;
  }

  /** `family`, `family:revision` or an ARN; undefined when nothing matches. */
  resolve(reference: string): TaskDefinitionRecord | undefined {
    const name = reference.startsWith('arn:') ? reference.slice(reference.indexOf('task-definition/') + 16) : reference;
    const [family, revisionText] = name.split(':');
    const revisions = this.families.get(family ?? '') ?? [];
    if (revisionText === undefined) return [...revisions].reverse().find((r) => r.status === 'ACTIVE');
    return revisions.find((r) => String(r.revision) === revisionText);
  }

  /** DeregisterTaskDefinition needs an exact revision. */
  deregister(reference: string): TaskDefinitionRecord {
    const name = reference.startsWith('arn:') ? reference.slice(reference.indexOf('task-definition/') + 16) : reference;
    if (!name.includes(':')) throw invalidParameter('TaskDefinition revision must be specified.');
    const record = this.resolve(reference);
    if (record === undefined) throw clientError('The specified task definition does not exist.');
    if (record.status === 'ACTIVE') {
      record.status = 'INACTIVE';
      record.deregisteredAt = this.now();
    }
    return record;
  }

  all(): TaskDefinitionRecord[] {
    return [...this.families.values()].flat();
  }
}

function parseContainer(input: Input): ContainerDefinition {
  const name = optionalString(input, 'name');
  if (name === undefined || name === '') throw clientError('Container.name should not be null or empty.');
  const image = optionalString(input, 'image');
  if (image === undefined || image === '') throw clientError('Container.image should not be null or empty.');
  const portMappings = (optionalArray(input, 'portMappings') ?? []) as ContainerDefinition['portMappings'];
  const environment = (optionalArray(input, 'environment') ?? []) as ContainerDefinition['environment'];
  // AWS defaults `essential` to true when it is omitted.
  const essential = optionalBoolean(input, 'essential') ?? true;
  return { name, image, essential, portMappings, environment, wire: { ...input, essential } };
}
