import fc from 'fast-check';
import { BlueGreenError } from '../../../lambdas/shared/errors';
import {
  isImageUri,
  isTaskDefinitionReference,
  validateDeployInput,
  type DeployInput,
} from '../../../lambdas/validate-input/core';

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app';
const valid = { cluster: 'EcsBlueGreen-Cluster', service: 'demo-app', commit: '3f2c1ab', image: `${REPO}:3f2c1ab` };

/** The error validateDeployInput throws for `input` (fails the test when it does not throw). */
function rejection(input: unknown): BlueGreenError {
  try {
    validateDeployInput(input);
  } catch (error) {
    expect(error).toBeInstanceOf(BlueGreenError);
    return error as BlueGreenError;
  }
  throw new Error(`validateDeployInput accepted ${JSON.stringify(input)}`);
}

describe('validateDeployInput', () => {
  test('returns the normalized input: known fields only, lower-case commit, smokeTest defaults filled', () => {
    const result = validateDeployInput({
      ...valid,
      commit: '3F2C1AB',
      healthTimeoutSeconds: 900,
      failFastThreshold: 5,
      smokeTest: { paths: ['/', '/healthz'] },
    });
    expect(result).toEqual({
      ...valid,
      commit: '3f2c1ab',
      healthTimeoutSeconds: 900,
      failFastThreshold: 5,
      smokeTest: { paths: ['/', '/healthz'], expectStatus: 200, attempts: 3 },
    });
  });

  test('accepts a task definition ARN or FAMILY:REVISION instead of an image', () => {
    const arn = 'arn:aws:ecs:us-east-1:123456789012:task-definition/demo-app:7';
    const { image: _image, ...withoutImage } = valid;
    expect(validateDeployInput({ ...withoutImage, taskDefinition: arn })).toEqual({
      ...withoutImage,
      taskDefinition: arn,
    });
    expect(validateDeployInput({ ...withoutImage, taskDefinition: 'demo-app:7' }).taskDefinition).toBe('demo-app:7');
  });

  test('the error is BlueGreen.InvalidInput and says value, rule and fix', () => {
    const error = rejection({ ...valid, commit: 'xyz' });
    expect(error.name).toBe('BlueGreen.InvalidInput');
    expect(error.message).toContain(
      "commit is 'xyz' but must be 7-40 hexadecimal characters (a git commit id such as 3f2c1ab).",
    );
    expect(error.problems).toHaveLength(1);
  });

  test('names every offending field at once', () => {
    const error = rejection({ cluster: 1, commit: 'zz', image: 'Demo-App:1', taskDefinition: 'nope', colour: 'blue' });
    const text = error.message;
    expect(text).toMatch(/cluster is 1 but must be the name of the ECS cluster/);
    expect(text).toMatch(/service is missing but is required/);
    expect(text).toMatch(/commit is 'zz' but/);
    expect(text).toMatch(/image is 'Demo-App:1' but must be a container image URI/);
    expect(text).toMatch(/taskDefinition is 'nope' but must be a task definition ARN/);
    expect(text).toMatch(/image and taskDefinition are both given/);
    expect(text).toContain(
      "Input field 'colour' is not known to deploy-green; known fields: cluster, service, commit, image, taskDefinition, healthTimeoutSeconds, failFastThreshold, testScalePercent, smokeTest. Remove it, or fix its spelling.",
    );
    expect(error.problems).toHaveLength(7);
  });

  test('needs exactly one of image and taskDefinition', () => {
    const { image: _image, ...neither } = valid;
    expect(rejection(neither).message).toMatch(/image and taskDefinition are both missing but exactly one is required/);
    expect(rejection({ ...valid, taskDefinition: 'demo-app:7' }).message).toMatch(
      /both given .*exactly one is allowed/,
    );
  });

  test.each([
    [29, '29'],
    [86401, '86401'],
    [90.5, '90.5'],
    ['900', "'900'"],
  ])('healthTimeoutSeconds %p is rejected with the allowed range', (value, shown) => {
    expect(rejection({ ...valid, healthTimeoutSeconds: value }).message).toBe(
      `healthTimeoutSeconds is ${shown} but must be a whole number from 30 to 86400 (seconds deploy-green waits for green to become healthy). Omit it to use the stack's default.`,
    );
  });

  test.each([[0], [201], [2.5], ['3']])('failFastThreshold %p is rejected with the allowed range', (value) => {
    expect(rejection({ ...valid, failFastThreshold: value }).message).toMatch(
      /^failFastThreshold is .* but must be a whole number from 1 to 200 /,
    );
  });

  test.each([[1], [25], [100]])('testScalePercent %p is kept', (value) => {
    expect(validateDeployInput({ ...valid, testScalePercent: value }).testScalePercent).toBe(value);
  });

  test.each([
    [0, '0'],
    [101, '101'],
    [2.5, '2.5'],
    ['50', "'50'"],
  ])('testScalePercent %p is rejected naming the field, the allowed range and the fix', (value, shown) => {
    const error = rejection({ ...valid, testScalePercent: value });
    expect(error.problems).toEqual([
      `testScalePercent is ${shown} but must be a whole number from 1 to 100 (the percent of the service's desired count green runs at while under test; swap scales it to 100 before production moves). Give a number such as 25, not a string; omit it to use the stack's default.`,
    ]);
  });

  test.each([
    [{ paths: [] }, /smokeTest.paths is \[\] but must be a list of 1 to 20 URL paths/],
    [{ paths: ['/', 'healthz'] }, /smokeTest.paths\[1\] is 'healthz' but must be a path starting with '\/'/],
    [{ paths: ['/'], expectStatus: 99 }, /smokeTest.expectStatus is 99 but must be a whole HTTP status code/],
    [
      { paths: ['/'], bodyPattern: '(' },
      /smokeTest.bodyPattern is '\(' but must be an RE2 regular expression \(error parsing regexp: missing closing \)/,
    ],
    [{ paths: ['/'], attempts: 0 }, /smokeTest.attempts is 0 but must be a whole number from 1 to 10/],
    [
      { paths: ['/'], retries: 2 },
      /Input field 'smokeTest.retries' is not known to deploy-green's smokeTest; known fields: paths, expectStatus, bodyPattern, attempts\. Remove it/,
    ],
    ['yes', /smokeTest is 'yes' but must be an object/],
  ])('smokeTest %j is rejected naming the field', (smokeTest, message) => {
    const error = rejection({ ...valid, smokeTest });
    expect(error.message).toMatch(message);
    expect(error.problems).toHaveLength(1);
  });

  test('a non-object input is rejected with an example', () => {
    expect(rejection('deploy please').message).toMatch(/The input is 'deploy please' but must be a JSON object/);
    expect(rejection(null).name).toBe('BlueGreen.InvalidInput');
  });
});

