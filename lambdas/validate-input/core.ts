/**
 * Checks the deploy-green execution input before anything is touched, and names every problem at once: the field,
 * the value it got, what is allowed and how to fix it. Pure: no AWS calls, no clock.
 */
import { z } from 'zod';
import { HEALTH_TIMEOUT_SECONDS } from '../../contract';
import { BlueGreenError, INVALID_INPUT, show } from '../shared/errors';
import {
  says,
  SMOKE_TEST_FIELDS,
  smokeTestProblem,
  smokeTestSchema,
  unknownFieldProblem,
  type SmokeTestSettings,
} from '../shared/smoke-test-settings';

export const HEALTH_TIMEOUT_LIMITS = { min: HEALTH_TIMEOUT_SECONDS.min, max: HEALTH_TIMEOUT_SECONDS.max } as const;

/** The deploy-green input after validation: only known fields, commit in lower case, smokeTest defaults filled. */
export interface DeployInput {
  readonly cluster: string;
  readonly service: string;
  readonly commit: string;
  /** Exactly one of image and taskDefinition is present. */
  readonly image?: string;
  readonly taskDefinition?: string;
  /** Absent means the state machine's configured default. */
  readonly healthTimeoutSeconds?: number;
  /** Absent means no smoke test. */
  readonly smokeTest?: SmokeTestSettings;
}

export const INPUT_FIELDS = [
  'cluster',
  'service',
  'commit',
  'image',
  'taskDefinition',
  'healthTimeoutSeconds',
  'smokeTest',
] as const;

