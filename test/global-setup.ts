import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthTemplate } from '../harness/deploy/synth';

/**
 * Synthesizes the real app once per `jest` run (with cdk-nag and its bundling, ~10 s of one core) and shares the
 * template with every test file through a temporary cdk.out: before, each file that started a local stack paid for its
 * own synth. test/harness/demo/harness.ts reads it; global-teardown.ts removes it.
 */
export default function globalSetup(): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bluegreen-jest-cdk-out-'));
  const template = synthTemplate({}, outdir);
  const file = path.join(outdir, 'shared-template.json');
  fs.writeFileSync(file, JSON.stringify(template));
  process.env.BLUEGREEN_TEST_TEMPLATE = file;
}