describe('image and task definition references', () => {
  test.each([
    'nginx',
    'nginx:1',
    'library/nginx:1.27-alpine',
    `${REPO}:3f2c1ab`,
    'localhost:5000/app:v1',
    'ghcr.io/org/sub/app__x:latest',
    `app@sha256:${'a'.repeat(64)}`,
    `public.ecr.aws/org/app:1@sha256:${'0'.repeat(64)}`,
  ])('%s is an image URI', (image) => expect(isImageUri(image)).toBe(true));

  test.each([
    '',
    'Demo-App:1',
    'demo app:1',
    'app:',
    'app:-x',
    `app:${'t'.repeat(129)}`,
    'app@sha256:xyz',
    'app/',
    '-app',
    'http://registry/app:1',
    'my_registry.io/app:1',
  ])('%p is not an image URI', (image) => expect(isImageUri(image)).toBe(false));

  test.each(['demo-app:1', 'arn:aws:ecs:eu-west-1:123456789012:task-definition/demo_app-2:42'])(
    '%s is a task definition reference',
    (value) => expect(isTaskDefinitionReference(value)).toBe(true),
  );
  test.each(['demo-app', 'demo-app:0', 'arn:aws:ecs:eu-west-1:1234:task-definition/x:1', 'x:1:2'])(
    '%s is not a task definition reference',
    (value) => expect(isTaskDefinitionReference(value)).toBe(false),
  );
});

