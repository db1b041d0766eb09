/**
 * Checks a state machine's execution input before anything is touched (every machine's first state,
 * CheckInputFields), and names every problem at once: the field, the value it got (cut and escaped, see show()), what
 * is allowed and how to fix it. The fields each machine knows and their limits are the contract's
 * (contract/input-fields.ts, contract/inputs.ts). Pure: no AWS calls, no clock.
 */
import { z } from 'zod';
import {
  COMMIT_PATTERN,
  BAKE_SECONDS,
  FAIL_FAST_THRESHOLD,
  HEALTH_TIMEOUT_SECONDS,
  INPUT_STRING_MAX_LENGTH,
  TEST_SCALE_PERCENT,
  MACHINE_INPUT_FIELDS,
  MACHINE_NAMES,
  MAX_PROBLEMS_LISTED,
  REFUSAL_MAX_LENGTH,
  expandTrafficShift,
  parseTrafficShift,
  trafficShiftProblems,
  type ExpandedTrafficShift,
  type MachineName,
  type TrafficShift,
} from '../../contract';
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
  /** The input's, else the stack's default when CheckInputFields passed it (InputDefaults); else absent. */
  readonly healthTimeoutSeconds?: number;
  /** The input's, else the stack's default when CheckInputFields passed it (InputDefaults); else absent. */
  readonly failFastThreshold?: number;
  /**
   * Green's size while under test, in percent of the service's desired count: the input's, else the stack's default
   * when CheckInputFields passed it (InputDefaults); else absent.
   */
  readonly testScalePercent?: number;
  /** Absent means no smoke test. */
  readonly smokeTest?: SmokeTestSettings;
}

/** The input of swap, clean-up, rollback and abort after validation (bakeSeconds: swap's only). */
export interface ServiceInput {
  readonly cluster: string;
  readonly service: string;
  /** swap: the input's, else the stack's default when CheckInputFields passed it (InputDefaults); else absent. */
  readonly bakeSeconds?: number;
  /**
   * swap's traffic shift, expanded into its steps (contract/traffic-shift.ts): the input's, or the stack's default
   * when that is not all-at-once. Absent: all at once.
   */
  readonly trafficShift?: ExpandedTrafficShift;
  /**
   * swap: go ahead although blue (the version production would go back to) has no healthy target. Absent: swap
   * refuses then (`BlueGreen.LiveNotHealthy`).
   */
  readonly allowUnhealthyBlue?: boolean;
  /** swap: wait for `bluegreen approve` first (contract/approvals.ts). Absent: swap now. */
  readonly awaitApproval?: boolean;
}

/**
 * What a machine's CheckInputFields passes besides the input: the stack's defaults, as its definition substitutions
 * write them (text). A field the input leaves out comes back with the stack's default, so the state machine needs no
 * states of its own to choose it.
 */
export interface InputDefaults {
  /** swap: the stack prop `trafficShift` in its compact form (contract formatTrafficShift()), e.g. `canary:10:300`. */
  readonly trafficShift?: string;
  /** deploy-green: the stack's health timeout in seconds (a whole number, as text). */
  readonly healthTimeoutSeconds?: string;
  /** deploy-green: the stack's fail-fast threshold (a whole number, as text). */
  readonly failFastThreshold?: string;
  /** deploy-green: green's size under test in percent (a whole number, as text). */
  readonly testScalePercent?: string;
  /** swap: the stack's bake time in seconds (a whole number, as text). */
  readonly bakeSeconds?: string;
}

/** The numeric defaults InputDefaults can carry. */
type NumericDefault = 'healthTimeoutSeconds' | 'failFastThreshold' | 'testScalePercent' | 'bakeSeconds';

/**
 * `given` when the input has it, else the stack's default for `field` (undefined when the machine passed none). The
 * stack wrote the default from a prop it checked when it was synthesized: one that is not a whole number is a wiring
 * error (a plain Error, which fails the Task as Error), not bad input.
 */
function withDefault(given: number | undefined, defaults: InputDefaults, field: NumericDefault): number | undefined {
  if (given !== undefined) return given;
  const text = defaults[field];
  if (text === undefined) return undefined;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value)) {
    throw new Error(`The stack's default ${field} ${JSON.stringify(text).slice(0, 100)} is not a whole number.`);
  }
  return value;
}

/** deploy-green's fields. */
export const INPUT_FIELDS = MACHINE_INPUT_FIELDS['deploy-green'];

