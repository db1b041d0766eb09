import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { createApp } from '../../examples/demo/create-app';
import { PropValidationError } from '../../infra/lib/private/validate';

test.each([['abc'], ['2.5'], [''], [true]])(
  'context desiredCount=%p is refused naming the key and the fix',
  (value) => {
    const build = () => createApp(new App({ context: { desiredCount: value } }));
    expect(build).toThrow(PropValidationError);
    expect(build).toThrow(/^Context desiredCount is .* but must be a whole number .*, e\.g\. -c desiredCount=3\.$/);
  },
);

test('cdk synth with a bad context value prints one line and no stack trace', () => {
  const root = path.resolve(__dirname, '../..');
  const run = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'examples/demo/app.ts'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ desiredCount: 'abc' }) },
    timeout: 120_000,
  });
  expect(run.status).toBe(1);
  expect(run.stderr.trim().split('\n')).toEqual([
    'Context desiredCount is "abc" but must be a whole number (the number of tasks each version runs), e.g. -c desiredCount=3.',
  ]);
}, 130_000);

test('context swapApprovalDays and cleanUpApprovalDays set the two approval windows', () => {
  const { stack } = createApp(
    new App({ context: { swapApprovalDays: '3', cleanUpApprovalDays: 45, 'aws:cdk:bundling-stacks': [] } }),
  );
  expect([stack.controller.swapApprovalTimeout.toDays(), stack.controller.cleanUpApprovalTimeout.toDays()]).toEqual([
    3, 45,
  ]);
  const refused = () => createApp(new App({ context: { cleanUpApprovalDays: 'soon' } }));
  expect(refused).toThrow(/^Context cleanUpApprovalDays is "soon" but must be a whole number/);
});
