/**
 * Document paths (`a.b[2].#c`): parsing, reading a value from an item, writing/removing one in a copy of an item,
 * projecting a set of paths (ProjectionExpression, UPDATED_OLD/UPDATED_NEW) and the overlap rule of update
 * expressions.
 */
import { validation } from '../errors';
import type { AttributeValue, Item } from '../model';
import type { ExpressionAttributes } from './expression-attributes';
import type { TokenStream } from './lexer';

export type PathElement = { readonly name: string } | { readonly index: number };

export interface DocumentPath {
  readonly elements: readonly PathElement[];
  /** As written, for error messages. */
  readonly text: string;
}

const isName = (e: PathElement): e is { readonly name: string } => 'name' in e;

/** Reads `name` or `#name`, then any `.name`, `.#name` and `[n]`. */
export function parsePath(tokens: TokenStream, attributes: ExpressionAttributes): DocumentPath {
  const elements: PathElement[] = [];
  const start = tokens.peek().at;
  const segment = (): void => {
    const token = tokens.next();
    if (token.kind === 'name') elements.push({ name: token.text });
    else if (token.kind === 'nameRef') elements.push({ name: attributes.name(token.text, tokens.kind) });
    else throw tokens.unexpected(token);
  };
  segment();
  for (;;) {
    if (tokens.accept('.')) {
      segment();
    } else if (tokens.is('[')) {
      tokens.next();
      const index = tokens.next();
      if (index.kind !== 'integer') throw tokens.unexpected(index);
      elements.push({ index: Number(index.text) });
      tokens.expect(']');
    } else {
      break;
    }
  }
  const end = tokens.peek().at;
  return { elements, text: tokens.text.slice(start, end).trim() };
}

export function topName(path: DocumentPath): string {
  const first = path.elements[0];
  return first && isName(first) ? first.name : '';
}

/** The value at `path`, or undefined when any step is missing or of the wrong type. */
export function resolvePath(item: Item | undefined, path: DocumentPath): AttributeValue | undefined {
  let current: AttributeValue | undefined;
  for (const [i, element] of path.elements.entries()) {
    if (i === 0) {
      current = item && isName(element) && Object.hasOwn(item, element.name) ? item[element.name] : undefined;
    } else if (current === undefined) {
      return undefined;
    } else if (isName(element)) {
      const map = 'M' in current ? current.M : undefined;
      current = map && Object.hasOwn(map, element.name) ? map[element.name] : undefined;
    } else {
      current = 'L' in current ? current.L[element.index] : undefined;
    }
  }
  return current;
}

const INVALID_FOR_UPDATE = 'The document path provided in the update expression is invalid for update';

type MutableValue = { M: Record<string, AttributeValue> } | { L: AttributeValue[] };

/** The container that holds the path's last element, in `item` (a mutable deep copy). */
function parentOf(item: Record<string, AttributeValue>, path: DocumentPath): MutableValue | undefined {
  const parentPath = { elements: path.elements.slice(0, -1), text: path.text };
  const parent = resolvePath(item, parentPath) as MutableValue | undefined;
  const last = path.elements[path.elements.length - 1];
  if (parent === undefined || last === undefined) return undefined;
  if (isName(last) ? !('M' in parent) : !('L' in parent)) return undefined;
  return parent;
}

/** SET: top-level attributes are created; nested ones need an existing map/list parent. Past a list's end appends. */
export function setPath(item: Record<string, AttributeValue>, path: DocumentPath, value: AttributeValue): void {
  const last = path.elements[path.elements.length - 1];
  if (path.elements.length === 1 && last && isName(last)) {
    item[last.name] = value;
    return;
  }
  const parent = parentOf(item, path);
  if (!parent || !last) throw validation(INVALID_FOR_UPDATE);
  if ('M' in parent && isName(last)) parent.M[last.name] = value;
  else if ('L' in parent && !isName(last)) {
    if (last.index < parent.L.length) parent.L[last.index] = value;
    else parent.L.push(value);
  }
}

/** REMOVE: a missing attribute or list element is no error; a nested path without its parent is. */
export function removePath(item: Record<string, AttributeValue>, path: DocumentPath): void {
  const last = path.elements[path.elements.length - 1];
  if (path.elements.length === 1 && last && isName(last)) {
    delete item[last.name];
    return;
  }
  const parent = parentOf(item, path);
  if (!parent || !last) throw validation(INVALID_FOR_UPDATE);
  if ('M' in parent && isName(last)) delete parent.M[last.name];
  else if ('L' in parent && !isName(last) && last.index < parent.L.length) parent.L.splice(last.index, 1);
}

const elementText = (e: PathElement): string => (isName(e) ? e.name : `[${e.index}]`);
const pathText = (p: DocumentPath): string => `[${p.elements.map(elementText).join(', ')}]`;

/**
 * Two actions of one update expression may not touch the same path or a path and its descendant ("overlap"), nor
 * use one attribute as a map in one path and as a list in another ("conflict").
 */
export function checkNoOverlap(paths: readonly DocumentPath[]): void {
  for (const [i, a] of paths.entries()) {
    for (const b of paths.slice(i + 1)) {
      const n = Math.min(a.elements.length, b.elements.length);
      const differ = a.elements
        .slice(0, n)
        .findIndex((e, k) => elementText(e) !== elementText(b.elements[k] as PathElement));
      const pair = `must remove or rewrite one of these paths; path one: ${pathText(a)}, path two: ${pathText(b)}`;
      if (differ === -1)
        throw validation(`Invalid UpdateExpression: Two document paths overlap with each other; ${pair}`);
      const x = a.elements[differ] as PathElement;
      const y = b.elements[differ] as PathElement;
      if (isName(x) !== isName(y))
        throw validation(`Invalid UpdateExpression: Two document paths conflict with each other; ${pair}`);
    }
  }
}

/** The parts of `item` the paths name, nested as in the item (ProjectionExpression, UPDATED_OLD/NEW). */
export function projectPaths(item: Item | undefined, paths: readonly DocumentPath[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  if (item === undefined) return out;
  for (const path of paths) {
    const value = resolvePath(item, path);
    if (value === undefined) continue;
    let target: Record<string, AttributeValue> | AttributeValue[] = out;
    path.elements.forEach((element, i) => {
      const isLast = i === path.elements.length - 1;
      const next = path.elements[i + 1];
      const key = isName(element) ? element.name : element.index;
      const container = target as Record<string | number, AttributeValue>;
      if (isLast) {
        if (Array.isArray(target)) target.push(structuredClone(value));
        else container[key] = structuredClone(value);
        return;
      }
      let child = Array.isArray(target) ? undefined : container[key];
      if (child === undefined) {
        child = next && isName(next) ? { M: {} } : { L: [] };
        if (Array.isArray(target)) target.push(child);
        else container[key] = child;
      }
      target = ('M' in child ? child.M : (child as { L: AttributeValue[] }).L) as typeof target;
    });
  }
  return out;
}
