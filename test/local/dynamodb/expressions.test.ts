/**
 * Condition and update expressions through the real SDK client: the lease pattern the state machines use, the
 * comparators and functions, document paths, placeholders, ReturnValues, and the grammar we refuse.
 */
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { createLeaseTable, errorOf, SERVICE_ARN, startDynamoDb, TABLE, type DynamoDbHarness } from './support';

let h: DynamoDbHarness;
beforeEach(async () => {
  h = await startDynamoDb();
  await createLeaseTable(h.client);
});
afterEach(async () => h.close());

const KEY = { service: { S: SERVICE_ARN } };

const takeLease = (holder: string, extra: Partial<UpdateItemCommandInput> = {}): UpdateItemCommand =>
  new UpdateItemCommand({
    TableName: TABLE,
    Key: KEY,
    UpdateExpression: 'SET #lease = :lease',
    ConditionExpression: 'attribute_not_exists(#lease) OR #lease.#holder = :me',
    ExpressionAttributeNames: { '#lease': 'lease', '#holder': 'holder' },
    ExpressionAttributeValues: {
      ':lease': { M: { holder: { S: holder }, machine: { S: 'swap' }, since: { S: '2026-01-01T00:00:00.000Z' } } },
      ':me': { S: holder },
    },
    ReturnValues: 'ALL_NEW',
    ...extra,
  });

const releaseLease = (holder: string): UpdateItemCommand =>
  new UpdateItemCommand({
    TableName: TABLE,
    Key: KEY,
    UpdateExpression: 'REMOVE #lease',
    ConditionExpression: '#lease.#holder = :me',
    ExpressionAttributeNames: { '#lease': 'lease', '#holder': 'holder' },
    ExpressionAttributeValues: { ':me': { S: holder } },
  });

const item = async (): Promise<Record<string, AttributeValue> | undefined> =>
  (await h.client.send(new GetItemCommand({ TableName: TABLE, Key: KEY, ConsistentRead: true }))).Item;

