/**
 * The Context Object hooks evaluate the library's JSONPath queries without jsonpath-plus' throw-and-catch of scalar
 * results (context-object.ts: evaluateQuery); what a query returns, or throws, must be exactly what JSONPath gives.
 */
import { installContextObjectHooks } from '../../../local/stepfunctions/context-object';
import { isIndefinitePath } from '../../../local/stepfunctions/jsonpath-shape';

type JsonPathFunction = (...args: unknown[]) => unknown;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const original = (require('jsonpath-plus') as { JSONPath: JsonPathFunction }).JSONPath;

function hooked(): JsonPathFunction {
  const jsonPathModule = { JSONPath: original };
  installContextObjectHooks({ execute: () => undefined }, jsonPathModule);
  return jsonPathModule.JSONPath;
}

const outcome = (query: () => unknown): { value: string } | { error: string } => {
  try {
    return { value: JSON.stringify(query()) ?? 'undefined' };
  } catch (error) {
    return { error: String(error) };
  }
};

const DOCUMENT = {
  cluster: 'c',
  count: 0,
  empty: '',
  none: null,
  flag: false,
  list: [1, 2, { id: 3 }],
  nested: { deeper: { values: [true, false] } },
  noItems: [],
};
const PATHS = [
  '$',
  '$.cluster',
  '$.count',
  '$.empty',
  '$.none',
  '$.flag',
  '$.list',
  '$.list[0]',
  '$.list[2].id',
  '$.list[*]',
  '$.list[-1:]',
  '$.list.length',
  '$.nested.deeper',
  '$.nested.deeper.values',
  '$..id',
  '$.list[?(@.id==3)]',
  '$.missing',
  '$.noItems',
  '$[',
  '',
];

test('every query returns (or throws) what jsonpath-plus returns, except [] for an indefinite path matching nothing', () => {
  const patched = hooked();
  let emptied = 0;
  for (const json of [DOCUMENT, null, 5, 'text', [1, 2]]) {
    for (const path of PATHS) {
      const query = { path, json, wrap: false };
      const expected = outcome(() => {
        const value = original(query);
        if (value !== undefined || !isIndefinitePath(path)) return value;
        emptied++;
        return [];
      });
      expect([path, json, outcome(() => patched(query))]).toEqual([path, json, expected]);
    }
  }
  // The AWS shape for "no match" was exercised, not only the pass-through.
  expect(emptied).toBeGreaterThan(0);
});

test('other call forms go to jsonpath-plus unchanged', () => {
  const patched = hooked();
  expect(patched('$.cluster', DOCUMENT)).toEqual(original('$.cluster', DOCUMENT));
  expect(patched({ path: '$.list[*]', json: DOCUMENT })).toEqual(original({ path: '$.list[*]', json: DOCUMENT }));
});
