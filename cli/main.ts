/**
 * The `bluegreen` CLI: starts the blue/green state machines of a deployed ecs-bluegreen stack and follows them,
 * answers the swap and clean-up approvals (task-token waits or the pipeline's manual approvals), and shows what runs
 * where. `runCli` is the whole program with its I/O passed in (tests call it in-process); cli/bin/bluegreen.js runs it
 * on the real process.
 */
import {
  BAKE_SECONDS,
  COMMIT_PATTERN,
  HEALTH_TIMEOUT_SECONDS,
  TEST_SCALE_PERCENT,
  parseTrafficShiftValue,
  trafficShiftProblems,
  type TrafficShift,
} from '../contract';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { checkEndpointUrl, Context, DEFAULT_STACK, type CliIo, type GlobalOptions } from './context';
import { EXIT, EXIT_CODES_HELP, UsageError, type ExitCode } from './exit-codes';
import { checkExecutionArn, type MachineKind } from './machines';
import { PHASES } from './phases';

const REJECT_NEEDS_STAGE =
  'reject needs --stage NAME, the approval to reject (at ApproveSwap it starts abort, at ApproveCleanUp rollback).';

/** Command modules load on use, so `--help` and usage errors do not pay for the AWS SDK clients. */
function load<T>(path: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy CommonJS load
  return require(path) as T;
}

/** The package's version: package.json is next to cli/ in the repository, next to dist/ in the published package. */
function packageVersion(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- node's own modules, loaded on use
  const { existsSync } = require('fs') as typeof import('fs');
  const inRepository = existsSync(`${__dirname}/../package.json`);
  return load<{ version: string }>(inRepository ? '../package.json' : '../../package.json').version;
}

const positiveInt =
  (what: string, min = 1, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${what} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };

/** Turns a usage error of a parser into commander's (one line, exit 2). */
const parser =
  <T>(check: (value: string) => T) =>
  (value: string): T => {
    try {
      return check(value);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };

const commitParser = parser((value: string): string => {
  if (!COMMIT_PATTERN.test(value)) {
    throw new Error(`--commit must be 7-40 hexadecimal characters (a git commit id such as 3f2c1ab), not '${value}'.`);
  }
  return value;
});

/** A CloudFormation stack name (a letter, then letters, digits and hyphens, up to 128) or a stack ARN. */
const stackParser = parser((value: string): string => {
  if (!/^[A-Za-z][-A-Za-z0-9]{0,127}$/.test(value) && !/^arn:aws[a-z-]*:cloudformation:/.test(value)) {
    throw new Error(
      `--stack must be a stack name (a letter, then letters, digits and hyphens) or a stack ARN, not '${value}'.`,
    );
  }
  return value;
});

/** An AWS region name such as us-east-1 or us-gov-west-1. */
const regionParser = parser((value: string): string => {
  if (!/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(value)) {
    throw new Error(`--region must be an AWS region such as us-east-1, not '${value}'.`);
  }
  return value;
});

/** `status --watch --interval`: whole seconds (a poll reads a dozen APIs; faster would only meet throttling). */
const WATCH_INTERVAL = { min: 1, max: 3600, default: 2 } as const;
const intervalParser = parser((value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < WATCH_INTERVAL.min || n > WATCH_INTERVAL.max) {
    throw new Error(
      `--interval must be whole seconds from ${WATCH_INTERVAL.min} to ${WATCH_INTERVAL.max} (e.g. --interval 5), not '${value}'.`,
    );
  }
  return n;
});

/**
 * swap's `--canary P:D`, `--linear P:D` and `--steps P:D,P:D…` (D: seconds, or with s, m or h): the strategy, checked
 * by the contract's rules (contract/traffic-shift.ts) so a bad value is a usage error (exit 2) naming the flag and
 * the fix, never a failed execution.
 */
const shiftParser = (type: 'canary' | 'linear' | 'steps') =>
  parser((value: string): TrafficShift => {
    const flag = `--${type}`;
    const form =
      type === 'steps' ? 'PERCENT:DURATION,… (e.g. --steps 5:1m,25:5m)' : `PERCENT:DURATION (e.g. ${flag} 10:5m)`;
    const parsed = parseTrafficShiftValue(type, value);
    if ('problem' in parsed) throw new Error(`${flag} '${value}' ${parsed.problem}.`);
    const problem = trafficShiftProblems(parsed, 'trafficShift')[0];
    if (problem !== undefined) {
      // The contract names the input field; the CLI user typed the flag.
      const what = problem.replace(
        /^trafficShift(\.steps\[\d+\])?\.(percent|intervalSeconds|seconds|steps)/,
        (_, step: string | undefined, field: string) =>
          `${flag}${step ? ` step ${Number(/\d+/.exec(step)?.[0]) + 1}` : ''} ${field === 'percent' ? 'percent' : field === 'steps' ? 'steps' : 'duration (seconds)'}`,
      );
      throw new Error(`${what} Give ${form}.`);
    }
    return parsed;
  });

