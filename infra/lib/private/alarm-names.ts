import { Token } from 'aws-cdk-lib';
import { MAX_USER_ALARMS } from '../../../contract';
import { PropValidationError } from './validate';

/** CloudWatch's limit on an alarm name (PutMetricAlarm, DescribeAlarms). */
export const MAX_ALARM_NAME_LENGTH = 255;

/**
 * Checks the user's watched alarm names (`prop`, e.g. `bakeAlarmNames`): at most {@link MAX_USER_ALARMS} (one
 * DescribeAlarms reads at most 100 names, three are the built-in alarms), each 1-255 characters without ASCII control
 * characters (CloudWatch's rule for alarm names), none twice and none a built-in alarm's name. Unresolved tokens (an
 * alarm of the same app, `alarm.alarmName`) are checked when CloudFormation resolves them.
 */
export function validateAlarmNames(prop: string, names: readonly string[], builtIn: readonly string[]): void {
  if (names.length > MAX_USER_ALARMS) {
    throw new PropValidationError(
      `${prop} has ${names.length} alarm names, but at most ${MAX_USER_ALARMS} are allowed because one CloudWatch DescribeAlarms reads at most 100 names and the green watch adds its 3 built-in alarms. Watch the most important ones, or use fewer alarms with wider metrics.`,
    );
  }
  const seen = new Set<string>();
  for (const [i, name] of names.entries()) {
    if (Token.isUnresolved(name)) continue;
    if (name.length < 1 || name.length > MAX_ALARM_NAME_LENGTH) {
      throw new PropValidationError(
        `${prop}[${i}] is '${name}' (${name.length} characters), but CloudWatch alarm names are 1 to ${MAX_ALARM_NAME_LENGTH} characters. Use the alarm's exact name.`,
      );
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(name)) {
      throw new PropValidationError(
        `${prop}[${i}] is ${JSON.stringify(name)}, but CloudWatch alarm names cannot contain ASCII control characters. Use the alarm's exact name.`,
      );
    }
    if (seen.has(name)) {
      throw new PropValidationError(`${prop}[${i}] is '${name}', which is listed twice. List each alarm once.`);
    }
    if (builtIn.includes(name)) {
      throw new PropValidationError(
        `${prop}[${i}] is '${name}', the name of one of the green watch's built-in alarms, which it creates and watches itself. Remove it from ${prop}.`,
      );
    }
    seen.add(name);
  }
}