// --- Container image references: [registry/]path[:tag][@sha256:digest], as Docker parses them ---
const REGISTRY_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY = new RegExp(`^${REGISTRY_COMPONENT}(?:\\.${REGISTRY_COMPONENT})*(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** True for a container image URI such as `123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:3f2c1ab`. */
export function isImageUri(value: string): boolean {
  if (value.length > 512 || /\s/.test(value)) return false;
  const at = value.indexOf('@');
  const nameAndTag = at === -1 ? value : value.slice(0, at);
  if (at !== -1 && !DIGEST.test(value.slice(at + 1))) return false;
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  const name = colon === -1 ? nameAndTag : nameAndTag.slice(0, colon);
  if (colon !== -1 && !TAG.test(nameAndTag.slice(colon + 1))) return false;
  if (name.length === 0 || name.length > 255) return false;
  const parts = name.split('/');
  // The first part is a registry when it looks like a host (has a dot or port, or is localhost) and more follows.
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!REGISTRY.test(first)) return false;
    parts.shift();
  }
  return parts.every((part) => PATH_COMPONENT.test(part));
}

const TASK_DEFINITION_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/[A-Za-z0-9_-]{1,255}:[1-9]\d{0,9}$/;
const TASK_DEFINITION_FAMILY_REVISION = /^[A-Za-z0-9_-]{1,255}:[1-9]\d{0,9}$/;

export function isTaskDefinitionReference(value: string): boolean {
  return TASK_DEFINITION_ARN.test(value) || TASK_DEFINITION_FAMILY_REVISION.test(value);
}

// --- Messages: each names the field, the value, what is allowed and the fix ---
const describeName =
  (field: 'cluster' | 'service', what: string, example: string) =>
  (value: unknown): string =>
    value === undefined
      ? `${field} is missing but is required: the name or ARN of the ECS ${what}, for example "${field}": "${example}".`
      : `${field} is ${show(value)} but must be a non-empty string without spaces: the name or ARN of the ECS ${what}, for example "${field}": "${example}".`;
const describeCommit = (value: unknown): string =>
  `commit is ${value === undefined ? 'missing' : show(value)} but must be 7-40 hexadecimal characters (a git commit id such as 3f2c1ab). ` +
  `Give the commit being deployed, e.g. the output of \`git rev-parse --short HEAD\`.`;
const describeImage = (value: unknown): string =>
  `image is ${show(value)} but must be a container image URI [registry/]repository[:tag][@sha256:digest] with a lower-case repository ` +
  `(letters, digits and . _ - between them) and a tag of at most 128 letters, digits, _ . - (not starting with . or -), ` +
  `for example "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:3f2c1ab". Check the case and the characters of the tag.`;
const describeTaskDefinition = (value: unknown): string =>
  `taskDefinition is ${show(value)} but must be a task definition ARN (arn:aws:ecs:REGION:ACCOUNT:task-definition/FAMILY:REVISION) ` +
  `or FAMILY:REVISION, for example "demo-app:7". Copy it from the output of RegisterTaskDefinition, or give image instead.`;
const describeHealthTimeout = (value: unknown): string =>
  `healthTimeoutSeconds is ${show(value)} but must be a whole number from ${HEALTH_TIMEOUT_LIMITS.min} to ${HEALTH_TIMEOUT_LIMITS.max} ` +
  `(seconds deploy-green waits for green to become healthy). Omit it to use the stack's default.`;

const NAME = /^\S+$/;

const inputSchema = z.object({
  cluster: z
    .string(says(describeName('cluster', 'cluster', 'EcsBlueGreen-Cluster')))
    .regex(NAME, says(describeName('cluster', 'cluster', 'EcsBlueGreen-Cluster'))),
  service: z
    .string(says(describeName('service', 'service', 'demo-app')))
    .regex(NAME, says(describeName('service', 'service', 'demo-app'))),
  commit: z.string(says(describeCommit)).regex(/^[0-9a-fA-F]{7,40}$/, says(describeCommit)),
  image: z.string(says(describeImage)).refine(isImageUri, says(describeImage)).optional(),
  taskDefinition: z
    .string(says(describeTaskDefinition))
    .refine(isTaskDefinitionReference, says(describeTaskDefinition))
    .optional(),
  healthTimeoutSeconds: z
    .number(says(describeHealthTimeout))
    .int(says(describeHealthTimeout))
    .min(HEALTH_TIMEOUT_LIMITS.min, says(describeHealthTimeout))
    .max(HEALTH_TIMEOUT_LIMITS.max, says(describeHealthTimeout))
    .optional(),
  smokeTest: smokeTestSchema.optional(),
});

function problemsOf(input: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const add = (problem: string): void => {
    if (!problems.includes(problem)) problems.push(problem);
  };
  for (const key of Object.keys(input)) {
    if (!(INPUT_FIELDS as readonly string[]).includes(key)) add(unknownFieldProblem('', key, INPUT_FIELDS));
  }
  const parsed = inputSchema.safeParse(input);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const [field, ...rest] = issue.path;
    if (field === 'smokeTest' && issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add(unknownFieldProblem('smokeTest.', key, SMOKE_TEST_FIELDS));
    } else if (field === 'smokeTest' && rest.length > 0) {
      add(smokeTestProblem(rest, issue.message, (input.smokeTest as Record<string, unknown>).paths));
    } else {
      add(issue.message);
    }
  }
  const hasImage = input.image !== undefined;
  const hasTaskDefinition = input.taskDefinition !== undefined;
  if (hasImage && hasTaskDefinition) {
    add(
      `image and taskDefinition are both given (${show(input.image)} and ${show(input.taskDefinition)}) but exactly one is allowed. ` +
        'Give image to deploy a new image into the service’s task definition family, or taskDefinition to deploy a registered revision as it is.',
    );
  } else if (!hasImage && !hasTaskDefinition) {
    add(
      'image and taskDefinition are both missing but exactly one is required. Give image (a container image URI such as ' +
        '"123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:3f2c1ab") or taskDefinition (a task definition ARN or FAMILY:REVISION).',
    );
  }
  return problems;
}

/** The normalized input, or a `BlueGreen.InvalidInput` error naming every offending field. */
export function validateDeployInput(input: unknown): DeployInput {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new BlueGreenError(INVALID_INPUT, [
      `The input is ${show(input)} but must be a JSON object such as {"cluster": "…", "service": "…", "commit": "3f2c1ab", "image": "…"}.`,
    ]);
  }
  const record = input as Record<string, unknown>;
  const problems = problemsOf(record);
  if (problems.length > 0) throw new BlueGreenError(INVALID_INPUT, problems);
  const parsed = inputSchema.parse(record);
  return {
    cluster: parsed.cluster,
    service: parsed.service,
    commit: parsed.commit.toLowerCase(),
    ...(parsed.image !== undefined && { image: parsed.image }),
    ...(parsed.taskDefinition !== undefined && { taskDefinition: parsed.taskDefinition }),
    ...(parsed.healthTimeoutSeconds !== undefined && { healthTimeoutSeconds: parsed.healthTimeoutSeconds }),
    ...(parsed.smokeTest !== undefined && {
      smokeTest: {
        paths: [...parsed.smokeTest.paths],
        expectStatus: parsed.smokeTest.expectStatus,
        attempts: parsed.smokeTest.attempts,
        ...(parsed.smokeTest.bodyPattern !== undefined && { bodyPattern: parsed.smokeTest.bodyPattern }),
      },
    }),
  };
}
