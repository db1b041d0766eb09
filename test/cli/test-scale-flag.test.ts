import { deployInput } from '../../cli/commands/run';
import { rerunArgs } from '../../cli/progress';
import { runInProcess } from './run-in-process';
import { expectUsageError } from './usage-error';

/** deploy --test-scale: green's size while under test (deploy-green's testScalePercent, contract TEST_SCALE_PERCENT). */
describe('deploy --test-scale', () => {
  test.each([['0'], ['101'], ['2.5'], ['half']])('%s is a usage error naming the flag and its range', async (value) => {
    const result = await runInProcess(['deploy', '--image', 'a', '--commit', 'c0ffee0', '--test-scale', value], {
      env: {},
    });
    expectUsageError(result, /--test-scale must be a whole number from 1 to 100\.$/);
  });

  test.each([['1'], ['25'], ['100']])('%s is accepted', async (value) => {
    const args = ['deploy', '--image', 'a', '--commit', 'c0ffee0', '--test-scale', value];
    expect((await runInProcess(args, { env: {}, parseOnly: true })).code).toBe(0);
  });

  test("becomes deploy-green's testScalePercent, and is absent without the flag", () => {
    expect(deployInput({ image: 'a', commit: 'c0ffee0', testScale: 25 }, '/')).toEqual({
      image: 'a',
      commit: 'c0ffee0',
      testScalePercent: 25,
    });
    expect(deployInput({ image: 'a', commit: 'c0ffee0' }, '/')).not.toHaveProperty('testScalePercent');
  });

  test('a failed or stopped deploy-green is started again with it', () => {
    expect(rerunArgs('deploy-green', { image: 'a', commit: 'c0ffee0', testScalePercent: 25 })).toEqual([
      'deploy',
      '--image',
      'a',
      '--commit',
      'c0ffee0',
      '--test-scale',
      '25',
    ]);
  });
});
