/**
 * Which fields each state machine's input may have, and how long each string field may be, stated once. The
 * validate-input Lambda (every machine's first state, CheckInputFields) enforces them; the README's input tables
 * document them. Numeric limits live in inputs.ts.
 */
import type { MachineName } from './machines';

/**
 * The input fields each machine knows, in the order the docs list them. Anything else is refused
 * (`BlueGreen.InvalidInput`, `next: ['fix-input']`) before the machine touches anything, so a misspelt optional field
 * (`bakeSecnds`) can never silently fall back to its default.
 */
export const MACHINE_INPUT_FIELDS = {
  'deploy-green': [
    'cluster',
    'service',
    'commit',
    'image',
    'taskDefinition',
    'healthTimeoutSeconds',
    'failFastThreshold',
    'testScalePercent',
    'smokeTest',
  ],
  swap: ['cluster', 'service', 'bakeSeconds', 'trafficShift', 'allowUnhealthyBlue', 'awaitApproval'],
  'clean-up': ['cluster', 'service', 'awaitApproval'],
  rollback: ['cluster', 'service'],
  abort: ['cluster', 'service'],
} as const satisfies Readonly<Record<MachineName, readonly string[]>>;

/** A git commit id as deploy-green's `commit` (and the CLI's `--commit`) takes it: 7 to 40 hexadecimal digits. */
export const COMMIT_PATTERN = /^[0-9a-fA-F]{7,40}$/;

/** The fields of deploy-green's `smokeTest` block. */
export const SMOKE_TEST_INPUT_FIELDS = ['paths', 'expectStatus', 'bodyPattern', 'attempts'] as const;

/**
 * ECS's documented limit on cluster, service and task definition family names (CreateCluster `clusterName`,
 * CreateService `serviceName`, RegisterTaskDefinition `family`): up to 255 letters, digits, hyphens and underscores.
 */
export const ECS_NAME_MAX_LENGTH = 255;

/**
 * The longest `arn:<partition>:ecs:<region>:<account>:` an ARN of ours starts with. ECS documents no length for its
 * ARNs; they are this prefix and the resource path, and the path's names are bounded by ECS_NAME_MAX_LENGTH. The
 * partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, …) is given 15 characters and the region (`ap-southeast-5`,
 * `us-isob-east-1`, …) 20, both with room to spare.
 */
export const ECS_ARN_PREFIX_MAX_LENGTH = 'arn:'.length + 15 + ':ecs:'.length + 20 + ':'.length + 12 + ':'.length;

/** A task definition revision: at most 10 digits. */
const REVISION_MAX_LENGTH = 10;
/** `@sha256:` and 64 hexadecimal digits. */
const DIGEST_SUFFIX_LENGTH = '@sha256:'.length + 64;

/** The longest value each string field may have, in UTF-16 code units (String.length). */
export const INPUT_STRING_MAX_LENGTH = {
  /** A cluster name, or `arn:…:cluster/<name>`. */
  cluster: ECS_ARN_PREFIX_MAX_LENGTH + 'cluster/'.length + ECS_NAME_MAX_LENGTH,
  /** A service name, or `arn:…:service/<cluster>/<name>` (the long ARN format; the short one is shorter). */
  service: ECS_ARN_PREFIX_MAX_LENGTH + 'service/'.length + ECS_NAME_MAX_LENGTH + '/'.length + ECS_NAME_MAX_LENGTH,
  /** A git commit id: 7 to 40 hexadecimal digits. */
  commit: 40,
  /**
   * ECS ContainerDefinition `image`: up to 255 characters with a tag; with a digest, the 255 apply to what comes
   * before the `@`.
   */
  image: 255 + DIGEST_SUFFIX_LENGTH,
  /** `arn:…:task-definition/<family>:<revision>` (FAMILY:REVISION is shorter). */
  taskDefinition:
    ECS_ARN_PREFIX_MAX_LENGTH + 'task-definition/'.length + ECS_NAME_MAX_LENGTH + ':'.length + REVISION_MAX_LENGTH,
  /** Each of `smokeTest.paths`. */
  smokeTestPath: 1024,
  /** `smokeTest.bodyPattern` (an RE2 regular expression). */
  smokeTestBodyPattern: 1000,
} as const;

/** How many paths `smokeTest.paths` may list. */
export const SMOKE_TEST_MAX_PATHS = 20;

/**
 * How much of an input value an error message repeats: longer values are cut to this many characters and followed by
 * `… (N characters)`; control and bidirectional-formatting characters are shown as `\uXXXX` escapes.
 */
export const ECHO_MAX_LENGTH = 200;

/**
 * At most this many problems, and this many characters of them, are listed in one refusal; the rest are counted
 * (`… and N more problems`). Step Functions keeps at most 32,768 characters of a cause.
 */
export const MAX_PROBLEMS_LISTED = 20;
export const REFUSAL_MAX_LENGTH = 8_000;
