/**
 * The properties of each controller-owned resource type, parsed from what CloudFormation sends (scalars as strings).
 * The CDK constructs (infra/lib/constructs/controller-owned-resources.ts) write them; a mismatch is a bug, reported
 * with the property's name.
 */
import { z } from 'zod';
import { ResourceError } from './events';

export const RESOURCE_TYPES = {
  service: 'Custom::BlueGreenService',
  listenerRule: 'Custom::BlueGreenListenerRule',
  teardown: 'Custom::BlueGreenTeardown',
} as const;

const owner = { StackName: z.string().min(1), ServiceName: z.string().min(1) };

export const serviceProperties = z.object({
  ...owner,
  Cluster: z.string().min(1),
});
export type ServiceProperties = z.infer<typeof serviceProperties>;

const condition = z.looseObject({ Field: z.string() });

export const listenerRuleProperties = z.object({
  ...owner,
  ListenerArn: z.string().startsWith('arn:'),
  Priority: z.coerce.number().int().min(1).max(50000),
  Conditions: z.array(condition).min(1),
  IdleStatusCode: z.string().regex(/^[2-5]\d\d$/),
  IdleMessage: z.string().max(1024),
});
export type ListenerRuleProperties = z.infer<typeof listenerRuleProperties>;

export const teardownProperties = z.object({
  ...owner,
  /** Names of the controller's target groups start with this (see infra/lib/private/target-group-name.ts). */
  TargetGroupNamePrefix: z.string().min(1).max(32),
  /** The green watch's built-in alarms (created by its function, not CloudFormation): deleted too. */
  AlarmNames: z.array(z.string().min(1).max(255)).max(100).optional(),
});
export type TeardownProperties = z.infer<typeof teardownProperties>;

export function parseProperties<T>(schema: z.ZodType<T>, resourceType: string, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(properties)'}: ${i.message}`);
  throw new ResourceError(
    `${resourceType} got invalid properties (${problems.join('; ')}). They are written by the ecs-bluegreen CDK ` +
      'constructs: synthesize again with the same version of ecs-bluegreen that deployed this function.',
  );
}
