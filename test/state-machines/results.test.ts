import { NEXT_STEPS, UNDONE, UNDONE_VALUES } from '../../contract';
import { readAsl, STATE_MACHINE_NAMES } from '../../infra/lib/private/asl';
import { fmtReject, outcome } from '../../state-machines/authoring/basics';
import { withLeaseRelease } from '../../state-machines/authoring/lease';

// Every end of every state machine reports `undone` and `next` (contract/results.ts): the CLI and the oracles read
// these, never the message. The end-to-end suites check the values each situation reports; this checks that no end
// of the shipped definitions lacks them, and that the authoring refuses a definition that would.

type State = Record<string, unknown> & { Next?: string; Parameters?: Record<string, unknown> };

describe.each(STATE_MACHINE_NAMES)('%s.asl.json', (name) => {
  const states = (JSON.parse(readAsl(name)) as { States: Record<string, State> }).States;
  const into = (target: string) => Object.entries(states).filter(([, state]) => state.Next === target);

  test('every failure writes a cause with a message, what was undone and what to run next', () => {
    const failures = into('ReleaseLeaseOnFailure');
    expect(failures.length).toBeGreaterThan(3);
    for (const [stateName, state] of failures) {
      const cause = state.Parameters?.Cause as Record<string, unknown> | undefined;
      expect([stateName, state.ResultPath]).toEqual([stateName, '$.failure']);
      expect([stateName, typeof (cause?.message ?? cause?.['message.$'])]).toEqual([stateName, 'string']);
      expect([stateName, UNDONE_VALUES.filter((u) => u !== UNDONE.notNeeded)]).toEqual([
        stateName,
        expect.arrayContaining([cause?.undone]),
      ]);
      const next = cause?.next as unknown[];
      expect([stateName, next.length > 0, next.filter((step) => !NEXT_STEPS.includes(step as never))]).toEqual([
        stateName,
        true,
        [],
      ]);
    }
    // Failed writes the cause out as JSON text, after the lease is given back.
    expect(states.WriteFailureCause?.Parameters).toEqual({
      'Error.$': '$.failure.Error',
      'Cause.$': 'States.JsonToString($.failure.Cause)',
    });
    expect(states.Failed).toMatchObject({ ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' });
  });

  test('every success says nothing needed undoing and what to run next', () => {
    const successes = into('ReleaseLeaseOnSuccess').filter(([, state]) => state.Type === 'Pass');
    expect(successes.length).toBeGreaterThan(0);
    for (const [stateName, state] of successes) {
      const { undone, next } = state.Parameters ?? {};
      expect([stateName, undone]).toEqual([stateName, UNDONE.notNeeded]);
      expect([stateName, (next as unknown[]).every((step) => NEXT_STEPS.includes(step as never))]).toEqual([
        stateName,
        true,
      ]);
    }
  });
});

describe('the authoring refuses an end without the structured result', () => {
  const start = { Type: 'Pass' as const, Next: 'End' };

  test('a failure with a prose-only cause', () => {
    const prose = {
      Type: 'Pass' as const,
      Parameters: { Error: 'BlueGreen.X', Cause: 'Something. Run abort.' },
      ResultPath: '$.failure',
      Next: 'ReleaseLeaseOnFailure',
    };
    expect(() => withLeaseRelease({ Comment: 'm', StartAt: 'A', States: { A: start, End: prose } })).toThrow(
      'End: sets $.failure without a structured Cause',
    );
    const structured = fmtReject('BlueGreen.X', "States.Format('Something {}.', $.x)", ['abort']);
    expect(() => withLeaseRelease({ Comment: 'm', StartAt: 'A', States: { A: start, End: structured } })).not.toThrow();
  });

  test('a catcher straight to the failure exit, and a success without next', () => {
    const task = {
      Type: 'Task' as const,
      Resource: 'arn:aws:states:::aws-sdk:ecs:describeServices',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'ReleaseLeaseOnFailure' }],
      End: true as const,
    };
    expect(() => withLeaseRelease({ Comment: 'm', StartAt: 'A', States: { A: task } })).toThrow(
      'a catcher goes straight to',
    );
    const bare = { Type: 'Pass' as const, Parameters: { message: 'done' }, End: true as const };
    expect(() => withLeaseRelease({ Comment: 'm', StartAt: 'A', States: { A: bare } })).toThrow(
      'ends without undone and next',
    );
    expect(() => outcome([], { message: 'done' })).toThrow('must say what to run next');
  });
});
