#!/usr/bin/env node
// Writes state-machines/<name>.asl.json from these authoring modules, which share the retry policy, input checks
// and task set lookups. The .asl.json files are what CDK deploys; test/state-machines/authoring.test.ts fails when
// they and these modules disagree. Run: node state-machines/authoring/generate.js
'use strict';
const fs = require('fs');
const path = require('path');
const { narrowTransientRetries } = require('./common');

const NAMES = ['deploy-green', 'swap', 'clean-up', 'rollback', 'abort'];

function render(name) {
  // The shared ECS/ELBv2 retry policy, narrowed to the errors each Task can raise (common.js).
  const definition = narrowTransientRetries(require(path.join(__dirname, `${name}.js`)));
  return JSON.stringify(definition, null, 2) + '\n';
}

module.exports = { NAMES, render };
if (require.main === module) {
  // Formatted as `npm run lint` checks it (Prettier keeps short arrays on one line, JSON.stringify does not).
  const prettier = require('prettier');
  void (async () => {
    for (const name of NAMES) {
      const file = path.join(__dirname, '..', `${name}.asl.json`);
      fs.writeFileSync(
        file,
        await prettier.format(render(name), { ...(await prettier.resolveConfig(file)), filepath: file }),
      );
    }
  })();
}
