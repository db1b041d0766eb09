import { ECHO_MAX_LENGTH, MACHINE_INPUT_FIELDS, MACHINES } from '../../contract';
import { runExecution, statesEntered } from '../../harness/demo/executions';
import { observe } from '../../harness/demo/observe';
import type { Machine, MachineStack } from './machine-stack';

/**
 * The input refusals every machine makes in its first state (CheckInputFields: validate-input with the machine's
 * name), run on the deployed stack: an unknown field is refused with the known fields and the likely fix, and an
 * oversized value with a right-to-left override gets a bounded, escaped cause. Nothing changes, the lease is never
 * taken, and `next` is fix-input. `typo` is a misspelling of one of the machine's fields, `meant` that field.
 */
export function describeInputRefusals(
  getMs: () => MachineStack,
  machine: Machine,
  typo: { readonly field: string; readonly meant: string },
): void {
  const name = MACHINES[machine].name;
  describe(`${name} input validation: refused before anything changes`, () => {
    test(`a misspelt field (${typo.field}) is refused with the known fields and the fix`, async () => {
      const ms = getMs();
      const before = observe(ms.stack);
      const result = await ms.run(machine, { ...ms.stack.service, [typo.field]: 0 });
      expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.InvalidInput']);
      expect(result.failure).toEqual({
        message: `Input field '${typo.field}' is not known to ${name}; known fields: ${MACHINE_INPUT_FIELDS[name].join(', ')}. Did you mean ${typo.meant}?`,
        undone: 'nothing-changed',
        next: ['fix-input'],
      });
      expect(statesEntered(result.history)).not.toContain('AcquireLease');
      expect(observe(ms.stack)).toEqual(before);
    });

    // Not null: local Step Functions fails `$` on a null input as States.Runtime ("does not point to a value"), and
    // what AWS does there is not documented.
    test.each([
      ['a string', 'x'],
      ['an array', [1, 2]],
      ['a number', 42],
    ])('input that is %s, not an object, is refused like any other bad input', async (_what, input) => {
      const ms = getMs();
      const before = observe(ms.stack);
      const result = await runExecution(ms.stack.sfn, ms.stack.stateMachines[machine], input);
      expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.InvalidInput']);
      expect(result.failure).toMatchObject({ undone: 'nothing-changed', next: ['fix-input'] });
      expect(observe(ms.stack)).toEqual(before);
    });

    test('a 200,000-character cluster with a right-to-left override gets a bounded, escaped cause', async () => {
      const ms = getMs();
      const before = observe(ms.stack);
      const cluster = `\u202e${'c'.repeat(200_000)}`;
      const result = await ms.run(machine, { ...ms.stack.service, cluster });
      expect([result.status, result.error]).toEqual(['FAILED', 'BlueGreen.InvalidInput']);
      expect(result.failure).toMatchObject({ undone: 'nothing-changed', next: ['fix-input'] });
      expect(result.failure?.message).toContain(
        `cluster is '\\u202e${'c'.repeat(ECHO_MAX_LENGTH - 1)}'… (200001 characters) but must be`,
      );
      expect(result.cause?.length).toBeLessThan(1000);
      expect(result.cause).not.toContain('\u202e');
      expect(observe(ms.stack)).toEqual(before);
    });
  });
}
