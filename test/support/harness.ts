import { synthTemplate } from '../../harness/deploy/synth';
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
  template ??= shared
    ? (JSON.parse(fs.readFileSync(shared, 'utf8')) as CfnTemplate)
    : synthTemplate({}, fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-')));
  return template;
}

/** Local AWS on free ports, 100× faster than real time, with the synthesized stack deployed into it. */
export function startTestStack(options: LocalAwsStackOptions = {}): Promise<LocalStack> {
  return startLocalStack(stackTemplate(), {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
    ...options,
  });
}
