// Writes state-machines/<name>.asl.json from these authoring modules. The .asl.json files are what CDK deploys and
// what the local emulator runs; test/state-machines/authoring.test.ts fails when they and these modules disagree.
// Run: npx tsx state-machines/authoring/generate.ts (or npm run generate:asl)
import * as fs from 'fs';
import * as path from 'path';
import abort from './abort';
import { checkDefinition, type StateMachine } from './asl';
import { narrowTransientRetries } from './basics';
import cleanUp from './clean-up';
import { inlineChoices } from './inline-choices';
import deployGreen from './deploy-green';
import rollback from './rollback';
import swap from './swap';

const MACHINES = {
  'deploy-green': deployGreen,
  swap,
  'clean-up': cleanUp,
  rollback,
  abort,
} as const satisfies Record<string, StateMachine>;

export type MachineName = keyof typeof MACHINES;
export const NAMES = Object.keys(MACHINES) as MachineName[];

/**
 * The checked definition of a machine, with the shared ECS/ELBv2 retry policy narrowed to each Task's own errors and
 * its Choice chains folded into single Choices (inline-choices.ts: fewer billed transitions, the same decisions).
 */
export function definitionOf(name: MachineName): StateMachine {
  const definition = inlineChoices(narrowTransientRetries(MACHINES[name]));
  checkDefinition(name, definition.StartAt, definition.States);
  return definition;
}

/** The machine's ASL as JSON text (before Prettier, which only changes the layout). */
export function render(name: MachineName): string {
  return JSON.stringify(definitionOf(name), null, 2) + '\n';
}

async function main(): Promise<void> {
  // Formatted as `npm run lint` checks it (Prettier keeps short arrays on one line, JSON.stringify does not).
  const prettier = await import('prettier');
  for (const name of NAMES) {
    const file = path.join(__dirname, '..', `${name}.asl.json`);
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    fs.writeFileSync(file, await prettier.format(render(name), options));
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
