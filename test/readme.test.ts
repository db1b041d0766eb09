import * as fs from 'fs';
import * as path from 'path';
import { imageBehavioursMarkdown } from '../local/dataplane/images-markdown';

const root = path.join(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

test('.ci/run calls exactly the README test command', () => {
  const testCommand = /\| tests \| `([^`]+)` \|/.exec(readme)?.[1];
  expect(testCommand).toBe('npm ci && npm test');
  const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8');
  expect(ci.split('\n').filter((line) => line && !line.startsWith('#') && !/^(set|cd) /.test(line))).toEqual([
    testCommand,
  ]);
});

test('the README image table is the one local AWS uses', () => {
  expect(readme).toContain(imageBehavioursMarkdown().trim());
});
