#!/usr/bin/env node
// The `bluegreen` command: runs the TypeScript entry through tsx, so a clean clone needs no build step.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs');
require('../run.ts');
