/**
 * ConditionExpression: parsing and evaluation against the item as it is before the write.
 *
 * Implemented: comparators `=  <>  <  <=  >  >=`, `AND`, `OR`, `NOT` (precedence NOT > AND > OR), parentheses,
 * `attribute_exists(path)`, `attribute_not_exists(path)`; operands are document paths and `:value` placeholders.
 * Refused as not supported locally: BETWEEN, IN, attribute_type, begins_with, contains, size.
 *
 * Semantics: `=` is false when either side is missing; `<>` is true when either side is missing (AWS's own semaphore
 * sample relies on `LockName <> :lockname` holding for an item that does not exist yet); ordering comparisons are
 * false unless both sides exist and have the same type among S, N and B.
 */
import { orderValues, typeOf, valuesEqual } from '../attribute-values';
import { notSupportedLocally, validation } from '../errors';
import type { AttributeValue, Item } from '../model';
import { parsePath, resolvePath, type DocumentPath } from './document-path';
import type { ExpressionAttributes } from './expression-attributes';
import { tokenize, TokenStream } from './lexer';

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type Operand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue; readonly placeholder: string };

export type Condition =
  | { readonly kind: 'and' | 'or'; readonly left: Condition; readonly right: Condition }
  | { readonly kind: 'not'; readonly operand: Condition }
  | { readonly kind: 'compare'; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: 'exists' | 'notExists'; readonly path: DocumentPath };

const COMPARATORS: readonly Comparator[] = ['=', '<>', '<', '<=', '>', '>='];
const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'BETWEEN', 'IN']);
const UNSUPPORTED_FUNCTIONS = new Set(['attribute_type', 'begins_with', 'contains', 'size']);
const ORDERABLE = new Set(['S', 'N', 'B']);

class ConditionParser {
  constructor(
    private readonly tokens: TokenStream,
    private readonly attributes: ExpressionAttributes,
  ) {}

  parse(): Condition {
    const condition = this.or();
    const rest = this.tokens.peek();
    if (rest.kind !== 'eof') throw this.tokens.unexpected(rest);
    return condition;
  }

  private or(): Condition {
    let left = this.and();
    while (this.tokens.accept('OR')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): Condition {
    let left = this.not();
    while (this.tokens.accept('AND')) left = { kind: 'and', left, right: this.not() };
    return left;
  }

  private not(): Condition {
    if (this.tokens.accept('NOT')) return { kind: 'not', operand: this.not() };
    return this.primary();
  }

  private primary(): Condition {
    const token = this.tokens.peek();
    if (this.tokens.accept('(')) {
      const inner = this.or();
      this.tokens.expect(')');
      return inner;
    }
    if (token.kind === 'name' && this.tokens.is('(', 1)) return this.functionCall();
    const left = this.operand();
    if (this.tokens.is('BETWEEN')) throw notSupportedLocally('The BETWEEN operator in ConditionExpression');
    if (this.tokens.is('IN')) throw notSupportedLocally('The IN operator in ConditionExpression');
    const op = this.tokens.peek();
    if (op.kind !== 'punct' || !(COMPARATORS as readonly string[]).includes(op.text)) throw this.tokens.unexpected(op);
    this.tokens.next();
    const right = this.operand();
    return this.comparison(op.text as Comparator, left, right);
  }

  private functionCall(): Condition {
    const name = this.tokens.next().text;
    if (UNSUPPORTED_FUNCTIONS.has(name)) throw notSupportedLocally(`The function ${name} in ConditionExpression`);
    if (name !== 'attribute_exists' && name !== 'attribute_not_exists') {
      throw validation(`Invalid ConditionExpression: Invalid function name; function: ${name}`);
    }
    this.tokens.expect('(');
    if (this.tokens.peek().kind === 'valueRef') {
      throw validation(
        `Invalid ConditionExpression: Operator or function requires a document path; operator or function: ${name}`,
      );
    }
    const path = parsePath(this.tokens, this.attributes);
    this.tokens.expect(')');
    return { kind: name === 'attribute_exists' ? 'exists' : 'notExists', path };
  }

  private operand(): Operand {
    const token = this.tokens.peek();
    if (token.kind === 'valueRef') {
      this.tokens.next();
      return {
        kind: 'value',
        value: this.attributes.value(token.text, 'ConditionExpression'),
        placeholder: token.text,
      };
    }
    if (token.kind === 'name' && this.tokens.is('(', 1)) {
      if (token.text === 'size') throw notSupportedLocally('The function size in ConditionExpression');
      throw validation(`Invalid ConditionExpression: Invalid function name; function: ${token.text}`);
    }
    if (token.kind === 'name' && KEYWORDS.has(token.text.toUpperCase())) throw this.tokens.unexpected(token);
    if (token.kind !== 'name' && token.kind !== 'nameRef') throw this.tokens.unexpected(token);
    return { kind: 'path', path: parsePath(this.tokens, this.attributes) };
  }

  private comparison(op: Comparator, left: Operand, right: Operand): Condition {
    const text = (o: Operand): string => (o.kind === 'value' ? o.placeholder : o.path.text);
    if (text(left) === text(right)) {
      throw validation(
        `Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: ${op}, first operand: ${text(left)}`,
      );
    }
    if (op !== '=' && op !== '<>') {
      for (const operand of [left, right]) {
        if (operand.kind === 'value' && !ORDERABLE.has(typeOf(operand.value))) {
          throw validation(
            `Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: ${op}, operand type: ${typeOf(operand.value)}`,
          );
        }
      }
    }
    return { kind: 'compare', op, left, right };
  }
}

export function parseCondition(text: string, attributes: ExpressionAttributes): Condition {
  if (text.trim() === '') throw validation('Invalid ConditionExpression: The expression can not be empty;');
  const tokens = new TokenStream(tokenize(text, 'ConditionExpression'), text, 'ConditionExpression');
  return new ConditionParser(tokens, attributes).parse();
}

function operandValue(operand: Operand, item: Item | undefined): AttributeValue | undefined {
  return operand.kind === 'value' ? operand.value : resolvePath(item, operand.path);
}

/** Evaluates against the current item (undefined when there is none: every path is then missing). */
export function evaluateCondition(condition: Condition, item: Item | undefined): boolean {
  switch (condition.kind) {
    case 'and':
      return evaluateCondition(condition.left, item) && evaluateCondition(condition.right, item);
    case 'or':
      return evaluateCondition(condition.left, item) || evaluateCondition(condition.right, item);
    case 'not':
      return !evaluateCondition(condition.operand, item);
    case 'exists':
      return resolvePath(item, condition.path) !== undefined;
    case 'notExists':
      return resolvePath(item, condition.path) === undefined;
    case 'compare': {
      const left = operandValue(condition.left, item);
      const right = operandValue(condition.right, item);
      if (condition.op === '<>') return left === undefined || right === undefined || !valuesEqual(left, right);
      if (left === undefined || right === undefined) return false;
      if (condition.op === '=') return valuesEqual(left, right);
      const order = orderValues(left, right);
      if (order === undefined) return false;
      switch (condition.op) {
        case '<':
          return order < 0;
        case '<=':
          return order <= 0;
        case '>':
          return order > 0;
        case '>=':
          return order >= 0;
      }
    }
  }
}
