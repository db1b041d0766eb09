import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The published package, used as a user would: built (npm run build:lib), packed (npm pack), extracted into an app's
// node_modules outside the repository, and synthesized by a plain JavaScript app (no TypeScript, no tsx, no esbuild).
// The app resolves only the packages the library needs at synth from this repository's node_modules, standing in for
// the user's own installation.

const ROOT = path.resolve(__dirname, '..', '..');
/** The library's runtime imports (a missing one fails the synth below with "Cannot find module"). */
const RUNTIME_PACKAGES = ['aws-cdk-lib', 'constructs', 'zod'];
/** What the CLI needs to start (its AWS SDK clients and ora load on use). */
const CLI_PACKAGES = ['commander'];
const STATE_MACHINES = fs.readdirSync(path.join(ROOT, 'state-machines')).filter((f) => f.endsWith('.asl.json'));
const HANDLERS = fs
  .readdirSync(path.join(ROOT, 'lambdas'))
  .filter((name) => fs.existsSync(path.join(ROOT, 'lambdas', name, 'handler.ts')));

const APP = `
const { App, Stack } = require('aws-cdk-lib');
const { BlueGreenFargateService } = require('ecs-bluegreen');
const app = new App({ outdir: process.argv[2] });
new BlueGreenFargateService(new Stack(app, 'Consumer'), 'Service', { serviceName: 'consumer' });
app.synth();
`;

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

let work: string;
let packedFiles: string[];
let installed: string;
let outdir: string;
let resources: Resource[];
let assetPaths: Record<string, string>;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ecs-bluegreen-pack-'));
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-lib.mjs')], { cwd: ROOT, stdio: 'pipe' });
  // Built just above: prepack would build again.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  const tarball = packed[0];
  if (tarball === undefined) throw new Error('npm pack --json reported no tarball');
  packedFiles = tarball.files.map((file) => file.path);

  const app = path.join(work, 'app');
  installed = path.join(app, 'node_modules', 'ecs-bluegreen');
  fs.mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(work, tarball.filename), '-C', installed, '--strip-components=1']);
  for (const name of [...RUNTIME_PACKAGES, ...CLI_PACKAGES]) {
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(app, 'node_modules', name), 'dir');
  }
  fs.writeFileSync(path.join(app, 'app.js'), APP);
  outdir = path.join(work, 'cdk.out');
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_VALIDATION: process.env.CDK_VALIDATION ?? 'false' };
  delete env.NODE_PATH;
  execFileSync(process.execPath, ['app.js', outdir], { cwd: app, env, stdio: 'pipe' });

  const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Consumer.template.json'), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  resources = Object.values(template.Resources);
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'Consumer.assets.json'), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  assetPaths = Object.fromEntries(Object.entries(manifest.files).map(([hash, file]) => [hash, file.source.path]));
}, 180_000);

afterAll(() => {
  if (work !== undefined) fs.rmSync(work, { recursive: true, force: true });
  // The build's output is only for the tarball; removed so it cannot reach the repository's lint (ESLint reads dist/).
  fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
});

const ofType = (type: string): Resource[] => resources.filter((resource) => resource.Type === type);

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    return entry.isDirectory() ? filesUnder(path.join(dir, entry.name), relative) : [relative];
  });
}

describe('the tarball', () => {
  it('holds the compiled API, each handler pre-bundled and each state machine as shipped', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/infra/lib/index.js',
        'dist/infra/lib/index.d.ts',
        ...HANDLERS.map((name) => `dist/lambda-bundles/${name}/index.js`),
        ...STATE_MACHINES.map((file) => `dist/state-machines/${file}`),
      ]),
    );
    for (const file of STATE_MACHINES) {
      expect(fs.readFileSync(path.join(installed, 'dist', 'state-machines', file))).toEqual(
        fs.readFileSync(path.join(ROOT, 'state-machines', file)),
      );
    }
  });

  it('holds no TypeScript sources, tests, local AWS, harness or bench', () => {
    const unwanted = packedFiles.filter(
      (file) => /^(test|local|harness|bench|oracles|examples)\//.test(file) || /(?<!\.d)\.ts$/.test(file),
    );
    expect(unwanted).toEqual([]);
    expect(filesUnder(installed).sort()).toEqual([...packedFiles].sort());
  });
});

describe('the bluegreen command of the package', () => {
  const bin = () => path.join(installed, 'cli', 'bin', 'bluegreen.js');
  const env = (): NodeJS.ProcessEnv => {
    const clean: NodeJS.ProcessEnv = { ...process.env };
    delete clean.NODE_PATH;
    delete clean.NODE_OPTIONS;
    return clean;
  };

  it('is shipped with the compiled CLI and no tsx', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['cli/bin/bluegreen.js', 'dist/cli/run.js', 'dist/cli/main.js']),
    );
    expect(fs.existsSync(path.join(installed, 'cli', 'run.ts'))).toBe(false);
  });

  it('runs from the package: --version prints the package version, --help the commands', () => {
    const version = execFileSync(process.execPath, [bin(), '--version'], {
      cwd: path.dirname(path.dirname(installed)),
      env: env(),
      encoding: 'utf8',
    });
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.trim()).toBe(manifest.version);
    const help = execFileSync(process.execPath, [bin(), '--help'], {
      cwd: path.dirname(path.dirname(installed)),
      env: env(),
      encoding: 'utf8',
    });
    expect(help).toMatch(/deploy/);
    expect(help).toMatch(/clean-up/);
  });
});

describe('an app outside the repository', () => {
  it('synthesizes a BlueGreenFargateService: five state machines and the service custom resource', () => {
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(STATE_MACHINES.length);
    expect(STATE_MACHINES).toHaveLength(5);
    expect(ofType('Custom::BlueGreenService')).toHaveLength(1);
  });

  it('deploys every function from asset code in the cloud assembly, with its handler file', () => {
    const functions = ofType('AWS::Lambda::Function');
    const tags = functions.flatMap((fn) =>
      ((fn.Properties?.Tags ?? []) as Array<{ Key: string; Value: string }>)
        .filter((tag) => tag.Key === 'ecs-bluegreen:handler')
        .map((tag) => tag.Value),
    );
    expect(tags.sort()).toEqual([...HANDLERS].sort());
    for (const fn of functions) {
      const code = fn.Properties?.Code as { S3Key?: string };
      const hash = /^([0-9a-f]{64})\.zip$/.exec(code.S3Key ?? '')?.[1];
      expect(hash).toBeDefined();
      const asset = assetPaths[hash as string];
      expect(asset).toBeDefined();
      const handlerFile = `${String(fn.Properties?.Handler).split('.')[0]}.js`;
      expect(fs.existsSync(path.join(outdir, asset as string, handlerFile))).toBe(true);
    }
  });

  it('leaves no path into the repository in the cloud assembly (but its node_modules, standing in for the app’s)', () => {
    const intoRepo = new RegExp(`${ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!/node_modules/)`);
    const offending = filesUnder(outdir).filter((file) => {
      const full = path.join(outdir, file);
      return fs.lstatSync(full).isSymbolicLink() || intoRepo.test(fs.readFileSync(full, 'utf8'));
    });
    expect(offending).toEqual([]);
  });
});
