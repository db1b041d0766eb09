import type { NextStep } from '../contract';

/**
 * The phases of the deployment record the state machines keep (state-machines/authoring/lease.ts), in the words
 * `status` prints them, and the ones `wait --phase` takes. Pure, so the parser can read it without the SDK.
 */
export const PHASE_TEXT: Readonly<Record<string, string>> = {
  none: 'nothing released yet',
  deploying: 'deploying green',
  testing: 'green under test',
  swapping: 'swapping production to green',
  shifting: 'shifting production to green step by step: production forwards to blue and green by weight',
  baking: 'baking: production serves green, the previous version is kept to go back to',
  swapped: 'swapped: production serves the new version; the previous one is kept until clean-up',
  'rolling-back': 'rolling back to the previous version',
  stable: 'one version live, nothing in flight',
  unknown: 'the stack has no DeploymentTableName output: deploy this version of the stack to get a record',
};

/** The phases a record can be in (`unknown` is the CLI's word for a stack without a record). */
export const PHASES: readonly string[] = Object.keys(PHASE_TEXT).filter((phase) => phase !== 'unknown');

/**
 * What to run next when nothing runs and nothing waits for an approval, by phase (best first). A phase of an
 * operation in flight with nothing running means it was stopped part-way: the same machine run again finishes it.
 */
export const PHASE_NEXT: Readonly<Record<string, readonly NextStep[]>> = {
  none: ['deploy-green'],
  stable: ['deploy-green'],
  deploying: ['deploy-green', 'abort'],
  testing: ['swap', 'abort'],
  swapping: ['swap', 'rollback'],
  shifting: ['swap', 'rollback'],
  baking: ['swap', 'rollback'],
  swapped: ['clean-up', 'rollback'],
  'rolling-back': ['rollback'],
  unknown: ['status'],
};
