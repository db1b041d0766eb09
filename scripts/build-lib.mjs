// Builds the publishable construct library into dist/ (`npm run build:lib`; npm also runs it before `npm pack` and
// `npm publish`: "prepack"). See README.md, "Publishing the library".
//
// dist/ mirrors the repository, so the compiled modules find their files exactly as the sources do (`../../..` from
// infra/lib/private is the tree's root):
//   dist/infra/lib/index.js (+ .d.ts)   the public API and what it imports (contract/, pipeline/, part of lambdas/),
//                                       compiled by tsc with tsconfig.lib.json;
//   dist/lambda-bundles/<name>/         each Lambda handler (lambdas/<name>/handler.ts) bundled by esbuild with the
//                                       options NodejsFunction uses in the repository (BUNDLING), so a user's synth
//                                       needs neither TypeScript nor esbuild nor our sources;
//   dist/state-machines/*.asl.json      the state machine definitions, byte for byte.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(ROOT, 'dist');

/** BUNDLING's keys this script turns into esbuild options; any other key would be silently dropped, so it fails. */
const TRANSLATED = ['forceDockerBundling', 'minify', 'sourceMap', 'sourcesContent', 'target', 'format', 'logLevel'];

function compile() {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.lib.json')], { stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(`tsc -p tsconfig.lib.json failed (exit ${result.status}): fix the errors above, then run again.`);
  }
}

/** The handlers: every lambdas/<name>/handler.ts (lambdas/shared has none). */
function handlerNames() {
  return readdirSync(path.join(ROOT, 'lambdas'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(ROOT, 'lambdas', entry.name, 'handler.ts')))
    .map((entry) => entry.name)
    .sort();
}

async function bundleHandlers() {
  // The compiled module states the options, so the package's bundles and the repository's synth cannot drift apart.
  const { BUNDLING, LAMBDA_BUNDLES_DIR } = require(path.join(DIST, 'infra', 'lib', 'private', 'bundled-function.js'));
  const unknown = Object.keys(BUNDLING).filter((key) => !TRANSLATED.includes(key));
  if (unknown.length > 0) {
    throw new Error(
      `BUNDLING (infra/lib/private/bundled-function.ts) has ${unknown.join(', ')}, which scripts/build-lib.mjs does ` +
        `not pass to esbuild (it passes ${TRANSLATED.join(', ')}): translate the new option in bundleHandlers().`,
    );
  }
  const names = handlerNames();
  await Promise.all(
    names.map((name) =>
      esbuild.build({
        absWorkingDir: ROOT,
        entryPoints: [path.join(ROOT, 'lambdas', name, 'handler.ts')],
        outfile: path.join(LAMBDA_BUNDLES_DIR, name, 'index.js'),
        bundle: true,
        platform: 'node',
        target: BUNDLING.target,
        format: BUNDLING.format,
        minify: BUNDLING.minify,
        sourcemap: BUNDLING.sourceMap,
        sourcesContent: BUNDLING.sourcesContent,
        logLevel: BUNDLING.logLevel,
        // NodejsFunction's default for Node.js 18+ runtimes: the runtime provides AWS SDK v3.
        external: ['@aws-sdk/*'],
      }),
    ),
  );
  return names;
}

function copyStateMachines() {
  const from = path.join(ROOT, 'state-machines');
  const to = path.join(DIST, 'state-machines');
  mkdirSync(to, { recursive: true });
  const files = readdirSync(from).filter((file) => file.endsWith('.asl.json'));
  for (const file of files) copyFileSync(path.join(from, file), path.join(to, file));
  return files;
}

rmSync(DIST, { recursive: true, force: true });
compile();
const handlers = await bundleHandlers();
const machines = copyStateMachines();
console.log(
  `dist/: the library, ${handlers.length} bundled handlers (${handlers.join(', ')}), ${machines.length} state machines.`,
);
