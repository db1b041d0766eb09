import * as fs from 'fs';
import * as path from 'path';
import { MACHINE_NAMES, type MachineName } from '../../../contract';

/** The shipped state machines. Their files are the deployed definitions; CDK only substitutes `${…}` placeholders. */
export const STATE_MACHINE_NAMES = MACHINE_NAMES;
export type StateMachineName = MachineName;

export const STATEMACHINES_DIR = path.join(__dirname, '..', '..', '..', 'state-machines');

export function aslPath(name: StateMachineName): string {
  return path.join(STATEMACHINES_DIR, `${name}.asl.json`);
}

export function readAsl(name: StateMachineName): string {
  return fs.readFileSync(aslPath(name), 'utf8');
}

/** Every `${Name}` placeholder in a definition, as CloudFormation's Fn::Sub would see it. */
export function placeholdersOf(definition: string): Set<string> {
  return new Set([...definition.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string));
}

/** Each `arn:aws:states:::aws-sdk:SERVICE:ACTION` Task of a definition, including Tasks nested in Map/Parallel. */
export function sdkIntegrationsOf(definition: unknown): Array<{ service: string; action: string }> {
  const found: Array<{ service: string; action: string }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.Type === 'Task' && typeof record.Resource === 'string') {
      const match = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([A-Za-z0-9]+)$/.exec(record.Resource);
      if (match) found.push({ service: match[1] as string, action: match[2] as string });
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return found;
}

/**
 * Each optimized service integration Task (`arn:aws:states:::SERVICE:ACTION`, not aws-sdk), e.g. `dynamodb:getItem`
 * or `lambda:invoke`, including Tasks nested in Map/Parallel. Suffixes such as `.sync` stay part of the action.
 */
export function optimizedIntegrationsOf(definition: unknown): Array<{ service: string; action: string }> {
  const found: Array<{ service: string; action: string }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    if (record.Type === 'Task' && typeof record.Resource === 'string') {
      const match = /^arn:aws:states:::(?!aws-sdk:)([a-z0-9-]+):([A-Za-z0-9.]+)$/.exec(record.Resource);
      if (match) found.push({ service: match[1] as string, action: match[2] as string });
    }
    Object.values(record).forEach(visit);
  };
  visit(definition);
  return found;
}
