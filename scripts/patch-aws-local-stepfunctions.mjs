// Changes aws-local-stepfunctions 3.0.0 in place (npm runs this on the repository's own `npm install` and `npm ci`, never for a dependency: package.json "prepare"). Local Step
// Functions is built on that library; see local/stepfunctions/README.md ("Intrinsic functions and backslashes", "Speed").
//
// 1. A defect: every intrinsic function's string result has all its backslashes removed
// (`result.replaceAll("\\", "")`), meant to undo the escapes of a literal template ('it\'s'). So
// States.JsonToString of a string holding a quote is not JSON (`{"m":"a "q" b"}`), and a value with a backslash loses
// it. On AWS, States.JsonToString returns valid JSON, and only the escapes of a literal argument are undone. The
// fix moves the unescaping to where a literal argument is read, and leaves results alone.
//
// 2. Speed only: `cloneJSON`, which copies every state's input before the state runs (3 % of the whole test run's
// CPU), builds each object through Object.entries/map/Object.fromEntries. The same copy is made with one loop over
// Object.keys (the same own enumerable string keys, in the same order; a `__proto__` key is still an own property, as
// Object.fromEntries makes it): ~4× faster, identical result.
//
// Each change has its own marker, so an install that has the first gets the second. Idempotent; fails loudly if the
// library's text is not the one this was written for (another version).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const PATCHES = [
  {
    marker: '/* ecs-bluegreen: intrinsic escapes fixed */',
    fixes: [
      {
        before: 'if (typeof result === "string") {\n      result = result.replaceAll("\\\\", "");\n    }',
        after: '/* ecs-bluegreen: intrinsic escapes fixed */ void 0;',
      },
      {
        before: 'return arg.slice(1, lastSingleQuote);',
        after: 'return arg.slice(1, lastSingleQuote).replace(/\\\\([\\s\\S])/g, "$1");',
      },
    ],
  },
  {
    marker: '/* ecs-bluegreen: cloneJSON in one loop */',
    fixes: [
      {
        before: '  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneJSON(v)]));\n}',
        after: [
          '  /* ecs-bluegreen: cloneJSON in one loop */',
          '  const copy = {};',
          '  for (const key of Object.keys(value)) {',
          '    const member = cloneJSON(value[key]);',
          '    if (key === "__proto__") {',
          '      Object.defineProperty(copy, key, { value: member, writable: true, enumerable: true, configurable: true });',
          '    } else {',
          '      copy[key] = member;',
          '    }',
          '  }',
          '  return copy;',
          '}',
        ].join('\n'),
      },
    ],
  },
];

// The package's exports hide package.json: resolve its CommonJS entry (build/main.node.cjs) instead.
const root = path.dirname(path.dirname(require.resolve('aws-local-stepfunctions')));
for (const file of ['build/main.node.cjs', 'build/main.node.esm.js']) {
  const full = path.join(root, file);
  let text = readFileSync(full, 'utf8');
  for (const { marker, fixes } of PATCHES) {
    if (text.includes(marker)) continue;
    for (const { before, after } of fixes) {
      const count = text.split(before).length - 1;
      if (count !== 1) {
        throw new Error(
          `${full}: expected the text ${JSON.stringify(before)} once, found it ${count} times. ` +
            'aws-local-stepfunctions is not the version this patch was written for (3.0.0): check whether the change ' +
            'is still needed there, then update or remove scripts/patch-aws-local-stepfunctions.mjs.',
        );
      }
      text = text.replace(before, after);
    }
  }
  writeFileSync(full, text);
}
