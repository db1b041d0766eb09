import { synthTemplate } from '../../../local/deploy/synth';
import type { CfnTemplate } from '../../../local/deploy/deploy-template';
import { startLocalStack, type LocalStack } from '../../../local/demo/local-stack';
import type { LocalAwsStackOptions } from '../../../local/local-aws';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

let template: CfnTemplate | undefined;

/** The real stack's template, synthesized once per test file into a temporary cdk.out. */
export function stackTemplate(): CfnTemplate {
  template ??= synthTemplate({}, fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-out-')));
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
