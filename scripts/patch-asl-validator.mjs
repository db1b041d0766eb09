// Makes asl-validator 4.0.0 reuse its compiled JSON schemas (npm runs this on the repository's own `npm install` and `npm ci`, never for a dependency: package.json "prepare").
// Local Step Functions validates every CreateStateMachine/UpdateStateMachine definition with it
// (local/stepfunctions/definition-check.ts); see local/stepfunctions/README.md, "Definition validation".
//
// Speed only, same verdicts: the library builds a new Ajv instance, and so compiles its fifteen ASL schemas again, on
// every call (~0.3 s of CPU per definition, ~1.5 s per local stack of five machines). Here the instance is built once
// per set of options (checkPaths, checkArn: the only inputs of its set-up) and kept; each call still validates with
// `ajv.validate` and reads that call's `ajv.errors`, exactly as before. Nothing else in the library changes.
//
// Idempotent; fails loudly if the library's text is not the one this was written for (another version).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const MARKER = '/* ecs-bluegreen: compiled schemas reused */';
const FIXES = [
  {
    // Before building an instance: reuse the one built for the same options.
    before: 'var jsonSchemaErrors = function (definition, options) {\n    var ajv = new ajv_1.default({',
    after:
      `${MARKER}\nvar compiledByOptions = new Map();\n` +
      'var jsonSchemaErrors = function (definition, options) {\n' +
      '    var optionsKey = String(!!options.checkPaths) + "/" + String(!!options.checkArn);\n' +
      '    var compiled = compiledByOptions.get(optionsKey);\n' +
      '    if (compiled !== undefined) {\n' +
      '        return validateWith(compiled, definition);\n' +
      '    }\n' +
      '    var ajv = new ajv_1.default({',
  },
  {
    // After its set-up (schemas and formats): keep it, then validate as every later call will.
    before: '    ajv.validate("http://asl-validator.cloud/state-machine.json#", definition);',
    after:
      '    compiledByOptions.set(optionsKey, ajv);\n' +
      '    return validateWith(ajv, definition);\n' +
      '};\n' +
      'var validateWith = function (ajv, definition) {\n' +
      '    ajv.validate("http://asl-validator.cloud/state-machine.json#", definition);',
  },
];

const root = path.dirname(require.resolve('asl-validator/package.json'));
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const file = path.join(root, 'dist', 'src', 'checks', 'json-schema-errors.js');
let text = readFileSync(file, 'utf8');
if (!text.includes(MARKER)) {
  for (const { before, after } of FIXES) {
    const count = text.split(before).length - 1;
    if (count !== 1) {
      throw new Error(
        `${file}: expected the text ${JSON.stringify(before)} once, found it ${count} times. ` +
          `asl-validator ${version} is not the version this patch was written for (4.0.0): check whether it still ` +
          'compiles its schemas on every call, then update or remove scripts/patch-asl-validator.mjs.',
      );
    }
    text = text.replace(before, after);
  }
  writeFileSync(file, text);
}