// --- Properties ---
const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,8}){0,2}$/);
const imageArb = fc
  .record({
    registry: fc.option(
      fc.constantFrom('123456789012.dkr.ecr.us-east-1.amazonaws.com', 'localhost:5000', 'ghcr.io', 'public.ecr.aws'),
      { nil: undefined },
    ),
    path: fc.array(component, { minLength: 1, maxLength: 3 }),
    tag: fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,30}$/), { nil: undefined }),
    digest: fc.option(fc.stringMatching(/^[a-f0-9]{64}$/), { nil: undefined }),
  })
  .map(({ registry, path, tag, digest }) => {
    // Without a registry, a first component with a dot would be read as a registry host (as Docker reads it).
    const [first = '', ...rest] = path;
    const repository = [registry ? first : first.replace(/\./g, '-'), ...rest].join('/');
    return `${registry ? `${registry}/` : ''}${repository}${tag ? `:${tag}` : ''}${digest ? `@sha256:${digest}` : ''}`;
  });
const taskDefinitionArb = fc.oneof(
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.integer({ min: 1, max: 99999 }))
    .map(([family, revision]) => `${family}:${revision}`),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/), fc.integer({ min: 1, max: 99999 }))
    .map(([family, revision]) => `arn:aws:ecs:us-east-1:123456789012:task-definition/${family}:${revision}`),
);
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const smokeTestArb = fc.record(
  {
    paths: fc.array(fc.stringMatching(/^\/[A-Za-z0-9/._~-]{0,30}$/), { minLength: 1, maxLength: 5 }),
    expectStatus: fc.integer({ min: 100, max: 599 }),
    bodyPattern: fc.string({ maxLength: 30 }).map(escapeRegExp),
    attempts: fc.integer({ min: 1, max: 10 }),
  },
  { requiredKeys: ['paths'] },
);
const validInputArb = fc
  .record(
    {
      cluster: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,255}$/),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/).map((name) => `arn:aws:ecs:eu-west-1:123456789012:cluster/${name}`),
      ),
      service: fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,255}$/),
        fc
          .stringMatching(/^[A-Za-z0-9_-]{1,60}$/)
          .map((name) => `arn:aws-us-gov:ecs:us-gov-west-1:123456789012:service/cluster-1/${name}`),
      ),
      commit: fc.stringMatching(/^[0-9a-fA-F]{7,40}$/),
      healthTimeoutSeconds: fc.integer({ min: 30, max: 86400 }),
      smokeTest: smokeTestArb,
    },
    { requiredKeys: ['cluster', 'service', 'commit'] },
  )
  .chain((base) =>
    fc.oneof(
      imageArb.map((image) => ({ ...base, image }) as Record<string, unknown>),
      taskDefinitionArb.map((taskDefinition) => ({ ...base, taskDefinition }) as Record<string, unknown>),
    ),
  );

