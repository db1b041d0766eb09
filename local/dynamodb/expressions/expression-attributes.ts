/**
 * ExpressionAttributeNames / ExpressionAttributeValues of one request: resolves `#name` and `:value` placeholders
 * for the expressions that use them and, once every expression is parsed, refuses the ones no expression used, as
 * DynamoDB does (never more lenient than AWS).
 */
import { checkedValue } from '../attribute-values';
import { validation } from '../errors';
import type { AttributeValue } from '../model';
import type { ExpressionKind } from './lexer';

export class ExpressionAttributes {
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();
  private readonly values = new Map<string, AttributeValue>();

  constructor(
    private readonly names: Readonly<Record<string, string>> | undefined,
    rawValues: Readonly<Record<string, unknown>> | undefined,
  ) {
    if (names !== undefined && Object.keys(names).length === 0) {
      throw validation('ExpressionAttributeNames must not be empty');
    }
    if (rawValues !== undefined && Object.keys(rawValues).length === 0) {
      throw validation('ExpressionAttributeValues must not be empty');
    }
    for (const [key, raw] of Object.entries(rawValues ?? {})) {
      try {
        this.values.set(key, checkedValue(raw));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw validation(`ExpressionAttributeValues contains invalid value: ${message} for key ${key}`);
      }
    }
  }

  get hasNames(): boolean {
    return this.names !== undefined;
  }

  get hasValues(): boolean {
    return this.values.size > 0;
  }

  name(placeholder: string, kind: ExpressionKind): string {
    const name =
      this.names !== undefined && Object.hasOwn(this.names, placeholder) ? this.names[placeholder] : undefined;
    if (name === undefined) {
      throw validation(
        `Invalid ${kind}: An expression attribute name used in the document path is not defined; attribute name: ${placeholder}`,
      );
    }
    this.usedNames.add(placeholder);
    return name;
  }

  value(placeholder: string, kind: ExpressionKind): AttributeValue {
    const value = this.values.get(placeholder);
    if (value === undefined) {
      throw validation(
        `Invalid ${kind}: An expression attribute value used in expression is not defined; attribute value: ${placeholder}`,
      );
    }
    this.usedValues.add(placeholder);
    return value;
  }

  /** After all expressions are parsed: placeholders nobody used are an error on AWS. */
  checkAllUsed(): void {
    const unusedNames = Object.keys(this.names ?? {}).filter((k) => !this.usedNames.has(k));
    if (unusedNames.length > 0) {
      throw validation(
        `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`,
      );
    }
    const unusedValues = [...this.values.keys()].filter((k) => !this.usedValues.has(k));
    if (unusedValues.length > 0) {
      throw validation(
        `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`,
      );
    }
  }
}
