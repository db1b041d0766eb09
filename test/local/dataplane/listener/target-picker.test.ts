import { TargetPicker } from '../../../../local/dataplane/listener/target-picker';
import type { RouteTarget } from '../../../../local/dataplane/types';

const target = (port: number, healthy = true): RouteTarget => ({ host: '127.0.0.1', port, healthy });

describe('TargetPicker', () => {
  it('round-robins over the healthy targets of a group, skipping unhealthy ones', () => {
    const picker = new TargetPicker();
    const groups = [{ weight: 1, targets: [target(1), target(2, false), target(3)] }];
    const ports = Array.from({ length: 6 }, () => picker.pick(groups)?.port);
    expect(ports).toEqual([1, 3, 1, 3, 1, 3]);
  });

  it('fails open to all targets when none is healthy', () => {
    const picker = new TargetPicker();
    const groups = [{ weight: 1, targets: [target(1, false), target(2, false)] }];
    expect(new Set(Array.from({ length: 4 }, () => picker.pick(groups)?.port))).toEqual(new Set([1, 2]));
  });

  it('never chooses a group of weight 0', () => {
    const picker = new TargetPicker();
    const groups = [
      { weight: 0, targets: [target(1)] },
      { weight: 5, targets: [target(2)] },
    ];
    for (let i = 0; i < 200; i++) expect(picker.pick(groups)?.port).toBe(2);
  });

  it('splits by weight', () => {
    const draws = [0, 0.2, 0.29, 0.3, 0.5, 0.99];
    const picker = new TargetPicker(() => draws.shift() ?? 0);
    const groups = [
      { weight: 30, targets: [target(1)] },
      { weight: 70, targets: [target(2)] },
    ];
    expect(Array.from({ length: 6 }, () => picker.pick(groups)?.port)).toEqual([1, 1, 1, 2, 2, 2]);
  });

  it('gives no target when the chosen group is empty or all weights are 0', () => {
    const picker = new TargetPicker();
    expect(picker.pick([{ weight: 1, targets: [] }])).toBeUndefined();
    expect(picker.pick([{ weight: 0, targets: [target(1)] }])).toBeUndefined();
    expect(picker.pick([])).toBeUndefined();
  });
});
