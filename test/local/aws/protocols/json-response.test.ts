/** The JSON protocols' result encoding: timestamps as epoch seconds, everything else as JSON.stringify writes it. */
import { jsonResultBody } from '../../../../local/aws/protocols/json-response';

/** The encoder as it was, with a replacer function: what jsonResultBody must keep writing, byte for byte. */
function withReplacer(result: unknown): string {
  return JSON.stringify(result ?? {}, function replacer(this: Record<string, unknown>, key: string, value: unknown) {
    const original = this[key];
    return original instanceof Date ? original.getTime() / 1000 : value;
  });
}

const at = new Date(1_700_000_000_123);
const nullPrototype = Object.assign(Object.create(null) as Record<string, unknown>, { when: at });

test.each([
  ['nothing', undefined],
  ['null', null],
  ['a Date member', { createdAt: at }],
  ['Dates in arrays and nested objects', [at, 1, 'x', null, undefined, { b: [at, { c: at }] }]],
  ['members JSON leaves out', { u: undefined, f: () => 1, n: Number.NaN }],
  [
    'objects with their own toJSON, maps, null-prototype objects',
    { buf: Buffer.from('hi'), m: new Map(), nullPrototype },
  ],
  ['a deep Date', { deep: { x: [1, [2, [at]]] } }],
  ['a top-level Date', at],
  ['no Date at all', { taskSets: [{ id: 'ts-1', scale: { value: 100, unit: 'PERCENT' } }] }],
])('%s: the same text as the replacer encoding', (_, result) => {
  expect(jsonResultBody(result)).toBe(withReplacer(result));
});

test('a result without Dates is encoded as it is, and one with Dates is not changed', () => {
  const result = { events: [{ timestamp: at, id: 1 }] };
  expect(jsonResultBody(result)).toBe('{"events":[{"timestamp":1700000000.123,"id":1}]}');
  expect(result.events[0]?.timestamp).toBe(at);
});