const endpointParser = parser((value: string): string => checkEndpointUrl(value, '--endpoint-url'));

const HELP_FOOTER = `
Examples:
  bluegreen deploy --image 123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-app:3f2c1ab
  bluegreen status
  bluegreen swap && bluegreen cleanup
  bluegreen --local deploy --image local/demo-app:orange --commit abc1234

Results go to stdout, progress and errors to stderr. The progress is one line per step (checking input, taking the
lease, …; --verbose: per state entered), with a live line under them on a terminal; --json: one JSON object per
state entered.
Ctrl-C stops following but not the execution; resume with 'bluegreen watch ARN'.

${EXIT_CODES_HELP}
`;

/** An ECS service name: 1-255 letters, digits, hyphens and underscores, starting with a letter or digit. */
function serviceParser(value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(value)) {
    throw new InvalidArgumentError(
      `--service must be an ECS service name (letters, digits, hyphens and underscores), not '${value}'.`,
    );
  }
  return value;
}

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: ExitCode = EXIT.ok;
  const program = new Command()
    .name('bluegreen')
    .description('Blue/green deployments for Amazon ECS with the ecs-bluegreen Step Functions state machines.')
    .option('--stack <name>', 'CloudFormation stack to use', stackParser, DEFAULT_STACK)
    .option('--service <name>', 'the service to act on, in a stack with several (default: its only one)', serviceParser)
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile)', regionParser)
    .option('--profile <name>', 'AWS profile from ~/.aws/config')
    .option('--endpoint-url <url>', 'AWS API endpoint (AWS_ENDPOINT_URL does the same)', endpointParser)
    .option('--local', 'use local AWS (npm start -- --keep): http://127.0.0.1:4566 with dummy credentials')
    .option('--json', 'machine-readable: a JSON document on stdout, JSON event lines on stderr')
    .option('--verbose', 'while following, log every state entered (default: one line per step)')
    .option('--no-wait', 'start the execution, print its ARN and return without following it')
    .option(
      '--timeout <seconds>',
      'stop following after this long (exit 3; the execution keeps running)',
      positiveInt('--timeout'),
    )
    .addOption(
      new Option('--poll-interval <ms>', 'milliseconds between polls')
        .argParser(positiveInt('--poll-interval', 10))
        .hideHelp(),
    )
    .version(packageVersion(), '--version', 'print the version')
    .addHelpText('after', HELP_FOOTER)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line: commander puts its "(Did you mean …?)" suggestion on a line of its own.
      outputError: (text, write) =>
        write(
          `${text
            .replace(/^error: /, 'bluegreen: ')
            .replace(/\n\(Did you mean/, ' (Did you mean')
            .trimEnd()}\n`,
        ),
    });

  const context = (command: Command): Context => new Context(command.optsWithGlobals<GlobalOptions>(), io);
  // io.parseOnly (tests of printed hints): every check of the command line runs, no AWS call is made.
  const startAction = (machine: MachineKind) => async (_opts: unknown, command: Command) => {
    const ctx = context(command);
    if (io.parseOnly) return;
    const { startCommand } = load<typeof import('./commands/run')>('./commands/run');
    code = await startCommand(ctx, machine);
  };

  program
    .command('deploy')
    .description('start deploy-green and follow it; on success print the test URL')
    .option('--image <uri>', 'container image to deploy (a new task definition revision is registered)')
    .option('--task-definition <arn>', 'registered task definition to deploy instead of --image')
    .option(
      '--commit <sha>',
      'commit being deployed, 7-40 hex characters (default: git rev-parse --short HEAD)',
      commitParser,
    )
    .option(
      '--health-timeout <seconds>',
      `how long green may take to become healthy (${HEALTH_TIMEOUT_SECONDS.min}-${HEALTH_TIMEOUT_SECONDS.max})`,
      positiveInt('--health-timeout', HEALTH_TIMEOUT_SECONDS.min, HEALTH_TIMEOUT_SECONDS.max),
    )
    .option(
      '--test-scale <percent>',
      `green's size while under test, in percent of the service's desired count (${TEST_SCALE_PERCENT.min}-${TEST_SCALE_PERCENT.max}; default: the stack's, ${TEST_SCALE_PERCENT.default}); swap scales it to 100 before production moves`,
      positiveInt('--test-scale', TEST_SCALE_PERCENT.min, TEST_SCALE_PERCENT.max),
    )
    .action(
      async (
        opts: {
          image?: string;
          taskDefinition?: string;
          commit?: string;
          healthTimeout?: number;
          testScale?: number;
        },
        command: Command,
      ) => {
        const { deployInput, startCommand } = load<typeof import('./commands/run')>('./commands/run');
        const ctx = context(command);
        const input = deployInput(opts, io.cwd);
        if (io.parseOnly) return;
        code = await startCommand(ctx, 'deploy-green', input);
      },
    );
  program
    .command('swap')
    .alias('promote')
    .description(
      'start swap (production → green, then watch green for the bake time) and follow it; promote is the same',
    )
    .option(
      '--bake-seconds <seconds>',
      `how long to watch green under production traffic before the swap counts (default: the stack’s, ${BAKE_SECONDS.default})`,
      positiveInt('--bake-seconds', BAKE_SECONDS.min, BAKE_SECONDS.max),
    )
    .option('--full', 'promote fully at once: no bake (--bake-seconds 0)')
    .option(
      '--canary <percent:duration>',
      "shift PERCENT of production to green for DURATION (e.g. 10:5m; s, m or h), then all of it (default: the stack's strategy)",
      shiftParser('canary'),
    )
    .option(
      '--linear <percent:duration>',
      'shift PERCENT more of production to green every DURATION (e.g. 10:1m) until all of it',
      shiftParser('linear'),
    )
    .option(
      '--steps <percent:duration,...>',
      'shift production to green in these steps, each held for its duration (e.g. 5:1m,25:5m), then all of it',
      shiftParser('steps'),
    )
    .option(
      '--allow-unhealthy-blue',
      'swap even though blue (what production serves, and would go back to) has no healthy target: to replace a broken production',
    )
    .action(
      async (
        opts: {
          bakeSeconds?: number;
          full?: boolean;
          canary?: TrafficShift;
          linear?: TrafficShift;
          steps?: TrafficShift;
          allowUnhealthyBlue?: boolean;
        },
        command: Command,
      ) => {
        if (opts.full && opts.bakeSeconds !== undefined) {
          throw new UsageError('Give either --full (no bake) or --bake-seconds, not both.');
        }
        const shifts = [opts.canary, opts.linear, opts.steps].filter((s) => s !== undefined);
        if (shifts.length > 1) {
          throw new UsageError('Give at most one of --canary, --linear and --steps (one traffic-shifting strategy).');
        }
        if (opts.full && shifts.length > 0) {
          throw new UsageError('Give either --full (all at once, no bake) or a traffic-shifting strategy, not both.');
        }
        const ctx = context(command);
        if (io.parseOnly) return;
        const { startCommand } = load<typeof import('./commands/run')>('./commands/run');
        const bakeSeconds = opts.full ? 0 : opts.bakeSeconds;
        const trafficShift: TrafficShift | undefined = opts.full ? { type: 'all-at-once' } : shifts[0];
        code = await startCommand(ctx, 'swap', {
          ...(bakeSeconds !== undefined && { bakeSeconds }),
          ...(trafficShift !== undefined && { trafficShift }),
          ...(opts.allowUnhealthyBlue === true && { allowUnhealthyBlue: true }),
        });
      },
    );
  program
    .command('cleanup')
    .description('start clean-up (remove the old version) and follow it')
    .action(startAction('clean-up'));
  program
    .command('rollback')
    .description('start rollback (production → previous version) and follow it')
    .action(startAction('rollback'));
  program
    .command('abort')
    .description('start abort (discard green before a swap) and follow it')
    .action(startAction('abort'));
  for (const [name, decision, description, stageHelp] of [
    [
      'approve',
      'Approved',
      "approve the pending swap or clean-up approval (ApproveSwap or ApproveCleanUp), of either kind (a task-token wait or the pipeline's); says which it answered",
      'the approval to answer (ApproveSwap or ApproveCleanUp); refused when it is not the pending one',
    ],
    [
      'reject',
      'Rejected',
      'reject the pending swap or clean-up approval named by --stage, of either kind: at ApproveSwap that starts abort, at ApproveCleanUp rollback',
      'required: the approval to reject (ApproveSwap or ApproveCleanUp)',
    ],
  ] as const) {
    program
      .command(name)
      .description(description)
      .option('--comment <text>', 'summary recorded with the answer')
      .option('--stage <name>', stageHelp)
      .action(async (opts: { comment?: string; stage?: string }, command: Command) => {
        const ctx = context(command);
        // Rejecting is destructive (abort or rollback), so it never answers "whatever is pending": say which. Checked
        // here for a pasted hint; a real run also names the pending stage (commands/approve.ts approvalRefusal).
        if (decision === 'Rejected' && opts.stage === undefined && io.parseOnly) {
          throw new UsageError(REJECT_NEEDS_STAGE);
        }
        if (io.parseOnly) return;
        const { approveCommand } = load<typeof import('./commands/approve')>('./commands/approve');
        code = await approveCommand(ctx, decision, opts);
      });
  }
  program
    .command('status')
    .description(
      'the whole deployment: phase, each version, what production and test serve, lease, approvals, bake, next commands',
    )
    .option('--watch', 'keep showing it: redrawn in place on a terminal, printed again when it changes elsewhere')
    .option(
      '--interval <seconds>',
      `with --watch: seconds between readings (${WATCH_INTERVAL.min}-${WATCH_INTERVAL.max}, default ${WATCH_INTERVAL.default})`,
      intervalParser,
    )
    .action(async (opts: { watch?: boolean; interval?: number }, command: Command) => {
      if (opts.interval !== undefined && !opts.watch) {
        throw new UsageError('--interval applies only with --watch: add --watch, or drop --interval.');
      }
      const ctx = context(command);
      if (io.parseOnly) return;
      const { statusCommand } = load<typeof import('./commands/status')>('./commands/status');
      code = await statusCommand(ctx, opts);
    });
  program
    .command('history')
    .description('the last executions of each state machine with duration and outcome')
    .option('-n, --number <n>', 'executions per state machine', positiveInt('-n', 1, 1000), 5)
    .option('--releases', 'the releases instead (deploy, then swap): live first, with commit, image, outcome')
    .action(async (opts: { number: number; releases?: boolean }, command: Command) => {
      const ctx = context(command);
      if (io.parseOnly) return;
      const { historyCommand, releasesCommand } = load<typeof import('./commands/history')>('./commands/history');
      code = opts.releases ? await releasesCommand(ctx) : await historyCommand(ctx, opts.number);
    });
  program
    .command('undo')
    .description('redeploy an earlier release as green (default: the one before the live one); then swap or abort')
    .option('--to <n>', 'the release number in history --releases (1 is live)', positiveInt('--to'))
    .option(
      '--health-timeout <seconds>',
      `how long green may take to become healthy (${HEALTH_TIMEOUT_SECONDS.min}-${HEALTH_TIMEOUT_SECONDS.max})`,
      positiveInt('--health-timeout', HEALTH_TIMEOUT_SECONDS.min, HEALTH_TIMEOUT_SECONDS.max),
    )
    .action(async (opts: { to?: number; healthTimeout?: number }, command: Command) => {
      const ctx = context(command);
      if (io.parseOnly) return;
      const { undoCommand } = load<typeof import('./commands/undo')>('./commands/undo');
      code = await undoCommand(ctx, opts);
    });
  program
    .command('watch')
    .description('follow a running execution (e.g. after Ctrl-C)')
    .argument('<execution-arn>', 'the execution ARN', parser(checkExecutionArn))
    .action(async (arn: string, _opts: unknown, command: Command) => {
      const ctx = context(command);
      if (io.parseOnly) return;
      const { watchCommand } = load<typeof import('./commands/run')>('./commands/run');
      code = await watchCommand(ctx, arn);
    });
  program
    .command('wait')
    .description(
      'follow whatever execution of this stack runs now (none: exit 0), or wait until the deployment record reaches --phase',
    )
    .addOption(
      new Option('--phase <phase>', 'wait until the deployment record is in this phase (see status)').choices(PHASES),
    )
    .option(
      '--for-start <seconds>',
      'when nothing runs, wait this long for an execution to start (exit 3 if none does)',
      positiveInt('--for-start'),
    )
    .action(async (opts: { phase?: string; forStart?: number }, command: Command) => {
      if (opts.phase !== undefined && opts.forStart !== undefined) {
        throw new UsageError('Give either --phase or --for-start, not both.');
      }
      const ctx = context(command);
      if (io.parseOnly) return;
      const { waitCommand } = load<typeof import('./commands/wait')>('./commands/wait');
      code = await waitCommand(ctx, opts);
    });

  try {
    if (argv.length === 0) {
      program.outputHelp({ error: true });
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`bluegreen: ${error.message}\n`);
      return EXIT.usage;
    }
    const err = error as { name?: string; message?: string; code?: string };
    const detail = err.message || err.code || String(error);
    io.stderr.write(`bluegreen: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${detail.split('\n')[0]}\n`);
    return EXIT.failed;
  }
}
