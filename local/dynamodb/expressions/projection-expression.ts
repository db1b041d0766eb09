/** ProjectionExpression: a comma-separated list of document paths (GetItem). */
import { validation } from '../errors';
import { parsePath, type DocumentPath } from './document-path';
import type { ExpressionAttributes } from './expression-attributes';
import { tokenize, TokenStream } from './lexer';

export function parseProjection(text: string, attributes: ExpressionAttributes): DocumentPath[] {
  if (text.trim() === '') throw validation('Invalid ProjectionExpression: The expression can not be empty;');
  const tokens = new TokenStream(tokenize(text, 'ProjectionExpression'), text, 'ProjectionExpression');
  const paths: DocumentPath[] = [];
  do paths.push(parsePath(tokens, attributes));
  while (tokens.accept(','));
  const rest = tokens.peek();
  if (rest.kind !== 'eof') throw tokens.unexpected(rest);
  return paths;
}
