/**
 * UpdateExpression: parsing and applying to a copy of the item.
 *
 * Implemented: `SET path = value [, …]` where value is an operand, `operand + operand` or `operand - operand`
 * (numbers), and an operand is a `:value`, a document path or `if_not_exists(path, operand)`; `REMOVE path [, …]`.
 * Each section at most once. Refused as not supported locally: ADD, DELETE, list_append. Every operand reads the
 * item as it was before the update; paths may not overlap; key attributes may not be updated.
 */
import { typeOf } from '../attribute-values';
import { notSupportedLocally, validation } from '../errors';
import type { AttributeValue, Item } from '../model';
import { addNumbers } from '../numbers';
import {
  checkNoOverlap,
  parsePath,
  removePath,
  resolvePath,
  setPath,
  topName,
  type DocumentPath,
} from './document-path';
import type { ExpressionAttributes } from './expression-attributes';
import { tokenize, TokenStream } from './lexer';

export type UpdateOperand =
  | { readonly kind: 'path'; readonly path: DocumentPath }
  | { readonly kind: 'value'; readonly value: AttributeValue }
  | { readonly kind: 'ifNotExists'; readonly path: DocumentPath; readonly fallback: UpdateOperand };

export type SetValue =
  | { readonly kind: 'operand'; readonly operand: UpdateOperand }
  | {
      readonly kind: 'arithmetic';
      readonly op: '+' | '-';
      readonly left: UpdateOperand;
      readonly right: UpdateOperand;
    };

export interface UpdatePlan {
  readonly set: ReadonlyArray<{ readonly path: DocumentPath; readonly value: SetValue }>;
  readonly remove: readonly DocumentPath[];
}

const SECTIONS = ['SET', 'REMOVE', 'ADD', 'DELETE'] as const;

class UpdateParser {
  constructor(
    private readonly tokens: TokenStream,
    private readonly attributes: ExpressionAttributes,
  ) {}

  parse(): UpdatePlan {
    const set: Array<{ path: DocumentPath; value: SetValue }> = [];
    const remove: DocumentPath[] = [];
    const seen = new Set<string>();
    while (this.tokens.peek().kind !== 'eof') {
      const token = this.tokens.next();
      const section = token.kind === 'name' ? token.text.toUpperCase() : '';
      if (!(SECTIONS as readonly string[]).includes(section)) throw this.tokens.unexpected(token);
      if (section === 'ADD' || section === 'DELETE')
        throw notSupportedLocally(`The ${section} section of UpdateExpression`);
      if (seen.has(section)) {
        throw validation(
          `Invalid UpdateExpression: The "${section}" section can only be used once in an update expression;`,
        );
      }
      seen.add(section);
      do {
        const path = parsePath(this.tokens, this.attributes);
        if (section === 'SET') {
          this.tokens.expect('=');
          set.push({ path, value: this.setValue() });
        } else {
          remove.push(path);
        }
      } while (this.tokens.accept(','));
      const next = this.tokens.peek();
      if (
        next.kind !== 'eof' &&
        !(next.kind === 'name' && (SECTIONS as readonly string[]).includes(next.text.toUpperCase()))
      ) {
        throw this.tokens.unexpected(next);
      }
    }
    return { set, remove };
  }

  private setValue(): SetValue {
    const left = this.operand();
    const op = this.tokens.peek();
    if (op.kind === 'punct' && (op.text === '+' || op.text === '-')) {
      this.tokens.next();
      const right = this.operand();
      for (const operand of [left, right]) {
        if (operand.kind === 'value' && typeOf(operand.value) !== 'N') {
          throw validation(
            `Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: ${op.text}, operand type: ${typeOf(operand.value)}`,
          );
        }
      }
      return { kind: 'arithmetic', op: op.text, left, right };
    }
    return { kind: 'operand', operand: left };
  }

  private operand(): UpdateOperand {
    const token = this.tokens.peek();
    if (token.kind === 'valueRef') {
      this.tokens.next();
      return { kind: 'value', value: this.attributes.value(token.text, 'UpdateExpression') };
    }
    if (token.kind === 'name' && this.tokens.is('(', 1)) {
      this.tokens.next();
      if (token.text === 'list_append') throw notSupportedLocally('The function list_append in UpdateExpression');
      if (token.text !== 'if_not_exists') {
        throw validation(`Invalid UpdateExpression: Invalid function name; function: ${token.text}`);
      }
      this.tokens.expect('(');
      const path = parsePath(this.tokens, this.attributes);
      this.tokens.expect(',');
      const fallback = this.operand();
      this.tokens.expect(')');
      return { kind: 'ifNotExists', path, fallback };
    }
    if (token.kind !== 'name' && token.kind !== 'nameRef') throw this.tokens.unexpected(token);
    return { kind: 'path', path: parsePath(this.tokens, this.attributes) };
  }
}

export function parseUpdate(text: string, attributes: ExpressionAttributes, keyNames: readonly string[]): UpdatePlan {
  if (text.trim() === '') throw validation('Invalid UpdateExpression: The expression can not be empty;');
  const tokens = new TokenStream(tokenize(text, 'UpdateExpression'), text, 'UpdateExpression');
  const plan = new UpdateParser(tokens, attributes).parse();
  const paths = [...plan.set.map((s) => s.path), ...plan.remove];
  checkNoOverlap(paths);
  for (const path of paths) {
    const name = topName(path);
    if (keyNames.includes(name)) {
      throw validation(
        `One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`,
      );
    }
  }
  return plan;
}

const MISSING = 'The provided expression refers to an attribute that does not exist in the item';
const WRONG_TYPE = 'An operand in the update expression has an incorrect data type';

function operandValue(operand: UpdateOperand, item: Item | undefined): AttributeValue {
  switch (operand.kind) {
    case 'value':
      return operand.value;
    case 'path': {
      const value = resolvePath(item, operand.path);
      if (value === undefined) throw validation(MISSING);
      return value;
    }
    case 'ifNotExists':
      return resolvePath(item, operand.path) ?? operandValue(operand.fallback, item);
  }
}

function setValue(value: SetValue, item: Item | undefined): AttributeValue {
  if (value.kind === 'operand') return operandValue(value.operand, item);
  const left = operandValue(value.left, item);
  const right = operandValue(value.right, item);
  if (!('N' in left) || !('N' in right)) throw validation(WRONG_TYPE);
  return { N: addNumbers(left.N, right.N, value.op === '+' ? 1 : -1) };
}

/** The updated item: every value is computed from `before`, then SETs and REMOVEs are applied to a copy. */
export function applyUpdate(plan: UpdatePlan, before: Item | undefined, key: Item): Record<string, AttributeValue> {
  const values = plan.set.map((action) => ({ path: action.path, value: setValue(action.value, before) }));
  const after: Record<string, AttributeValue> = structuredClone({ ...before, ...key });
  for (const { path, value } of values) setPath(after, path, structuredClone(value));
  // Later list indexes first, so each REMOVE names the element it named in the original list.
  const removals = [...plan.remove].sort((a, b) => {
    const ia = a.elements[a.elements.length - 1];
    const ib = b.elements[b.elements.length - 1];
    return (ib && 'index' in ib ? ib.index : -1) - (ia && 'index' in ia ? ia.index : -1);
  });
  for (const path of removals) removePath(after, path);
  return after;
}

export function updatedPaths(plan: UpdatePlan): DocumentPath[] {
  return [...plan.set.map((s) => s.path), ...plan.remove];
}