// --- Container image references: [registry/]path[:tag][@sha256:digest], as Docker parses them ---
const REGISTRY_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const REGISTRY = new RegExp(`^${REGISTRY_COMPONENT}(?:\\.${REGISTRY_COMPONENT})*(?::[0-9]{1,5})?$`);
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** True for a container image URI such as `123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:3f2c1ab`. */
export function isImageUri(value: string): boolean {
  if (value.length > INPUT_STRING_MAX_LENGTH.image || /\s/.test(value)) return false;
  const at = value.indexOf('@');
  const nameAndTag = at === -1 ? value : value.slice(0, at);
  // ECS: up to 255 characters before the digest.
  if (nameAndTag.length > 255) return false;
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

// --- Cluster and service: an ECS name (ECS_NAME_MAX_LENGTH) or an ARN ---
const ECS_NAME = '[A-Za-z0-9_-]{1,255}';
const ECS_ARN_PREFIX = 'arn:aws(?:-[a-z]+)*:ecs:[a-z0-9-]+:\\d{12}:';
const CLUSTER_REFERENCE = new RegExp(`^(?:${ECS_NAME}|${ECS_ARN_PREFIX}cluster/${ECS_NAME})$`);
/** The service ARN in its long (`service/CLUSTER/NAME`) and short (`service/NAME`) formats. */
const SERVICE_REFERENCE = new RegExp(`^(?:${ECS_NAME}|${ECS_ARN_PREFIX}service/(?:${ECS_NAME}/)?${ECS_NAME})$`);

// --- Messages: each names the field, the value, what is allowed and the fix ---
const describeName =
  (field: 'cluster' | 'service', what: string, example: string) =>
  (value: unknown): string =>
    value === undefined
      ? `${field} is missing but is required: the name or ARN of the ECS ${what}, for example "${field}": "${example}".`
      : `${field} is ${show(value)} but must be the name of the ECS ${what} (1 to 255 letters, digits, hyphens and underscores) ` +
        `or its ARN (arn:aws:ecs:REGION:ACCOUNT:${what}/…, at most ${INPUT_STRING_MAX_LENGTH[field]} characters), for example "${field}": "${example}".`;
const describeFailFastThreshold = (value: unknown): string =>
  `failFastThreshold is ${show(value)} but must be a whole number from ${FAIL_FAST_THRESHOLD.min} to ${FAIL_FAST_THRESHOLD.max} ` +
  `(how many of green's tasks may stop on their own, or health polls in a row find a target unhealthy, before deploy-green gives up). ` +
  `Omit it to use the stack's default.`;
const describeTestScalePercent = (value: unknown): string =>
  `testScalePercent is ${show(value)} but must be a whole number from ${TEST_SCALE_PERCENT.min} to ${TEST_SCALE_PERCENT.max} ` +
  `(the percent of the service's desired count green runs at while under test; swap scales it to 100 before production moves). ` +
  `Give a number such as 25, not a string; omit it to use the stack's default.`;
const describeBakeSeconds = (value: unknown): string =>
  `bakeSeconds is ${show(value)} but must be a whole number from ${BAKE_SECONDS.min} to ${BAKE_SECONDS.max} ` +
  `(seconds swap watches green under production traffic; 0 = no watch). Omit it to use the stack's default.`;
const describeAllowUnhealthyBlue = (value: unknown): string =>
  `allowUnhealthyBlue is ${show(value)} but must be true or false (true: swap even though blue, the version ` +
  `production would go back to, has no healthy target). Omit it to keep that check.`;
const describeAwaitApproval = (value: unknown): string =>
  `awaitApproval is ${show(value)} but must be true or false (true: wait for bluegreen approve before anything moves; ` +
  `in stacks whose swapApprovalMode is step-functions, deploy-green starts such a swap and swap such a clean-up). ` +
  `Omit it to go on now.`;
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

const reference = (field: 'cluster' | 'service', pattern: RegExp, example: string) => {
  const describe = says(describeName(field, field, example));
  return z.string(describe).max(INPUT_STRING_MAX_LENGTH[field], describe).regex(pattern, describe);
};
const serviceIdentity = {
  cluster: reference('cluster', CLUSTER_REFERENCE, 'EcsBlueGreen-Cluster'),
  service: reference('service', SERVICE_REFERENCE, 'demo-app'),
};

/** The inputs of swap, clean-up, rollback and abort: the service, and swap's bake time. */
const serviceSchemas = {
  swap: z.object({
    ...serviceIdentity,
    bakeSeconds: z
      .number(says(describeBakeSeconds))
      .int(says(describeBakeSeconds))
      .min(BAKE_SECONDS.min, says(describeBakeSeconds))
      .max(BAKE_SECONDS.max, says(describeBakeSeconds))
      .optional(),
    trafficShift: z.unknown().optional(),
    allowUnhealthyBlue: z.boolean(says(describeAllowUnhealthyBlue)).optional(),
    awaitApproval: z.boolean(says(describeAwaitApproval)).optional(),
  }),
  'clean-up': z.object({ ...serviceIdentity, awaitApproval: z.boolean(says(describeAwaitApproval)).optional() }),
  rollback: z.object(serviceIdentity),
  abort: z.object(serviceIdentity),
} as const;

const inputSchema = z.object({
  ...serviceIdentity,
  commit: z.string(says(describeCommit)).regex(COMMIT_PATTERN, says(describeCommit)),
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
  failFastThreshold: z
    .number(says(describeFailFastThreshold))
    .int(says(describeFailFastThreshold))
    .min(FAIL_FAST_THRESHOLD.min, says(describeFailFastThreshold))
    .max(FAIL_FAST_THRESHOLD.max, says(describeFailFastThreshold))
    .optional(),
  testScalePercent: z
    .number(says(describeTestScalePercent))
    .int(says(describeTestScalePercent))
    .min(TEST_SCALE_PERCENT.min, says(describeTestScalePercent))
    .max(TEST_SCALE_PERCENT.max, says(describeTestScalePercent))
    .optional(),
  smokeTest: smokeTestSchema.optional(),
});

/** A problem list that keeps each problem once. */
function problemList(): { readonly problems: string[]; add(problem: string): void } {
  const problems: string[] = [];
  return {
    problems,
    add: (problem) => {
      if (!problems.includes(problem)) problems.push(problem);
    },
  };
}

/** One problem per field `machine` does not know. */
function unknownFieldProblems(machine: MachineName, input: Record<string, unknown>, add: (p: string) => void): void {
  const known: readonly string[] = MACHINE_INPUT_FIELDS[machine];
  for (const key of Object.keys(input)) {
    if (!known.includes(key)) add(unknownFieldProblem('', key, known, machine));
  }
}

/**
 * The refusal of `problems`: at most MAX_PROBLEMS_LISTED of them and REFUSAL_MAX_LENGTH characters, the rest
 * counted, so that no input (10,000 unknown fields, say) makes a cause longer than Step Functions keeps.
 */
export function refusal(problems: readonly string[]): BlueGreenError {
  const listed: string[] = [];
  let length = 0;
  for (const problem of problems) {
    if (listed.length === MAX_PROBLEMS_LISTED || length + problem.length + 1 > REFUSAL_MAX_LENGTH) break;
    listed.push(problem);
    length += problem.length + 1;
  }
  const rest = problems.length - listed.length;
  return new BlueGreenError(
    INVALID_INPUT,
    rest > 0 ? [...listed, `… and ${rest} more problem${rest === 1 ? '' : 's'}: fix these, then start again.`] : listed,
  );
}

function problemsOf(input: Record<string, unknown>): string[] {
  const { problems, add } = problemList();
  unknownFieldProblems('deploy-green', input, add);
  const parsed = inputSchema.safeParse(input);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const [field, ...rest] = issue.path;
    if (field === 'smokeTest' && issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        add(unknownFieldProblem('smokeTest.', key, SMOKE_TEST_FIELDS, "deploy-green's smokeTest"));
      }
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

const EXAMPLES: Readonly<Record<MachineName, string>> = {
  'deploy-green': '{"cluster": "…", "service": "…", "commit": "3f2c1ab", "image": "…"}',
  swap: '{"cluster": "…", "service": "…", "bakeSeconds": 300, "trafficShift": {"type": "canary", "percent": 10, "intervalSeconds": 300}}',
  'clean-up': '{"cluster": "…", "service": "…"}',
  rollback: '{"cluster": "…", "service": "…"}',
  abort: '{"cluster": "…", "service": "…"}',
};

/** The input as an object, or a refusal naming what it is instead. */
function asObject(machine: MachineName, input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw refusal([`The input is ${show(input)} but must be a JSON object such as ${EXAMPLES[machine]}.`]);
  }
  return input as Record<string, unknown>;
}

/**
 * The normalized input of swap, clean-up, rollback or abort (only known fields), or a `BlueGreen.InvalidInput` error
 * naming every offending field.
 */
export function validateServiceInput(
  machine: Exclude<MachineName, 'deploy-green'>,
  input: unknown,
  defaults: InputDefaults = {},
): ServiceInput {
  const record = asObject(machine, input);
  const { problems, add } = problemList();
  unknownFieldProblems(machine, record, add);
  const parsed = serviceSchemas[machine].safeParse(record);
  for (const issue of parsed.success ? [] : parsed.error.issues) add(issue.message);
  if (machine === 'swap' && record.trafficShift !== undefined) {
    for (const problem of trafficShiftProblems(record.trafficShift)) add(problem);
  }
  if (problems.length > 0 || !parsed.success) throw refusal(problems);
  const data: {
    cluster: string;
    service: string;
    bakeSeconds?: number;
    allowUnhealthyBlue?: boolean;
    awaitApproval?: boolean;
  } = parsed.data;
  const trafficShift = machine === 'swap' ? chosenTrafficShift(record.trafficShift, defaults) : undefined;
  const bakeSeconds = machine === 'swap' ? withDefault(data.bakeSeconds, defaults, 'bakeSeconds') : undefined;
  return {
    cluster: data.cluster,
    service: data.service,
    ...(bakeSeconds !== undefined && { bakeSeconds }),
    ...(trafficShift !== undefined && { trafficShift }),
    ...(data.allowUnhealthyBlue !== undefined && { allowUnhealthyBlue: data.allowUnhealthyBlue }),
    ...(data.awaitApproval !== undefined && { awaitApproval: data.awaitApproval }),
  };
}

/**
 * swap's traffic shift, expanded: the input's (already checked), else the stack's default unless that is all at
 * once (then absent, and swap moves production in one step as it always did).
 */
function chosenTrafficShift(given: unknown, defaults: InputDefaults): ExpandedTrafficShift | undefined {
  if (given !== undefined) return expandTrafficShift(given as TrafficShift);
  if (defaults.trafficShift === undefined || defaults.trafficShift === 'all-at-once') return undefined;
  const parsed = parseTrafficShift(defaults.trafficShift);
  const problems = 'problem' in parsed ? [parsed.problem] : trafficShiftProblems(parsed);
  if ('problem' in parsed || problems.length > 0) {
    // The stack checked its prop when it was synthesized: this is a wiring error, not bad input.
    throw new Error(
      `The stack's default trafficShift ${JSON.stringify(defaults.trafficShift)} is invalid: ${problems.join(' ')}`,
    );
  }
  return expandTrafficShift(parsed);
}

/** The normalized input of `machine`, or a `BlueGreen.InvalidInput` error naming every offending field. */
export function validateInput(
  machine: MachineName,
  input: unknown,
  defaults: InputDefaults = {},
): DeployInput | ServiceInput {
  return machine === 'deploy-green'
    ? validateDeployInput(input, defaults)
    : validateServiceInput(machine, input, defaults);
}

/** Whether `name` is a state machine's name. */
export function isMachineName(name: unknown): name is MachineName {
  return typeof name === 'string' && (MACHINE_NAMES as readonly string[]).includes(name);
}

/**
 * The normalized deploy-green input, or a `BlueGreen.InvalidInput` error naming every offending field. `defaults`
 * fill healthTimeoutSeconds, failFastThreshold and testScalePercent when the input leaves them out.
 */
export function validateDeployInput(input: unknown, defaults: InputDefaults = {}): DeployInput {
  const record = asObject('deploy-green', input);
  const problems = problemsOf(record);
  if (problems.length > 0) throw refusal(problems);
  const parsed = inputSchema.parse(record);
  const healthTimeoutSeconds = withDefault(parsed.healthTimeoutSeconds, defaults, 'healthTimeoutSeconds');
  const failFastThreshold = withDefault(parsed.failFastThreshold, defaults, 'failFastThreshold');
  const testScalePercent = withDefault(parsed.testScalePercent, defaults, 'testScalePercent');
  return {
    cluster: parsed.cluster,
    service: parsed.service,
    commit: parsed.commit.toLowerCase(),
    ...(parsed.image !== undefined && { image: parsed.image }),
    ...(parsed.taskDefinition !== undefined && { taskDefinition: parsed.taskDefinition }),
    ...(healthTimeoutSeconds !== undefined && { healthTimeoutSeconds }),
    ...(failFastThreshold !== undefined && { failFastThreshold }),
    ...(testScalePercent !== undefined && { testScalePercent }),
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