const DELETE = Symbol('delete');
type Corruption = { field: string; value: unknown; smoke?: string };
const badName = fc.constantFrom<unknown>(DELETE, 42, '', 'has space', null, ['x'], 'x'.repeat(256), 'a\u202eb');
const commonCorruptions: Array<fc.Arbitrary<Corruption>> = [
  badName.map((value) => ({ field: 'cluster', value })),
  badName.map((value) => ({ field: 'service', value })),
  fc
    .oneof(
      fc.constant<unknown>(DELETE),
      fc.stringMatching(/^[0-9a-f]{1,6}$/),
      fc.stringMatching(/^[0-9a-f]{41,50}$/),
      fc.stringMatching(/^[0-9a-f]{3,20}[g-z][0-9a-f]{3,19}$/),
      fc.integer(),
    )
    .map((value) => ({ field: 'commit', value })),
  fc
    .oneof(
      fc.integer({ max: 29 }),
      fc.integer({ min: 86401 }),
      fc.double({ min: 30.01, max: 86399.99, noNaN: true }).filter((n) => !Number.isInteger(n)),
      fc.constant<unknown>('900'),
    )
    .map((value) => ({ field: 'healthTimeoutSeconds', value })),
  fc
    .constantFrom<unknown>([], ['no-slash'], '/', ['/ space'])
    .map((value) => ({ field: 'smokeTest', smoke: 'paths', value })),
  fc
    .oneof(fc.integer({ max: 99 }), fc.integer({ min: 600 }), fc.constant<unknown>('200'), fc.constant<unknown>(200.5))
    .map((value) => ({ field: 'smokeTest', smoke: 'expectStatus', value })),
  fc
    .constantFrom<unknown>('(', '[a-', '*x', '\\', 7)
    .map((value) => ({ field: 'smokeTest', smoke: 'bodyPattern', value })),
  fc
    .oneof(fc.integer({ max: 0 }), fc.integer({ min: 11 }), fc.constant<unknown>(1.5))
    .map((value) => ({ field: 'smokeTest', smoke: 'attempts', value })),
];
const imageCorruptions = fc.oneof(
  ...commonCorruptions,
  fc
    .constantFrom<unknown>(DELETE, '', 'Demo-App:1', 'app:-tag', 'app@sha256:short', 'a b', 42)
    .map((value) => ({ field: 'image', value })),
);
const taskDefinitionCorruptions = fc.oneof(
  ...commonCorruptions,
  fc
    .constantFrom<unknown>(DELETE, '', 'family', 'family:0', 'arn:aws:ecs:us-east-1:1:task-definition/x:1', 7)
    .map((value) => ({ field: 'taskDefinition', value })),
);
const corruptionArb = (input: Record<string, unknown>): fc.Arbitrary<Corruption> =>
  'image' in input ? imageCorruptions : taskDefinitionCorruptions;

function corrupt(input: Record<string, unknown>, { field, value, smoke }: Corruption): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...input };
  if (smoke !== undefined) {
    const block: Record<string, unknown> = { paths: ['/'], ...(copy.smokeTest as Record<string, unknown> | undefined) };
    block[smoke] = value;
    copy.smokeTest = block;
  } else if (value === DELETE) {
    delete copy[field];
  } else {
    copy[field] = value;
  }
  return copy;
}

describe('properties', () => {
  test('every valid input passes and comes back with the same values', () => {
    fc.assert(
      fc.property(validInputArb, (input) => {
        const result: DeployInput = validateDeployInput(input);
        expect(result).toMatchObject({
          cluster: input.cluster,
          service: input.service,
          commit: String(input.commit).toLowerCase(),
        });
        expect(result.image).toBe(input.image);
        expect(result.taskDefinition).toBe(input.taskDefinition);
        expect(result.healthTimeoutSeconds).toBe(input.healthTimeoutSeconds);
        if (input.smokeTest) expect(result.smokeTest?.paths).toEqual((input.smokeTest as { paths: string[] }).paths);
      }),
      { numRuns: 300 },
    );
  });

  test('any single corrupted field is the one (and only one) problem named', () => {
    fc.assert(
      fc.property(
        validInputArb.chain((input) => fc.tuple(fc.constant(input), corruptionArb(input))),
        ([input, corruption]) => {
          const error = rejection(corrupt(input, corruption));
          expect(error.name).toBe('BlueGreen.InvalidInput');
          expect(error.problems).toHaveLength(1);
          const named = corruption.smoke ? `smokeTest.${corruption.smoke}` : corruption.field;
          expect(error.message).toContain(named);
          expect(error.message).toMatch(/ but (must|exactly|is required)/);
        },
      ),
      { numRuns: 400 },
    );
  });
});
