// jest's TypeScript transform: esbuild strips the types of each file, as ts-jest did with `isolatedModules` (no type
// checking: that is `npm run typecheck`'s job). Same output semantics as tsc for this project's tsconfig (ES2022,
// CommonJS, esModuleInterop, class fields with define semantics), with a source map for stack traces. Why not
// ts-jest: each jest worker loaded the TypeScript compiler (~9 MB of JavaScript) and transpiled every file with it;
// from a clean clone (jest's cache empty, as in CI) that was a sizeable share of every suite's start-up.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { transformSync, version } = require('esbuild');

/**
 * tsconfig.json's compiler options, which esbuild reads for what changes the output: `strict` (so "use strict", as tsc
 * emits it), `target` (class fields with define semantics), `esModuleInterop`. It ignores the rest (tsc's business).
 */
const TSCONFIG_PATH = path.join(__dirname, '..', '..', 'tsconfig.json');
const TSCONFIG_TEXT = fs.readFileSync(TSCONFIG_PATH, 'utf8');
const tsconfigRaw = { compilerOptions: JSON.parse(TSCONFIG_TEXT).compilerOptions };

const OWN_SOURCE = fs.readFileSync(__filename, 'utf8');

module.exports = {
  canInstrument: false,
  process(sourceText, sourcePath) {
    const { code, map } = transformSync(sourceText, {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'es2022',
      sourcefile: sourcePath,
      sourcemap: 'external',
      sourcesContent: false,
      tsconfigRaw,
    });
    return { code, map };
  },
  getCacheKey(sourceText, sourcePath, options) {
    return crypto
      .createHash('sha256')
      .update(version)
      .update('\0')
      .update(OWN_SOURCE)
      .update('\0')
      .update(TSCONFIG_TEXT)
      .update('\0')
      .update(sourcePath)
      .update('\0')
      .update(sourceText)
      .update('\0')
      .update(options.configString)
      .digest('hex');
  },
};
