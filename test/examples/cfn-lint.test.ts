import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { BlueGreenStack } from '../../examples/demo/bluegreen-stack';
import { TwoServicesStack } from '../../examples/two-services/two-services-stack';
import { MigrationStack } from '../../examples/migration/migration-stack';

/**
 * The examples' templates under cfn-lint (AWS's CloudFormation linter: resource specs, property types, limits such as
 * the 1 MB template), where it is installed. The only findings allowed are W3005 (a DependsOn that a Ref already
 * implies, which CDK writes on purpose).
 */
const cfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
const ALLOWED = new Set(['W3005']);

(cfnLint ? test : test.skip)(
  'the demo, two-service and migration examples lint clean (cfn-lint)',
  () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-cfn-lint-'));
    try {
      const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
      const stacks = [
        new BlueGreenStack(app, 'EcsBlueGreen'),
        new TwoServicesStack(app, 'TwoServices'),
        new MigrationStack(app, 'Migration'),
      ];
      const assembly = app.synth();
      const files = stacks.map((s) => path.join(outdir, assembly.getStackByName(s.stackName).templateFile));
      let out: string;
      try {
        out = execFileSync('cfn-lint', ['--format', 'json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
      } catch (error) {
        // cfn-lint exits non-zero when it finds anything; its JSON is on stdout either way.
        out = String((error as { stdout?: unknown }).stdout ?? '');
      }
      const findings = JSON.parse(out) as Array<{ Rule: { Id: string }; Message: string; Filename: string }>;
      expect(
        findings
          .filter((f) => !ALLOWED.has(f.Rule.Id))
          .map((f) => `${path.basename(f.Filename)} ${f.Rule.Id}: ${f.Message}`),
      ).toEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  },
  120_000,
);
