import * as fs from 'fs';
import * as path from 'path';
import { synthStack } from '../infra/synth';

/**
 * The demo stack moved to examples/ and is built from the construct library's public API. A user who deployed it
 * before must be able to `cdk deploy` the new version without CloudFormation replacing anything (a replaced service or
 * listener rule would take production down): every resource keeps its logical id and type, and every output the CLI
 * reads keeps its key.
 */
const fixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'demo-resources-8a4afe3.json'), 'utf8'),
) as { resources: Record<string, string>; outputs: string[] };

test('every resource of the demo as deployed before the library keeps its logical id and type', () => {
  const resources = synthStack().template.toJSON().Resources as Record<string, { Type: string }>;
  const changed = Object.entries(fixture.resources).flatMap(([id, type]) =>
    resources[id]?.Type === type ? [] : [`${id} (${type}) is ${resources[id]?.Type ?? 'gone'}`],
  );
  expect(changed).toEqual([]);
  // Nothing new either: the library adds no resource the demo did not have.
  const added = Object.entries(resources)
    .filter(([id, r]) => r.Type !== 'AWS::CDK::Metadata' && fixture.resources[id] === undefined)
    .map(([id, r]) => `${id} (${r.Type})`);
  expect(added).toEqual([]);
});

test('every output the CLI and README read keeps its key', () => {
  const outputs = Object.keys(synthStack().template.toJSON().Outputs as Record<string, unknown>);
  expect(outputs.sort()).toEqual([...fixture.outputs].sort());
});
