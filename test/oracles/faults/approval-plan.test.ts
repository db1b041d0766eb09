import fc from 'fast-check';
import { APPROVAL_ACTIONS, approvalPlanArbitrary, cliCommandsOf } from '../../../oracles/faults/approval-plan';

describe('approval plans', () => {
  test('1 to 4 known actions, and every action is drawn', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(approvalPlanArbitrary, (plan) => {
        expect(plan.actions.length).toBeGreaterThanOrEqual(1);
        expect(plan.actions.length).toBeLessThanOrEqual(4);
        for (const a of plan.actions) {
          expect(APPROVAL_ACTIONS).toContain(a);
          seen.add(a);
        }
      }),
      { seed: 1, numRuns: 500 },
    );
    expect([...seen].sort()).toEqual([...APPROVAL_ACTIONS].sort());
  });

  test('the CLI commands of each action: reject always names its stage; races run at once', () => {
    expect(cliCommandsOf('approve')).toEqual({ commands: [['approve', '--comment', 'tested']], concurrent: false });
    expect(cliCommandsOf('reject').commands[0]).toEqual(expect.arrayContaining(['reject', '--stage', 'ApproveSwap']));
    expect(cliCommandsOf('doubleApprove').commands.map((c) => c[0])).toEqual(['approve', 'approve']);
    expect(cliCommandsOf('approveVsReject')).toMatchObject({ concurrent: true });
    expect(cliCommandsOf('approveVsReject').commands.map((c) => c[0])).toEqual(['approve', 'reject']);
    expect(cliCommandsOf('rejectCleanUp').commands[0]).toEqual(
      expect.arrayContaining(['reject', '--stage', 'ApproveCleanUp']),
    );
    for (const action of ['abort', 'swap', 'rollback', 'deployGreen', 'expire'] as const) {
      expect(cliCommandsOf(action).commands).toEqual([]);
    }
  });
});
