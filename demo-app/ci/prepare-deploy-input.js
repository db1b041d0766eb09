#!/usr/bin/env node
// Registers a new revision of the service's task definition with the freshly built image, and writes the
// deploy-green input. The AWS CLI is called with argument arrays (no shell), and JSON is built with JSON.stringify.
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');

/** Fields of DescribeTaskDefinition output that RegisterTaskDefinition accepts back. */
const REGISTER_FIELDS = [
  'family',
  'taskRoleArn',
  'executionRoleArn',
  'networkMode',
  'containerDefinitions',
  'volumes',
  'placementConstraints',
  'requiresCompatibilities',
  'cpu',
  'memory',
  'pidMode',
  'ipcMode',
  'proxyConfiguration',
  'inferenceAccelerators',
  'ephemeralStorage',
  'runtimePlatform',
];

/** The register-task-definition input: the current revision with `image` on the container named `containerName`. */
function nextRevision(current, image, containerName) {
  const input = {};
  for (const field of REGISTER_FIELDS) if (current[field] !== undefined) input[field] = current[field];
  const containers = input.containerDefinitions || [];
  const target = containerName
    ? containers.find((c) => c.name === containerName)
    : containers.find((c) => c.essential !== false);
  if (!target) {
    throw new Error(
      `No container ${containerName ? `named '${containerName}'` : 'marked essential'} in task definition ${current.family}.`,
    );
  }
  input.containerDefinitions = containers.map((c) => (c === target ? { ...c, image } : c));
  return input;
}

function deployInput({ cluster, service, commit, taskDefinitionArn }) {
  return { cluster, service, commit, taskDefinition: taskDefinitionArn };
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const required of ['cluster', 'service', 'commit', 'image-file', 'out']) {
    if (!args[required]) throw new Error(`--${required} is required`);
  }
  return args;
}

function aws(args) {
  return JSON.parse(execFileSync('aws', [...args, '--output', 'json'], { encoding: 'utf8' }));
}

function main(argv) {
  const args = parseArgs(argv);
  const { image } = JSON.parse(fs.readFileSync(args['image-file'], 'utf8'));
  const described = aws(['ecs', 'describe-services', '--cluster', args.cluster, '--services', args.service]);
  const serviceTaskSets = described.services?.[0]?.taskSets ?? [];
  const primary = serviceTaskSets.find((t) => t.status === 'PRIMARY');
  // The family template: the primary task set's definition, or the latest revision of the stack's family.
  const family = primary ? primary.taskDefinition : process.env.TASK_DEFINITION_FAMILY;
  if (!family)
    throw new Error('No PRIMARY task set and no TASK_DEFINITION_FAMILY: cannot find the task definition to copy.');
  const current = aws(['ecs', 'describe-task-definition', '--task-definition', family]).taskDefinition;
  const registered = aws([
    'ecs',
    'register-task-definition',
    '--cli-input-json',
    JSON.stringify(nextRevision(current, image, process.env.CONTAINER_NAME)),
  ]).taskDefinition;
  const input = deployInput({
    cluster: args.cluster,
    service: args.service,
    commit: args.commit,
    taskDefinitionArn: registered.taskDefinitionArn,
  });
  fs.writeFileSync(args.out, JSON.stringify(input, null, 2));
  console.log(`Registered ${registered.taskDefinitionArn}; wrote ${args.out}`);
}

module.exports = { nextRevision, deployInput, REGISTER_FIELDS };
if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exitCode = 1;
  }
}
