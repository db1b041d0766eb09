/**
 * ELBv2's target group name rule: at most 32 characters, only alphanumerics and hyphens, and no hyphen at either end.
 * Returns the AWS-style ValidationError message for a bad name, or undefined when the name is fine.
 */
export const TARGET_GROUP_NAME_MAX_LENGTH = 32;

export function targetGroupNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Target group name cannot be empty';
  if (name.length > TARGET_GROUP_NAME_MAX_LENGTH) {
    return `Target group name '${name}' cannot be longer than '${TARGET_GROUP_NAME_MAX_LENGTH}' characters`;
  }
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    return `Target group name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`;
  }
  if (name.startsWith('-') || name.endsWith('-')) {
    return `Target group name '${name}' cannot begin or end with '-'`;
  }
  return undefined;
}
