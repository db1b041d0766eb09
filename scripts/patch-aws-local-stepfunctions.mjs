// Fixes one defect of aws-local-stepfunctions 3.0.0 in place (npm runs this after install: package.json
// "postinstall"). Local Step Functions is built on that library; see local/stepfunctions/README.md, "Divergences".
//
// The defect: every intrinsic function's string result has all its backslashes removed
// (`result.replaceAll("\\", "")`), meant to undo the escapes of a literal template ('it\'s'). So
// States.JsonToString of a string holding a quote is not JSON (`{"m":"a "q" b"}`), and a value with a backslash loses
// it. On AWS, States.JsonToString returns valid JSON, and only the escapes of a literal argument are undone. The
// fix moves the unescaping to where a literal argument is read, and leaves results alone.
//
// Idempotent; fails loudly if the library's text is not the one this was written for (another version).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const MARKER = '/* ecs-bluegreen: intrinsic escapes fixed */';
const FIXES = [
  {
    before: 'if (typeof result === "string") {\n      result = result.replaceAll("\\\\", "");\n    }',
    after: `${MARKER} void 0;`,
  },
  {
    before: 'return arg.slice(1, lastSingleQuote);',
    after: 'return arg.slice(1, lastSingleQuote).replace(/\\\\([\\s\\S])/g, "$1");',
  },
];

// The package's exports hide package.json: resolve its CommonJS entry (build/main.node.cjs) instead.
const root = path.dirname(path.dirname(require.resolve('aws-local-stepfunctions')));
for (const file of ['build/main.node.cjs', 'build/main.node.esm.js']) {
  const full = path.join(root, file);
  let text = readFileSync(full, 'utf8');
  if (text.includes(MARKER)) continue;
  for (const { before, after } of FIXES) {
    const count = text.split(before).length - 1;
    if (count !== 1) {
      throw new Error(
        `${full}: expected the text ${JSON.stringify(before)} once, found it ${count} times. ` +
          'aws-local-stepfunctions is not the version this patch was written for (3.0.0): check whether the defect ' +
          'is fixed there, then update or remove scripts/patch-aws-local-stepfunctions.mjs.',
      );
    }
    text = text.replace(before, after);
  }
  writeFileSync(full, text);
}
