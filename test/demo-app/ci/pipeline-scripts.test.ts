import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { execFileSync } from 'child_process';

// The pipeline's build scripts live in the app repository (demo-app/ci) and are plain CommonJS for CodeBuild.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { stamp } = require('../../../demo-app/ci/stamp') as {
  stamp: (text: string, v: Record<string, string>) => string;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { nextRevision, deployInput } = require('../../../demo-app/ci/prepare-deploy-input') as {
  nextRevision: (current: Record<string, unknown>, image: string, containerName?: string) => Record<string, unknown>;
  deployInput: (v: Record<string, string>) => Record<string, unknown>;
};
const APP = path.join(__dirname, '..', '..', '..', 'demo-app');

test('stamp fills colour, commit and build time into the page and the nginx header', () => {
  for (const file of ['index.html', 'nginx.conf']) {
    const stamped = stamp(fs.readFileSync(path.join(APP, file), 'utf8'), {
      colour: 'green',
      commit: '3f2c1ab',
      buildTime: '2026-01-01T00:00:00Z',
    });
    expect(stamped).not.toMatch(/%%[A-Z_]+%%/);
  }
  const page = stamp(fs.readFileSync(path.join(APP, 'index.html'), 'utf8'), {
    colour: 'green',
    commit: '3f2c1ab',
    buildTime: 'T',
  });
  expect(page).toContain('<h1 id="colour">green</h1>');
  expect(page).toContain('<dd id="commit">3f2c1ab</dd>');
});

test('the stamp CLI rejects a colour that would break the page, naming the fix', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stamp-'));
  const file = path.join(dir, 'index.html');
  fs.writeFileSync(file, '%%COLOUR%%');
  expect(() =>
    execFileSync('node', [path.join(APP, 'ci', 'stamp.js'), 'red;}', 'abc', 'T', file], { stdio: 'pipe' }),
  ).toThrow(/demo-app\/colour/);
  execFileSync('node', [path.join(APP, 'ci', 'stamp.js'), 'teal', 'abc', 'T', file]);
  expect(fs.readFileSync(file, 'utf8')).toBe('teal');
});

test('nextRevision copies only what RegisterTaskDefinition accepts and swaps the app image', () => {
  const current = {
    taskDefinitionArn: 'arn:td:3',
    revision: 3,
    status: 'ACTIVE',
    family: 'web',
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    registeredAt: 'x',
    containerDefinitions: [
      { name: 'sidecar', image: 'envoy:1', essential: false },
      { name: 'app', image: 'repo:old', essential: true, portMappings: [{ containerPort: 80 }] },
    ],
  };
  const next = nextRevision(current, 'repo:new', 'app');
  expect(Object.keys(next).sort()).toEqual([
    'containerDefinitions',
    'cpu',
    'family',
    'memory',
    'networkMode',
    'requiresCompatibilities',
  ]);
  expect(next.containerDefinitions).toEqual([
    { name: 'sidecar', image: 'envoy:1', essential: false },
    { name: 'app', image: 'repo:new', essential: true, portMappings: [{ containerPort: 80 }] },
  ]);
  expect(() => nextRevision(current, 'repo:new', 'web')).toThrow(/No container named 'web'/);
});

test('the deploy input is the minimal deploy-green input', () => {
  expect(deployInput({ cluster: 'c', service: 's', commit: '3f2c1ab', taskDefinitionArn: 'arn:td:4' })).toEqual({
    cluster: 'c',
    service: 's',
    commit: '3f2c1ab',
    taskDefinition: 'arn:td:4',
  });
});

describe('buildspec-image.yml: the repository has immutable tags, so a commit released again reuses its image', () => {
  /** The buildspec's commands in order (pre_build, then build), as CodeBuild 0.2 runs them: one shell. */
  const commands = (): string[] => {
    const lines = fs.readFileSync(path.join(APP, 'buildspec-image.yml'), 'utf8').split('\n');
    const out: string[] = [];
    let inCommands = false;
    for (const line of lines) {
      if (/^\s+commands:\s*$/.test(line)) inCommands = true;
      else if (/^\S/.test(line) || /^\s{2}\w+:/.test(line)) inCommands = false;
      else if (inCommands && /^\s+- /.test(line)) out.push(line.replace(/^\s+- /, ''));
    }
    return out;
  };

  /** Runs the commands with fake aws and docker on PATH; describe-images answers as `lookup` says. */
  function build(lookup: 'found' | 'not-found' | 'denied'): { code: number; docker: string[]; image?: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'buildspec-'));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(dir, 'docker.log');
    const answer = {
      found: 'echo "{\\"imageDetails\\":[{}]}"; exit 0',
      'not-found':
        'echo "An error occurred (ImageNotFoundException) when calling the DescribeImages operation" >&2; exit 254',
      denied:
        'echo "An error occurred (AccessDeniedException) when calling the DescribeImages operation" >&2; exit 254',
    }[lookup];
    fs.writeFileSync(
      path.join(bin, 'aws'),
      `#!/bin/sh\nif [ "$2" = describe-images ]; then ${answer}; fi\necho token\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\necho "$@" >> ${log}\n`, { mode: 0o755 });
    let code = 0;
    try {
      execFileSync('bash', ['-e', '-c', commands().join('\n')], {
        cwd: dir,
        stdio: 'pipe',
        env: {
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          REPOSITORY_URI: '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app',
          COMMIT_ID: '3f2c1ab',
        },
      });
    } catch (error) {
      code = (error as { status?: number }).status ?? 1;
    }
    const docker = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    const imageFile = path.join(dir, 'image.json');
    const image = fs.existsSync(imageFile)
      ? (JSON.parse(fs.readFileSync(imageFile, 'utf8')) as { image: string }).image
      : undefined;
    return { code, docker, image };
  }

  const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:3f2c1ab';

  test('a new commit is built and pushed', () => {
    const result = build('not-found');
    expect(result.code).toBe(0);
    expect(result.docker).toEqual([expect.stringMatching(/^login /), `build -t ${IMAGE} .`, `push ${IMAGE}`]);
    expect(result.image).toBe(IMAGE);
  });

  test('a commit whose image exists is not pushed again (the push would fail on the immutable tag)', () => {
    const result = build('found');
    expect(result).toEqual({ code: 0, docker: [], image: IMAGE });
  });

  test('any other lookup error fails the build instead of guessing', () => {
    const result = build('denied');
    expect(result.code).not.toBe(0);
    expect(result.docker).toEqual([]);
    expect(result.image).toBeUndefined();
  });
});
