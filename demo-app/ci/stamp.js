#!/usr/bin/env node
// Replaces %%COLOUR%%, %%COMMIT%% and %%BUILD_TIME%% in the given files (used by buildspec-app.yml).
'use strict';
const fs = require('fs');

function stamp(text, values) {
  return text
    .replace(/%%COLOUR%%/g, values.colour)
    .replace(/%%COMMIT%%/g, values.commit)
    .replace(/%%BUILD_TIME%%/g, values.buildTime);
}

function main(argv) {
  const [colour, commit, buildTime, ...files] = argv;
  if (!colour || !commit || !buildTime || files.length === 0) {
    console.error('usage: stamp.js COLOUR COMMIT BUILD_TIME FILE...');
    return 2;
  }
  if (!/^[a-z]+$|^#[0-9a-fA-F]{3,6}$/.test(colour)) {
    console.error(
      `colour is '${colour}': use a CSS colour word (blue, green) or a hex colour (#9c9) in demo-app/colour.`,
    );
    return 2;
  }
  for (const file of files) fs.writeFileSync(file, stamp(fs.readFileSync(file, 'utf8'), { colour, commit, buildTime }));
  return 0;
}

module.exports = { stamp };
if (require.main === module) process.exitCode = main(process.argv.slice(2));
