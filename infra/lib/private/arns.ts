import { Fn } from 'aws-cdk-lib';

/** `…:listener/app/NAME/ID/LID` -> `…:listener-rule/app/NAME/ID/LID/*`, the ARNs of that listener's rules. */
export function listenerRulePattern(listenerArn: string): string {
  return Fn.join('', [
    Fn.select(0, Fn.split(':listener/', listenerArn)),
    ':listener-rule/',
    Fn.select(1, Fn.split(':listener/', listenerArn)),
    '/*',
  ]);
}
