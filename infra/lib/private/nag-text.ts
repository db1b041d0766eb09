import { Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A value as cdk-nag writes it in a finding id: literals as they are, `Ref` as `<LogicalId>`, `Fn::GetAtt` as
 * `<LogicalId.Attribute>`, an `Fn::Join` with an empty delimiter as its parts rendered and joined, and any other
 * intrinsic as its JSON. cdk-nag v3 acknowledges findings by exact id, so an acknowledgment of an IAM resource is built
 * from the same value the policy uses, whether that is a token of this stack or a literal of an imported resource.
 */
export function nagText(scope: IConstruct, value: string): string {
  return render(Stack.of(scope).resolve(value));
}

function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isObject(value)) {
    const ref = value.Ref;
    if (typeof ref === 'string') return `<${ref}>`;
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(String).join('.')}>`;
    const join = value['Fn::Join'];
    if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) return join[1].map(render).join('');
  }
  return JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
