import * as fs from 'fs';
import * as path from 'path';
import { MACHINES } from '../../cli/machines';
import { MACHINE_STEPS, stepOf, waitProgressText } from '../../cli/steps';

interface AslState {
  readonly Type: string;
  readonly Seconds?: number;
  readonly Iterator?: { readonly States: Record<string, AslState> };
  readonly ItemProcessor?: { readonly States: Record<string, AslState> };
  readonly Branches?: ReadonlyArray<{ readonly States: Record<string, AslState> }>;
}

/** Every state of a shipped ASL file, nested ones (Map, Parallel) included. */
function aslStates(machine: string): Map<string, AslState> {
  const file = path.join(__dirname, '..', '..', 'state-machines', `${machine}.asl.json`);
  const asl = JSON.parse(fs.readFileSync(file, 'utf8')) as { States: Record<string, AslState> };
  const all = new Map<string, AslState>();
  const walk = (states: Record<string, AslState>): void => {
    for (const [name, state] of Object.entries(states)) {
      all.set(name, state);
      if (state.Iterator) walk(state.Iterator.States);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
      for (const branch of state.Branches ?? []) walk(branch.States);
    }
  };
  walk(asl.States);
  return all;
}

describe.each(MACHINES.map((m) => [m]))('%s: every state belongs to one step', (machine) => {
  const states = aslStates(machine);
  const steps = MACHINE_STEPS[machine];

  test('every state of the shipped ASL maps to a step (a new state cannot fall through)', () => {
    expect(states.size).toBeGreaterThan(20);
    const unmapped = [...states.keys()].filter((state) => stepOf(machine, state) === undefined);
    expect(unmapped).toEqual([]);
  });

  test('no state is in two steps, and every state named here exists in the ASL', () => {
    const named = steps.flatMap((step) => step.states);
    expect(named.filter((state, i) => named.indexOf(state) !== i)).toEqual([]);
    expect(named.filter((state) => !states.has(state))).toEqual([]);
  });

  test("every fixed Wait state is its step's wait, with the ASL's period", () => {
    // A lifecycle hook's Wait (SecondsPath: the hook's callBackDelay) has no fixed period to count polls by.
    const waits = [...states].filter(([, s]) => s.Type === 'Wait' && s.Seconds !== undefined);
    // swap's only one is its full-size gate's (WaitForFullGreen): its shift steps and bake wait on a task token (the
    // green watch), not in Wait loops.
    expect(waits.length > 0).toBe(true);
    for (const [name, state] of waits) {
      const step = stepOf(machine, name);
      expect({ name, wait: step?.wait?.state, period: step?.wait?.periodSeconds }).toEqual({
        name,
        wait: name,
        period: state.Seconds,
      });
    }
  });

  test('a handful of steps, starting with the input check and the lease, ending in done or a failure', () => {
    // swap and clean-up wait for their approval (swapApprovalMode step-functions) between the input check and lease.
    const first = machine === 'swap' || machine === 'clean-up' ? ['input', 'approval', 'lease'] : ['input', 'lease'];
    expect(steps.length).toBeLessThanOrEqual(first.length + 8);
    expect(steps.map((s) => s.id).slice(0, first.length)).toEqual(first);
    expect(steps.map((s) => s.id)).toEqual(expect.arrayContaining(['done', 'failing']));
    expect(new Set(steps.map((s) => s.id)).size).toBe(steps.length);
  });
});

test('a state of another machine, or of no known machine, has no step', () => {
  expect(stepOf('swap', 'WaitForGreen')).toBeUndefined();
  expect(stepOf(undefined, 'WaitForGreen')).toBeUndefined();
  expect(stepOf('deploy-green', 'WaitForGreen')?.id).toBe('health');
});

test('wait progress: polls of N with the time left for a health wait', () => {
  const health = stepOf('deploy-green', 'WaitForGreen')?.wait;
  if (!health) throw new Error('no wait');
  // Defaults from contract/inputs.ts when the input does not say.
  expect(waitProgressText(health, 3, {})).toMatch(/poll 3 of 60, 9m 40s left/);
  expect(waitProgressText(health, 1, { healthTimeoutSeconds: 30 })).toMatch(/poll 1 of 3, 30s left/);
  expect(waitProgressText(health, 9, { healthTimeoutSeconds: 30 })).toMatch(/0s left/);
});

test('each machine that waits for testers names its own approval: swap ApproveSwap (abort), clean-up ApproveCleanUp (rollback)', () => {
  const swap = stepOf('swap', 'AwaitApproval');
  const cleanUp = stepOf('clean-up', 'AwaitApproval');
  expect(swap?.id).toBe('approval');
  expect(cleanUp?.id).toBe('approval');
  expect(swap?.text).toMatch(/approve --stage ApproveSwap, or reject --stage ApproveSwap \(which starts abort/);
  expect(cleanUp?.text).toMatch(
    /approve --stage ApproveCleanUp, or reject --stage ApproveCleanUp \(which starts rollback/,
  );
  // The clean-up a swap starts (to wait for ApproveCleanUp) is part of swap's ending.
  expect(stepOf('swap', 'StartCleanUpAwaitingApproval')?.id).toBe('done');
});