describe('the lease pattern', () => {
  it('takes a free lease, lets the holder take it again, refuses another holder with the current item', async () => {
    const taken = await h.client.send(takeLease('exec-a'));
    expect(taken.Attributes).toEqual({
      service: { S: SERVICE_ARN },
      lease: { M: { holder: { S: 'exec-a' }, machine: { S: 'swap' }, since: { S: '2026-01-01T00:00:00.000Z' } } },
    });
    // A retry by the same holder (e.g. after a lost response) succeeds: the operation is idempotent for its holder.
    expect((await h.client.send(takeLease('exec-a'))).Attributes).toEqual(taken.Attributes);

    const refused = await errorOf(
      h.client.send(takeLease('exec-b', { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })),
    );
    expect(refused).toEqual({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
      Item: taken.Attributes,
    });
    // Without ReturnValuesOnConditionCheckFailure the error carries no item.
    expect(await errorOf(h.client.send(takeLease('exec-b')))).toEqual({
      name: 'ConditionalCheckFailedException',
      message: 'The conditional request failed',
    });
  });

  it('keeps the record while the holder writes it, releases only for the holder, then frees the lease', async () => {
    await h.client.send(takeLease('exec-a'));
    const record = JSON.stringify({ previous: 'td:1', green: 'td:2' });
    const writeRecord = (holder: string): UpdateItemCommand =>
      new UpdateItemCommand({
        TableName: TABLE,
        Key: KEY,
        UpdateExpression: 'SET #record = :record',
        ConditionExpression: '#lease.#holder = :me',
        ExpressionAttributeNames: { '#record': 'record', '#lease': 'lease', '#holder': 'holder' },
        ExpressionAttributeValues: { ':record': { S: record }, ':me': { S: holder } },
        ReturnValues: 'UPDATED_NEW',
      });
    expect((await h.client.send(writeRecord('exec-a'))).Attributes).toEqual({ record: { S: record } });
    expect((await errorOf(h.client.send(writeRecord('exec-b')))).name).toBe('ConditionalCheckFailedException');

    expect((await errorOf(h.client.send(releaseLease('exec-b')))).name).toBe('ConditionalCheckFailedException');
    await h.client.send(releaseLease('exec-a'));
    expect(await item()).toEqual({ service: { S: SERVICE_ARN }, record: { S: record } });
    // Releasing twice (a retry after a lost response) fails the condition: the caller must treat that as released.
    expect((await errorOf(h.client.send(releaseLease('exec-a')))).name).toBe('ConditionalCheckFailedException');
    // The lease is free again, the record stays.
    await h.client.send(takeLease('exec-b'));
    expect((await item())?.['record']).toEqual({ S: record });
  });

  it('a lost response: the write happened, the retry with the same request still succeeds for the holder', async () => {
    // The first request reaches the table but its answer never reaches the caller (invoked in-process, answer dropped).
    await h.dynamodb.invoke(
      'UpdateItem',
      {
        TableName: TABLE,
        Key: KEY,
        UpdateExpression: 'SET #lease = :lease',
        ConditionExpression: 'attribute_not_exists(#lease) OR #lease.#holder = :me',
        ExpressionAttributeNames: { '#lease': 'lease', '#holder': 'holder' },
        ExpressionAttributeValues: { ':lease': { M: { holder: { S: 'exec-a' } } }, ':me': { S: 'exec-a' } },
      },
      { region: 'us-east-1', accountId: '123456789012' },
    );
    const retried = await h.client.send(
      takeLease('exec-a', {
        ExpressionAttributeValues: { ':lease': { M: { holder: { S: 'exec-a' } } }, ':me': { S: 'exec-a' } },
      }),
    );
    expect(retried.Attributes?.['lease']).toEqual({ M: { holder: { S: 'exec-a' } } });
    // A plain attribute_not_exists lease would NOT be idempotent: its retry fails although the caller holds it.
    const naive = new UpdateItemCommand({
      TableName: TABLE,
      Key: KEY,
      UpdateExpression: 'SET #lease = :lease',
      ConditionExpression: 'attribute_not_exists(#lease)',
      ExpressionAttributeNames: { '#lease': 'lease' },
      ExpressionAttributeValues: { ':lease': { M: { holder: { S: 'exec-a' } } } },
    });
    expect((await errorOf(h.client.send(naive))).name).toBe('ConditionalCheckFailedException');
  });
});

