import * as fs from 'fs';
import * as path from 'path';
import { Tags } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * The root of the tree this module sits in: the repository (`infra/lib/private/` → `../../..`), or, in the published
 * package, `dist/`, which `npm run build:lib` lays out the same way (scripts/build-lib.mjs).
 */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');

/**
 * Where the published package keeps each handler pre-bundled: `<dist>/lambda-bundles/<name>/index.js` (and its source
 * map), built by `npm run build:lib` with the bundling options below. The repository has no such folder.
 */
export const LAMBDA_BUNDLES_DIR = path.join(REPO_ROOT, 'lambda-bundles');

/**
 * What every function of this stack shares: a handler under lambdas/ bundled with the local esbuild (never Docker),
 * the newest Lambda Node.js runtime on ARM, X-Ray tracing and source maps. The handlers return promises (Node 24
 * dropped callback handlers) and are bundled for node20 syntax, the Node the repository and local AWS test them on,
 * which Node 24 runs unchanged.
 */
export function bundledFunctionProps(entry: string): nodejs.NodejsFunctionProps {
  const shared = {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    memorySize: 256,
    tracing: lambda.Tracing.ACTIVE,
    environment: { NODE_OPTIONS: '--enable-source-maps' },
  };
  // The published package ships no TypeScript handlers: each was bundled when the package was built (identical
  // options, BUNDLING), and the function deploys that folder as it is.
  if (!fs.existsSync(path.join(REPO_ROOT, entry))) {
    return { ...shared, code: lambda.Code.fromAsset(prebundledDir(entry)), handler: 'index.handler' };
  }
  requireLocalEsbuild();
  return {
    ...shared,
    entry: path.join(REPO_ROOT, entry),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
    bundling: BUNDLING,
  };
}

/**
 * How each handler is bundled: by NodejsFunction at synth in the repository, by scripts/build-lib.mjs (which reads
 * these options from the compiled module) for the published package.
 */
export const BUNDLING: nodejs.BundlingOptions = {
  // esbuild from node_modules, offline; Docker is never used.
  forceDockerBundling: false,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node20',
  format: nodejs.OutputFormat.CJS,
  // esbuild's size table after every bundle is noise in `cdk synth` (and 50 blocks of it in `npm test`); its
  // warnings and errors still show.
  logLevel: nodejs.LogLevel.WARNING,
};

/** The pre-bundled folder of `entry` in the published package; fails naming both places when neither exists. */
function prebundledDir(entry: string): string {
  const dir = path.join(LAMBDA_BUNDLES_DIR, handlerNameOf(entry));
  if (!fs.existsSync(path.join(dir, 'index.js'))) {
    throw new Error(
      `Handler '${entry}' has neither its TypeScript source (${path.join(REPO_ROOT, entry)}) nor its pre-bundled ` +
        `code (${path.join(dir, 'index.js')}). In the repository, restore the source; in a built package, run ` +
        '`npm run build:lib` (it writes dist/lambda-bundles/<name>/index.js) before packing.',
    );
  }
  return dir;
}

/**
 * The tag every bundled function carries, naming its handler (`validate-input`, `green-watch`, …: the folder under
 * lambdas/). Operators find the controller's functions by it, and local AWS (harness/deploy/local-lambdas.ts) runs the
 * same handler in-process for a function with this tag, wherever the function sits in the construct tree.
 */
export const HANDLER_TAG = 'ecs-bluegreen:handler';

/** `lambdas/<name>/handler.ts` → `<name>`. */
export function handlerNameOf(entry: string): string {
  const name = /^lambdas\/([a-z0-9-]+)\/handler\.ts$/.exec(entry)?.[1];
  if (name === undefined) throw new Error(`Handler entry '${entry}' is not lambdas/<name>/handler.ts.`);
  return name;
}

/** Tags `fn` with the handler it bundles (HANDLER_TAG). */
export function tagHandler(fn: lambda.IFunction, entry: string): void {
  Tags.of(fn).add(HANDLER_TAG, handlerNameOf(entry));
}

/** Bundling must work offline: fail clearly instead of letting CDK fall back to Docker when esbuild is missing. */
function requireLocalEsbuild(): void {
  try {
    require.resolve('esbuild/package.json', { paths: [REPO_ROOT] });
  } catch {
    throw new Error(
      `esbuild is not installed in ${REPO_ROOT}/node_modules, so the Lambda functions cannot be bundled locally ` +
        '(Docker bundling is not used). Run `npm ci` in the repository root.',
    );
  }
}
