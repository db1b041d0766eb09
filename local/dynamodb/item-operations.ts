/**
 * GetItem, PutItem, UpdateItem and DeleteItem. Each write evaluates its ConditionExpression against the item as it
 * is, and either applies completely or not at all (one request at a time: the emulator is single-threaded, so every
 * conditional write is atomic as on AWS). Reads are always strongly consistent.
 */
import { checkedItem } from './attribute-values';
import { conditionalCheckFailed, notSupportedLocally, validation } from './errors';
import { evaluateCondition, parseCondition, type Condition } from './expressions/condition-expression';
import { projectPaths } from './expressions/document-path';
import { ExpressionAttributes } from './expressions/expression-attributes';
import { parseProjection } from './expressions/projection-expression';
import { applyUpdate, parseUpdate, updatedPaths } from './expressions/update-expression';
import type { Item, TableRecord } from './model';
import { record, str, type Input, type OperationHandler } from './operation-context';
import { itemKey, keyNames, requestKey } from './store';

/** Legacy (pre-expression) parameters: refused, so a request never silently means less than it says. */
const LEGACY = ['AttributesToGet', 'Expected', 'ConditionalOperator', 'AttributeUpdates'] as const;

function refuseUnsupported(input: Input): void {
  for (const member of LEGACY) {
    if (input[member] !== undefined) throw notSupportedLocally(`The legacy parameter ${member}`);
  }
  const consumed = str(input, 'ReturnConsumedCapacity');
  if (consumed !== undefined && consumed !== 'NONE') {
    throw notSupportedLocally(`ReturnConsumedCapacity ${consumed}`);
  }
}

function attributesOf(input: Input): ExpressionAttributes {
  return new ExpressionAttributes(
    record(input, 'ExpressionAttributeNames') as Record<string, string> | undefined,
    record(input, 'ExpressionAttributeValues'),
  );
}

/** ExpressionAttributeNames/Values given to a request without any expression that could use them. */
function refuseOrphanAttributes(
  attributes: ExpressionAttributes,
  expressions: Array<string | undefined>,
  valueUsers: string,
): void {
  const any = expressions.some((e) => e !== undefined);
  if (attributes.hasNames && !any)
    throw validation('ExpressionAttributeNames can only be specified when using expressions');
  if (attributes.hasValues && !any) {
    throw validation(`ExpressionAttributeValues can only be specified when using expressions: ${valueUsers} is null`);
  }
}

function condition(input: Input, attributes: ExpressionAttributes): Condition | undefined {
  const text = str(input, 'ConditionExpression');
  return text === undefined ? undefined : parseCondition(text, attributes);
}

function checkCondition(input: Input, cond: Condition | undefined, current: Item | undefined): void {
  if (cond === undefined || evaluateCondition(cond, current)) return;
  const returnItem = str(input, 'ReturnValuesOnConditionCheckFailure') === 'ALL_OLD';
  throw conditionalCheckFailed(returnItem ? structuredClone(current) : undefined);
}

function onlyNoneOrAllOld(input: Input): 'NONE' | 'ALL_OLD' {
  const returnValues = str(input, 'ReturnValues') ?? 'NONE';
  if (returnValues !== 'NONE' && returnValues !== 'ALL_OLD')
    throw validation('ReturnValues can only be ALL_OLD or NONE');
  return returnValues;
}

const attributesResult = (item: Item | undefined): Record<string, unknown> =>
  item === undefined || Object.keys(item).length === 0 ? {} : { Attributes: structuredClone(item) };

function tableOf(ctx: Parameters<OperationHandler>[0], input: Input): TableRecord {
  return ctx.store.table(str(input, 'TableName') ?? '');
}

export const getItem: OperationHandler = (ctx, input) => {
  refuseUnsupported(input);
  const table = tableOf(ctx, input);
  const { id } = requestKey(table, checkedItem(record(input, 'Key')));
  const attributes = new ExpressionAttributes(
    record(input, 'ExpressionAttributeNames') as Record<string, string> | undefined,
    undefined,
  );
  const projection = str(input, 'ProjectionExpression');
  if (projection === undefined && attributes.hasNames) {
    throw validation('ExpressionAttributeNames can only be specified when using expressions');
  }
  const paths = projection === undefined ? undefined : parseProjection(projection, attributes);
  attributes.checkAllUsed();
  // ConsistentRead true or false: the emulator has one copy of each item, so every read is strongly consistent.
  const item = table.items.get(id);
  if (item === undefined) return {};
  return { Item: paths === undefined ? structuredClone(item) : projectPaths(item, paths) };
};

export const putItem: OperationHandler = (ctx, input) => {
  refuseUnsupported(input);
  const table = tableOf(ctx, input);
  const item = checkedItem(record(input, 'Item'));
  const { id } = itemKey(table, item);
  const returnValues = onlyNoneOrAllOld(input);
  const attributes = attributesOf(input);
  refuseOrphanAttributes(attributes, [str(input, 'ConditionExpression')], 'ConditionExpression');
  const cond = condition(input, attributes);
  attributes.checkAllUsed();
  const before = table.items.get(id);
  checkCondition(input, cond, before);
  table.items.set(id, item);
  return returnValues === 'ALL_OLD' ? attributesResult(before) : {};
};

export const deleteItem: OperationHandler = (ctx, input) => {
  refuseUnsupported(input);
  const table = tableOf(ctx, input);
  const { id } = requestKey(table, checkedItem(record(input, 'Key')));
  const returnValues = onlyNoneOrAllOld(input);
  const attributes = attributesOf(input);
  refuseOrphanAttributes(attributes, [str(input, 'ConditionExpression')], 'ConditionExpression');
  const cond = condition(input, attributes);
  attributes.checkAllUsed();
  const before = table.items.get(id);
  checkCondition(input, cond, before);
  table.items.delete(id);
  return returnValues === 'ALL_OLD' ? attributesResult(before) : {};
};

export const updateItem: OperationHandler = (ctx, input) => {
  refuseUnsupported(input);
  const table = tableOf(ctx, input);
  const { key, id } = requestKey(table, checkedItem(record(input, 'Key')));
  const returnValues = str(input, 'ReturnValues') ?? 'NONE';
  const attributes = attributesOf(input);
  const updateText = str(input, 'UpdateExpression');
  refuseOrphanAttributes(
    attributes,
    [updateText, str(input, 'ConditionExpression')],
    'UpdateExpression and ConditionExpression',
  );
  const plan = updateText === undefined ? undefined : parseUpdate(updateText, attributes, keyNames(table));
  const cond = condition(input, attributes);
  attributes.checkAllUsed();
  const before = table.items.get(id);
  checkCondition(input, cond, before);
  // An update of an item that does not exist creates it (with its key), as on AWS.
  const after = plan === undefined ? { ...structuredClone(before), ...key } : applyUpdate(plan, before, key);
  table.items.set(id, after);
  const paths = plan === undefined ? [] : updatedPaths(plan);
  switch (returnValues) {
    case 'ALL_OLD':
      return attributesResult(before);
    case 'ALL_NEW':
      return attributesResult(after);
    case 'UPDATED_OLD':
      return attributesResult(projectPaths(before, paths));
    case 'UPDATED_NEW':
      return attributesResult(projectPaths(after, paths));
    default:
      return {};
  }
};
