import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import type { LocalAwsStackOptions } from '../../local/local-aws';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

let template: CfnTemplate | undefined;

/**
 * The real stack's template: the one test/global-setup.ts synthesized for this jest run (a fresh parse per test file,
 * so no file sees another's changes), or, outside jest's global setup, synthesized here into a temporary cdk.out.
 */
export function stackTemplate(): CfnTemplate {
  const shared = process.env.BLUEGREEN_TEST_TEMPLATE;
  template ??= shared ? (JSON.parse(fs.readFileSync(shared, 'utf8')) as CfnTemplate) : synthHere();
  return template;
}

/**
 * Synthesizes into a temporary cdk.out. Loaded only here: the CDK app (aws-cdk-lib, the stack's constructs, cdk-nag)
 * costs ~0.8 s of CPU to load, which every end-to-end test file paid for nothing while the shared template exists.
 */
function synthHere(): CfnTemplate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily, see above
  const { synthTemplate } = require('../../harness/deploy/synth') as typeof import('../../harness/deploy/synth');
  return synthTemplate({}, fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-')));
}

/** Local AWS on free ports, 100× faster than real time, with the synthesized stack deployed into it. */
export function startTestStack(options: LocalAwsStackOptions = {}): Promise<LocalStack> {
  return startLocalStack(stackTemplate(), {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
    ...options,
  });
}