describe('condition expressions', () => {
  beforeEach(async () => {
    await h.client.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: {
          service: { S: SERVICE_ARN },
          count: { N: '10' },
          name: { S: 'blue' },
          on: { BOOL: true },
          none: { NULL: true },
          tags: { SS: ['a', 'b'] },
          sizes: { NS: ['1', '2.50'] },
          list: { L: [{ S: 'zero' }, { M: { deep: { N: '7' } } }] },
          map: { M: { inner: { M: { value: { S: 'x' } } } } },
        },
      }),
    );
  });

  const holds = async (condition: string, values: Record<string, AttributeValue>, names?: Record<string, string>) => {
    try {
      await h.client.send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: KEY,
          UpdateExpression: 'SET #touched = :t',
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#touched': 'touched', ...names },
          ExpressionAttributeValues: { ':t': { BOOL: true }, ...values },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  };

  it.each([
    ['count = :n', { ':n': { N: '10.0' } }, true],
    ['count <> :n', { ':n': { N: '10' } }, false],
    ['count < :n', { ':n': { N: '9.5' } }, false],
    ['count <= :n', { ':n': { N: '10' } }, true],
    ['count > :n', { ':n': { N: '9' } }, true],
    ['count >= :n', { ':n': { N: '1e2' } }, false],
    // Numbers compare numerically, not as text: "10" > "9".
    ['count > :n', { ':n': { N: '9.99' } }, true],
    ['name < :s', { ':s': { S: 'c' } }, true],
    // Different types never compare: false for <, true for <>.
    ['count < :s', { ':s': { S: 'z' } }, false],
    ['count <> :s', { ':s': { S: '10' } }, true],
    // A missing attribute: = is false, <> is true.
    ['missing = :s', { ':s': { S: 'x' } }, false],
    ['missing <> :s', { ':s': { S: 'x' } }, true],
    ['on = :b', { ':b': { BOOL: true } }, true],
    ['none = :null', { ':null': { NULL: true } }, true],
    ['tags = :set', { ':set': { SS: ['b', 'a'] } }, true],
    ['sizes = :set', { ':set': { NS: ['2.5', '1'] } }, true],
    ['sizes = :set', { ':set': { NS: ['2.5'] } }, false],
    ['list[0] = :s', { ':s': { S: 'zero' } }, true],
    ['list[1].deep = :n', { ':n': { N: '7' } }, true],
    ['list[5] = :s', { ':s': { S: 'zero' } }, false],
    ['map.inner.value = :s', { ':s': { S: 'x' } }, true],
    ['map = :m', { ':m': { M: { inner: { M: { value: { S: 'x' } } } } } }, true],
    ['count = :a AND name = :b', { ':a': { N: '10' }, ':b': { S: 'green' } }, false],
    ['count = :a OR name = :b', { ':a': { N: '10' }, ':b': { S: 'green' } }, true],
    ['NOT count = :a', { ':a': { N: '10' } }, false],
    // NOT binds tighter than AND, AND tighter than OR.
    ['count = :a OR count = :b AND name = :c', { ':a': { N: '10' }, ':b': { N: '1' }, ':c': { S: 'no' } }, true],
    ['(count = :a OR count = :b) AND name = :c', { ':a': { N: '10' }, ':b': { N: '1' }, ':c': { S: 'no' } }, false],
    ['not count = :a and name = :b', { ':a': { N: '1' }, ':b': { S: 'blue' } }, true],
  ] as const)('%s (%j) is %s', async (condition, values, expected) => {
    expect(await holds(condition, values as Record<string, AttributeValue>)).toBe(expected);
  });

  it('evaluates attribute_exists / attribute_not_exists on nested paths and # names', async () => {
    expect(await holds('attribute_exists(#m.#i.#v)', {}, { '#m': 'map', '#i': 'inner', '#v': 'value' })).toBe(true);
    expect(await holds('attribute_not_exists(map.inner.other)', {})).toBe(true);
    expect(await holds('attribute_exists(list[1].deep)', {})).toBe(true);
    expect(await holds('attribute_exists(list[2])', {})).toBe(false);
  });

  it('evaluates against no item at all on a first write (every path is missing)', async () => {
    const put = (condition: string, values?: Record<string, AttributeValue>) =>
      h.client.send(
        new PutItemCommand({
          TableName: TABLE,
          Item: { service: { S: 'other' } },
          ConditionExpression: condition,
          ...(values && { ExpressionAttributeValues: values }),
        }),
      );
    // The pattern of AWS's semaphore sample: `<>` on a missing item holds.
    await put('service <> :s', { ':s': { S: 'other' } });
    expect((await errorOf(put('attribute_not_exists(service)'))).name).toBe('ConditionalCheckFailedException');
  });
});

