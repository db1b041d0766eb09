#!/usr/bin/env node
// The `bluegreen` command. In the repository it runs the TypeScript entry through tsx, so a clean clone needs no build
// step; in the published package (no TypeScript sources, no tsx) it runs the compiled CLI that `npm run build:lib`
// writes to dist/cli/.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const fs = require('fs');
const path = require('path');
if (fs.existsSync(path.join(__dirname, '..', 'run.ts'))) {
  require('tsx/cjs');
  require('../run.ts');
} else {
  require('../../dist/cli/run.js');
}
