import type { CfnTemplate } from '../../harness/deploy/deploy-template';
import { startLocalStack, type LocalStack } from '../../harness/demo/local-stack';
import type { LocalAwsStackOptions } from '../../local/local-aws';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../local/local-aws';
import { FAULT_HOOK_TIMEOUT_SECONDS, FAULT_HOOKS } from '../../oracles/faults/hooks';
import * as os from 'os';
import * as path from 'path';
import * as fs from 'fs';

let template: CfnTemplate | undefined;
let hookedTemplate: CfnTemplate | undefined;

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

/** The ARN of a function registered with local Lambda by name (`stack.aws.lambda.register`). */
export const localFunctionArn = (name: string): string =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;

/**
 * The real stack with one Lambda lifecycle hook per stage (oracles/faults/hooks.ts FAULT_HOOKS, each timing out after
 * FAULT_HOOK_TIMEOUT_SECONDS), for the fault stack. Synthesized once per jest run: the first test file that needs it
 * writes it beside the shared template (test/global-setup.ts's directory, removed by global-teardown.ts) and the others
 * read it, so a run that needs no fault stack pays nothing; outside jest, once per process.
 */
export function faultHooksTemplate(): CfnTemplate {
  if (hookedTemplate) return hookedTemplate;
  const shared = process.env.BLUEGREEN_TEST_TEMPLATE;
  const file = shared ? path.join(path.dirname(shared), 'fault-hooks-template.json') : undefined;
  if (file && fs.existsSync(file)) {
    hookedTemplate = JSON.parse(fs.readFileSync(file, 'utf8')) as CfnTemplate;
    return hookedTemplate;
  }
  hookedTemplate = synthFaultHooks();
  if (file) {
    // Written whole, then renamed: a file synthesizing at the same moment reads either nothing or all of it.
    const partial = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(partial, JSON.stringify(hookedTemplate));
    fs.renameSync(partial, file);
  }
  return hookedTemplate;
}

/** The real stack with other props (harness/deploy/synth.ts synthVariant), the CDK app loaded on first use. */
export function synthVariant(
  props: (app: import('aws-cdk-lib').App) => import('../../examples/demo/bluegreen-stack').BlueGreenStackProps,
): CfnTemplate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CDK app loads lazily, see synthHere
  const synth = require('../../harness/deploy/synth') as typeof import('../../harness/deploy/synth');
  return synth.synthVariant(props);
}

/** The stack with the fault hooks (FAULT_HOOKS), each a Lambda of local AWS. */
function synthFaultHooks(): CfnTemplate {
  /* eslint-disable @typescript-eslint/no-require-imports -- the CDK app loads lazily, see synthHere */
  const { Duration, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const lambda = require('aws-cdk-lib/aws-lambda') as typeof import('aws-cdk-lib/aws-lambda');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return synthVariant((app) => {
    const elsewhere = new Stack(app, 'FaultHooks');
    return {
      lifecycleHooks: FAULT_HOOKS.map((hook) => ({
        name: hook.name,
        stage: hook.stage,
        function: lambda.Function.fromFunctionArn(elsewhere, hook.name, localFunctionArn(hook.functionName)),
        timeout: Duration.seconds(FAULT_HOOK_TIMEOUT_SECONDS),
      })),
    };
  });
}

export interface TestStackOptions extends LocalAwsStackOptions {
  /** The template to deploy. @default stackTemplate() */
  readonly template?: CfnTemplate;
}

/** Local AWS on free ports, 100× faster than real time, with the synthesized stack deployed into it. */
export function startTestStack(options: TestStackOptions = {}): Promise<LocalStack> {
  const { template: given, ...rest } = options;
  return startLocalStack(given ?? stackTemplate(), {
    timeScale: 0.01,
    ports: { api: 0, listeners: { 80: 0, 8080: 0 } },
    ...rest,
  });
}