describe('update expressions', () => {
  const update = (
    expression: string,
    values?: Record<string, AttributeValue>,
    extra: Partial<UpdateItemCommandInput> = {},
  ) =>
    h.client.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: KEY,
        UpdateExpression: expression,
        ...(values && { ExpressionAttributeValues: values }),
        ReturnValues: 'ALL_NEW',
        ...extra,
      }),
    );

  it('SETs values, paths, if_not_exists and exact arithmetic from the item as it was; REMOVEs', async () => {
    await update('SET n = :one, m = :m', { ':one': { N: '0.1' }, ':m': { M: { a: { L: [{ N: '1' }] } } } });
    const next = await update('SET n = n + :x, copy = n, first = if_not_exists(first, :f), m.a[0] = :s, m.b = :s', {
      ':x': { N: '0.2' },
      ':f': { S: 'kept' },
      ':s': { S: 'v' },
    });
    expect(next.Attributes).toEqual({
      service: { S: SERVICE_ARN },
      n: { N: '0.3' },
      copy: { N: '0.1' },
      first: { S: 'kept' },
      m: { M: { a: { L: [{ S: 'v' }] }, b: { S: 'v' } } },
    });
    const again = await update('SET first = if_not_exists(first, :f), n = n - :x REMOVE copy, m.a[0]', {
      ':f': { S: 'ignored' },
      ':x': { N: '1' },
    });
    expect(again.Attributes).toEqual({
      service: { S: SERVICE_ARN },
      n: { N: '-0.7' },
      first: { S: 'kept' },
      m: { M: { a: { L: [] }, b: { S: 'v' } } },
    });
  });

  it('returns NONE, ALL_OLD, UPDATED_OLD and UPDATED_NEW as AWS does', async () => {
    await update('SET a = :a, b = :b', { ':a': { S: '1' }, ':b': { S: '2' } });
    expect((await update('SET a = :a', { ':a': { S: '3' } }, { ReturnValues: 'NONE' })).Attributes).toBeUndefined();
    expect((await update('SET a = :a', { ':a': { S: '4' } }, { ReturnValues: 'UPDATED_OLD' })).Attributes).toEqual({
      a: { S: '3' },
    });
    expect((await update('SET a = :a', { ':a': { S: '5' } }, { ReturnValues: 'UPDATED_NEW' })).Attributes).toEqual({
      a: { S: '5' },
    });
    expect((await update('REMOVE b', undefined, { ReturnValues: 'ALL_OLD' })).Attributes).toEqual({
      service: { S: SERVICE_ARN },
      a: { S: '5' },
      b: { S: '2' },
    });
  });

  it.each([
    [
      'SET n = missing + :x',
      { ':x': { N: '1' } },
      'The provided expression refers to an attribute that does not exist in the item',
    ],
    [
      'SET a = :a, a = :a',
      { ':a': { N: '1' } },
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a], path two: [a]',
    ],
    [
      'SET a.b = :a REMOVE a',
      { ':a': { N: '1' } },
      'Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [a, b], path two: [a]',
    ],
    [
      'SET service = :a',
      { ':a': { S: 'x' } },
      'One or more parameter values were invalid: Cannot update attribute service. This attribute is part of the key',
    ],
    [
      'SET a = :a SET b = :a',
      { ':a': { S: 'x' } },
      'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;',
    ],
    [
      'SET a = :s + :n',
      { ':s': { S: 'x' }, ':n': { N: '1' } },
      'Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S',
    ],
    [
      'SET nope.deeper = :a',
      { ':a': { S: 'x' } },
      'The document path provided in the update expression is invalid for update',
    ],
    [
      'SET a = :undefined',
      { ':a': { S: 'x' } },
      'Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :undefined',
    ],
    [
      'SET #a = :a',
      { ':a': { S: 'x' } },
      'Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #a',
    ],
    [
      'SET a = :a',
      { ':a': { S: 'x' }, ':b': { S: 'y' } },
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:b}',
    ],
    [
      'ADD n :a',
      { ':a': { N: '1' } },
      'The ADD section of UpdateExpression is not supported locally (local/dynamodb/README.md lists what is emulated)',
    ],
    [
      'SET l = list_append(l, :a)',
      { ':a': { L: [] } },
      'The function list_append in UpdateExpression is not supported locally (local/dynamodb/README.md lists what is emulated)',
    ],
    ['SET a = = :a', { ':a': { S: 'x' } }, 'Invalid UpdateExpression: Syntax error; token: "=", near: "SET a = = :a"'],
    ['', undefined, 'Invalid UpdateExpression: The expression can not be empty;'],
  ] as const)('%s → ValidationException', async (expression, values, message) => {
    expect(await errorOf(update(expression, values as Record<string, AttributeValue> | undefined))).toEqual({
      name: 'ValidationException',
      message,
    });
  });

  it('refuses wrong number operands at run time and keeps the item unchanged', async () => {
    await update('SET s = :s', { ':s': { S: 'text' } });
    expect(await errorOf(update('SET s = s + :n', { ':n': { N: '1' } }))).toEqual({
      name: 'ValidationException',
      message: 'An operand in the update expression has an incorrect data type',
    });
    expect((await item())?.['s']).toEqual({ S: 'text' });
  });
});

