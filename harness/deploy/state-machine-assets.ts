import * as fs from 'fs';
import * as path from 'path';
import type { CfnTemplate } from './deploy-template';

/**
 * What CloudFormation does with a state machine's DefinitionS3Location, done at synth for local AWS, which has no S3:
 * the definition is the object CDK staged in the cloud assembly (`<outdir>/asset.<key>`, the file it uploads to the
 * bootstrap bucket as `<key>`), put in DefinitionString byte for byte. Substitutions stay as the template has them.
 * A location whose object is not in `outdir` is an error naming it, never a silent empty definition.
 */
export function inlineStateMachineDefinitions(template: CfnTemplate, outdir: string): CfnTemplate {
  const resources: CfnTemplate['Resources'] = {};
  for (const [id, resource] of Object.entries(template.Resources)) {
    const location = resource.Properties?.DefinitionS3Location as { Key?: unknown } | undefined;
    if (resource.Type !== 'AWS::StepFunctions::StateMachine' || location === undefined) {
      resources[id] = resource;
      continue;
    }
    if (typeof location.Key !== 'string') {
      throw new Error(`${id}: DefinitionS3Location.Key is not a literal key, so its staged asset cannot be found.`);
    }
    const file = path.join(outdir, `asset.${location.Key}`);
    if (!fs.existsSync(file)) {
      throw new Error(`${id}: the definition ${location.Key} is not staged in ${outdir} (expected ${file}).`);
    }
    const { DefinitionS3Location: _location, ...properties } = resource.Properties ?? {};
    resources[id] = { ...resource, Properties: { ...properties, DefinitionString: fs.readFileSync(file, 'utf8') } };
  }
  return { ...template, Resources: resources };
}
