/**
 * ECS resource names as AWS spells them. Callers may pass either a short name or a full ARN almost everywhere, so
 * every lookup goes through `shortName` first.
 */
import { randomBytes, randomInt } from 'node:crypto';

export interface AccountScope {
  readonly region: string;
  readonly accountId: string;
}

const prefix = (scope: AccountScope): string => `arn:aws:ecs:${scope.region}:${scope.accountId}`;

export const clusterArn = (scope: AccountScope, cluster: string): string => `${prefix(scope)}:cluster/${cluster}`;

export const serviceArn = (scope: AccountScope, cluster: string, service: string): string =>
  `${prefix(scope)}:service/${cluster}/${service}`;

export const taskSetArn = (scope: AccountScope, cluster: string, service: string, taskSetId: string): string =>
  `${prefix(scope)}:task-set/${cluster}/${service}/${taskSetId}`;

export const taskArn = (scope: AccountScope, cluster: string, taskId: string): string =>
  `${prefix(scope)}:task/${cluster}/${taskId}`;

export const taskDefinitionArn = (scope: AccountScope, family: string, revision: number): string =>
  `${prefix(scope)}:task-definition/${family}:${revision}`;

/** The last path segment of an ECS ARN (`…:service/cluster/name` → `name`), or the input when it is not an ARN. */
export function shortName(nameOrArn: string): string {
  if (!nameOrArn.startsWith('arn:')) return nameOrArn;
  const resource = nameOrArn.split(':').slice(5).join(':');
  const parts = resource.split('/');
  return parts[parts.length - 1] ?? nameOrArn;
}

/** A task set id or ARN → the id (`ecs-svc/1234…`), which itself contains a slash. */
export function taskSetIdOf(idOrArn: string): string {
  if (!idOrArn.startsWith('arn:')) return idOrArn;
  const match = /(ecs-svc\/[^/]+)$/.exec(idOrArn);
  return match?.[1] ?? idOrArn;
}

/** Task set ids look like `ecs-svc/` followed by 19 digits, as on AWS. */
export function newTaskSetId(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < 19) digits += String(randomInt(0, 10));
  return `ecs-svc/${digits}`;
}

/** Task ids are 32 lowercase hex characters, as on AWS. */
export function newTaskId(): string {
  return randomBytes(16).toString('hex');
}