describe('placeholders and grammar', () => {
  const conditional = (condition: string, names?: Record<string, string>, values?: Record<string, AttributeValue>) =>
    h.client.send(
      new DeleteItemCommand({
        TableName: TABLE,
        Key: KEY,
        ConditionExpression: condition,
        ...(names && { ExpressionAttributeNames: names }),
        ...(values && { ExpressionAttributeValues: values }),
      }),
    );

  it.each([
    [
      '#a = :v',
      { '#b': 'b' },
      { ':v': { S: 'x' } },
      'Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #a',
    ],
    [
      'a = :v',
      { '#b': 'b' },
      { ':v': { S: 'x' } },
      'Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}',
    ],
    [
      'a = :v',
      undefined,
      { ':v': { S: 'x' }, ':w': { S: 'y' } },
      'Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}',
    ],
    ['a = :v', {}, { ':v': { S: 'x' } }, 'ExpressionAttributeNames must not be empty'],
    ['a = :v', undefined, {}, 'ExpressionAttributeValues must not be empty'],
    [
      'a = :v',
      undefined,
      { ':v': { SS: [] } },
      'ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v',
    ],
    [
      'a = :v',
      undefined,
      { ':v': { N: 'ten' } },
      'ExpressionAttributeValues contains invalid value: A value provided cannot be converted into a number for key :v',
    ],
    [
      'a < :v',
      undefined,
      { ':v': { M: {} } },
      'Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: M',
    ],
    [
      'a = a',
      undefined,
      undefined,
      'Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: a',
    ],
    [
      'a BETWEEN :v AND :w',
      undefined,
      { ':v': { N: '1' }, ':w': { N: '2' } },
      'The BETWEEN operator in ConditionExpression is not supported locally (local/dynamodb/README.md lists what is emulated)',
    ],
    [
      'a IN (:v)',
      undefined,
      { ':v': { N: '1' } },
      'The IN operator in ConditionExpression is not supported locally (local/dynamodb/README.md lists what is emulated)',
    ],
    [
      'begins_with(a, :v)',
      undefined,
      { ':v': { S: '1' } },
      'The function begins_with in ConditionExpression is not supported locally (local/dynamodb/README.md lists what is emulated)',
    ],
    [
      'size(a) > :v',
      undefined,
      { ':v': { N: '1' } },
      'The function size in ConditionExpression is not supported locally (local/dynamodb/README.md lists what is emulated)',
    ],
    ['exists(a)', undefined, undefined, 'Invalid ConditionExpression: Invalid function name; function: exists'],
    [
      'a = :v AND',
      undefined,
      { ':v': { N: '1' } },
      'Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "a = :v AND"',
    ],
  ] as const)('%s with %j %j → ValidationException', async (condition, names, values, message) => {
    expect(
      await errorOf(
        conditional(
          condition,
          names as Record<string, string> | undefined,
          values as Record<string, AttributeValue> | undefined,
        ),
      ),
    ).toEqual({ name: 'ValidationException', message });
  });

  it('refuses expression attributes without an expression', async () => {
    expect(
      await errorOf(
        h.client.send(new PutItemCommand({ TableName: TABLE, Item: KEY, ExpressionAttributeNames: { '#a': 'a' } })),
      ),
    ).toEqual({
      name: 'ValidationException',
      message: 'ExpressionAttributeNames can only be specified when using expressions',
    });
  });
});
