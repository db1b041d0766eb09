import { placeholdersOf } from './asl';

/**
 * Picks, for one definition, exactly the substitutions it uses, and fails when it uses one nobody provides. CDK
 * would otherwise deploy a definition with a literal `${Name}` in it, which only fails when that state runs.
 */
export function substitutionsFor(
  stateMachine: string,
  definition: string,
  available: Readonly<Record<string, string>>,
): Record<string, string> {
  const used = placeholdersOf(definition);
  const missing = [...used].filter((name) => !(name in available));
  if (missing.length > 0) {
    throw new Error(
      `state-machines/${stateMachine}.asl.json uses \${${missing.join('}, ${')}} but DeploymentStateMachines provides no value for it. Add it to the substitutions in deployment-state-machines.ts, or remove it from the definition.`,
    );
  }
  return Object.fromEntries([...used].sort().map((name) => [name, available[name] as string]));
}
