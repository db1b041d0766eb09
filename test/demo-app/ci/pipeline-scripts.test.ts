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
