import { ECHO_MAX_LENGTH, MACHINE_INPUT_FIELDS, MAX_PROBLEMS_LISTED, REFUSAL_MAX_LENGTH } from '../../../contract';
import { BlueGreenError, echo, show } from '../../../lambdas/shared/errors';
import { validateInput, validateServiceInput } from '../../../lambdas/validate-input/core';
import { handler } from '../../../lambdas/validate-input/handler';

/**
 * validate-input for swap, clean-up, rollback and abort (each machine's CheckInputFields), and what every refusal
 * may repeat of the input: unknown fields named with the known ones, values cut and escaped, the list bounded.
 */
const service = { cluster: 'EcsBlueGreen-Cluster', service: 'demo-app' };
const RLO = '\u202e';

function rejection(run: () => unknown): BlueGreenError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(BlueGreenError);
    return error as BlueGreenError;
  }
  throw new Error('the input was accepted');
}

describe.each(['swap', 'clean-up', 'rollback', 'abort'] as const)('%s', (machine) => {
  test('a valid input comes back with only its known fields', () => {
    expect(validateServiceInput(machine, service)).toEqual(service);
    expect(
      validateServiceInput(machine, { ...service, cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/c-1' }),
    ).toEqual({ ...service, cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/c-1' });
  });

  test('an unknown field is refused with the known fields and the likely fix', () => {
    const error = rejection(() => validateServiceInput(machine, { ...service, servce: 'x' }));
    expect(error.name).toBe('BlueGreen.InvalidInput');
    expect(error.message).toBe(
      `Input field 'servce' is not known to ${machine}; known fields: ${MACHINE_INPUT_FIELDS[machine].join(', ')}. Did you mean service?`,
    );
  });

  test('missing or malformed cluster and service are both named', () => {
    const error = rejection(() => validateServiceInput(machine, { cluster: 'has space', service: 7 }));
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/^cluster is 'has space' but must be the name of the ECS cluster/);
    expect(error.message).toMatch(/service is 7 but must be the name of the ECS service/);
    expect(rejection(() => validateServiceInput(machine, {})).message).toMatch(
      /cluster is missing but is required.*service is missing but is required/,
    );
  });

  test('a non-object input is refused with an example', () => {
    expect(rejection(() => validateServiceInput(machine, ['x'])).message).toMatch(
      /^The input is \["x"\] but must be a JSON object such as \{"cluster"/,
    );
  });
});

describe('swap bakeSeconds', () => {
  test('the issue: a misspelt bakeSeconds is refused instead of baking the default', () => {
    expect(rejection(() => validateServiceInput('swap', { ...service, bakeSecnds: 0 })).message).toBe(
      "Input field 'bakeSecnds' is not known to swap; known fields: cluster, service, bakeSeconds, trafficShift, allowUnhealthyBlue, awaitApproval. Did you mean bakeSeconds?",
    );
  });

  test('0 to 86400 (24 hours), whole numbers, is kept', () => {
    expect(validateServiceInput('swap', { ...service, bakeSeconds: 0 })).toEqual({ ...service, bakeSeconds: 0 });
    expect(validateServiceInput('swap', { ...service, bakeSeconds: 86400 })).toEqual({
      ...service,
      bakeSeconds: 86400,
    });
  });

  test.each([[-1], [86401], [1.5], ['300'], [null]])('%p is refused with the range', (bakeSeconds) => {
    expect(rejection(() => validateServiceInput('swap', { ...service, bakeSeconds })).message).toMatch(
      /^bakeSeconds is .* but must be a whole number from 0 to 86400 \(seconds swap watches green/,
    );
  });

  test('is not known to clean-up', () => {
    expect(rejection(() => validateServiceInput('clean-up', { ...service, bakeSeconds: 0 })).message).toBe(
      "Input field 'bakeSeconds' is not known to clean-up; known fields: cluster, service, awaitApproval. Remove it, or fix its spelling.",
    );
  });
});

describe('what a refusal repeats of the input is bounded and escaped', () => {
  test('a 200 KB cluster is cut to 200 characters and counted', () => {
    const cluster = 'c'.repeat(200_000);
    const error = rejection(() => validateServiceInput('swap', { ...service, cluster }));
    expect(error.message).toContain(`'${'c'.repeat(ECHO_MAX_LENGTH)}'… (200000 characters)`);
    expect(error.message.length).toBeLessThan(1000);
  });

  test('a right-to-left override is shown as an escape, never raw', () => {
    const error = rejection(() => validateServiceInput('abort', { ...service, service: `demo${RLO}ppa` }));
    expect(error.message).toContain("service is 'demo\\u202eppa' but");
    expect(error.message).not.toContain(RLO);
  });

  test('field names are cut and escaped too', () => {
    const key = `${RLO}${'k'.repeat(100_000)}`;
    const error = rejection(() => validateServiceInput('rollback', { ...service, [key]: 1 }));
    expect(error.message).toMatch(/^Input field '\\u202ek{199}… \(100001 characters\)' is not known to rollback/);
    expect(error.message).not.toContain(RLO);
  });

  test('10,000 unknown fields: the first ones are listed, the rest counted', () => {
    const input: Record<string, unknown> = { ...service };
    for (let i = 0; i < 10_000; i += 1) input[`extra${i}`] = i;
    const error = rejection(() => validateServiceInput('clean-up', input));
    expect(error.problems).toHaveLength(MAX_PROBLEMS_LISTED + 1);
    expect(error.problems[MAX_PROBLEMS_LISTED]).toBe(
      `… and ${10_000 - MAX_PROBLEMS_LISTED} more problems: fix these, then start again.`,
    );
    expect(error.message.length).toBeLessThanOrEqual(REFUSAL_MAX_LENGTH + 100);
  });

  test('deploy-green: 10,000 bad smoke-test paths are bounded the same way', () => {
    const error = rejection(() =>
      validateInput('deploy-green', {
        ...service,
        commit: 'abc1234',
        image: 'nginx:1',
        smokeTest: { paths: Array.from({ length: 10_000 }, () => 'no-slash') },
      }),
    );
    expect(error.message.length).toBeLessThanOrEqual(REFUSAL_MAX_LENGTH + 100);
  });

  test('show() and echo(): short values as they are, long ones cut on a code point and counted', () => {
    expect(show('abc')).toBe("'abc'");
    expect(show({ a: 1 })).toBe('{"a":1}');
    expect(echo('tab\there\u0000\u2066')).toBe('tab\\u0009here\\u0000\\u2066');
    // 301 UTF-16 code units; the 200th is the first half of a pair, which the cut must not split.
    expect(echo(`x${'😀'.repeat(150)}`)).toBe(`x${'😀'.repeat(99)}… (301 characters)`);
  });
});

describe('handler', () => {
  test('the envelope every machine sends: {machine, input}', async () => {
    await expect(handler({ machine: 'swap', input: { ...service, bakeSeconds: 30 } })).resolves.toEqual({
      ...service,
      bakeSeconds: 30,
    });
    await expect(handler({ machine: 'abort', input: { ...service, bakeSeconds: 30 } })).rejects.toMatchObject({
      name: 'BlueGreen.InvalidInput',
    });
  });

  test('an unknown machine is a wiring error, not invalid input', async () => {
    await expect(handler({ machine: 'deploy', input: service })).rejects.toMatchObject({
      name: 'Error',
      message: expect.stringContaining('"deploy"') as unknown,
    });
  });
});
