/**
 * What every command needs: the global options, the I/O streams, SDK client settings (region, profile, endpoint,
 * local credentials), a credentials check that runs before any AWS call, and the stack's outputs from
 * CloudFormation DescribeStacks.
 */
import { execFileSync } from 'node:child_process';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { outputPrefixOf, SERVICE_OUTPUT_KEYS } from '../contract';
import { UsageError } from './exit-codes';
import { commandPrefix, hint, type Hints } from './hints';
import { MACHINE_OUTPUT, MACHINES, type MachineKind } from './machines';
import type { PrinterMode, Writer } from './printer';

type CloudFormationModule = typeof import('@aws-sdk/client-cloudformation');
/** Loaded on use, so `--help` and usage errors do not load the SDK. */
function cloudFormationModule(): CloudFormationModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy CommonJS load
  return require('@aws-sdk/client-cloudformation') as CloudFormationModule;
}

export const LOCAL_ENDPOINT = 'http://127.0.0.1:4566';
export const DEFAULT_STACK = 'EcsBlueGreen';

export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** Whether stderr is a terminal (live view) or not (plain event log). */
  readonly stderrIsTTY: boolean;
  /** Terminal width, for the live line. */
  readonly columns?: number;
  /**
   * Set when stdout is a terminal that may be redrawn (live-view.ts liveViewWanted: not CI, not a dumb terminal):
   * `status --watch` then redraws its picture in place; otherwise it prints it again, timestamped, when it changes.
   */
  readonly stdoutTerminal?: { readonly columns?: number; readonly rows?: number };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Aborted on Ctrl-C: stop following (the execution keeps running). */
  readonly signal?: AbortSignal;
  /** Check the command line only (every usage error as usual), then return 0 without any AWS call (tests). */
  readonly parseOnly?: boolean;
}

export interface GlobalOptions {
  readonly stack: string;
  /** Which service, in a stack with several controllers (contract/outputs.ts); the only one by default. */
  readonly service?: string;
  readonly region?: string;
  readonly profile?: string;
  readonly endpointUrl?: string;
  readonly local?: boolean;
  readonly json?: boolean;
  /** Every state entered in the follow log, not one line per step. */
  readonly verbose?: boolean;
  readonly wait: boolean;
  /** Seconds. */
  readonly timeout?: number;
  /** Milliseconds between polls (hidden option). */
  readonly pollInterval?: number;
}

export interface ClientSettings {
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface StackInfo {
  readonly name: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly productionUrl: string;
  readonly testUrl: string;
  readonly cluster: string;
  readonly service: string;
  readonly machines: Readonly<Record<MachineKind, string>>;
  readonly pipelineName: string | undefined;
  /**
   * DynamoDB table of the lease and deployment record (one item per service, keyed by the service ARN); absent on a
   * stack deployed before the controller kept one.
   */
  readonly deploymentTable: string | undefined;
  /** The ECR repository the pipeline pushes `<uri>:<commit>` to (absent on a stack without one). */
  readonly imageRepositoryUri: string | undefined;
  /** The controller-owned production and test rules (absent on a stack deployed before they were outputs). */
  readonly rules: { readonly production: string; readonly test: string } | undefined;
}

/** `git rev-parse --short HEAD` in `cwd`, or undefined outside a git repository. */
export function gitCommit(cwd: string): string | undefined {
  try {
    const out = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 5000,
    });
    const commit = out.toString('utf8').trim();
    return commit === '' ? undefined : commit;
  } catch {
    return undefined;
  }
}

/** An http(s) URL, or a usage error naming where it came from. */
export function checkEndpointUrl(value: string, from: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${from} must be an http:// or https:// URL such as ${LOCAL_ENDPOINT}, not '${value}'.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${from} must be an http:// or https:// URL such as ${LOCAL_ENDPOINT}, not '${value}'.`);
  }
  return value;
}

/** Whether an endpoint URL is on this machine (local AWS): 127.0.0.1 (any 127.x), localhost or ::1. */
export function isLocalEndpoint(endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  try {
    const host = new URL(endpoint).hostname.toLowerCase();
    return host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '[::1]';
  } catch {
    return false;
  }
}

export class Context {
  readonly settings: ClientSettings;
  readonly mode: PrinterMode;
  /** How every printed command starts: `bluegreen`, `npx bluegreen --local`, … (hints.ts). */
  readonly prefix: string;
  private credentialsChecked = false;

  constructor(
    readonly options: GlobalOptions,
    readonly io: CliIo,
  ) {
    const fromEnv = io.env.AWS_ENDPOINT_URL;
    if (options.endpointUrl === undefined && !options.local && fromEnv) checkEndpointUrl(fromEnv, 'AWS_ENDPOINT_URL');
    const endpoint = options.endpointUrl ?? (options.local ? LOCAL_ENDPOINT : fromEnv);
    this.settings = {
      endpoint: endpoint === '' ? undefined : endpoint,
      region:
        options.region ?? io.env.AWS_REGION ?? io.env.AWS_DEFAULT_REGION ?? (options.local ? 'us-east-1' : undefined),
      profile: options.local ? undefined : options.profile,
      credentials: options.local ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined,
    };
    this.mode = options.json ? 'json' : io.stderrIsTTY ? 'tty' : 'plain';
    this.prefix = commandPrefix({ ...options, defaultStack: DEFAULT_STACK }, io.env);
  }

  /**
   * What hints are built from. With the stack known, a `deploy` hint deploys this checkout's commit from the stack's
   * image repository (`<ImageRepositoryUri>:<git rev-parse --short HEAD>`, as the pipeline builds it).
   */
  /**
   * Whether the target is local AWS (`--local`, or an endpoint on 127.0.0.1/localhost): its timestamps are emulated
   * and run faster than the wall clock, so durations computed from them are labelled so and never mixed with it.
   */
  get emulatedClock(): boolean {
    return isLocalEndpoint(this.settings.endpoint);
  }

  hints(stack?: StackInfo): Hints {
    const commit = stack?.imageRepositoryUri !== undefined ? gitCommit(this.io.cwd) : undefined;
    return {
      prefix: this.prefix,
      ...(stack?.imageRepositoryUri !== undefined &&
        commit !== undefined && { deployArgs: ['--image', `${stack.imageRepositoryUri}:${commit}`] }),
    };
  }

  /** A command line to print for the user to run (the prefix, then `args`, quoted for the shell). */
  command(...args: readonly string[]): string {
    return hint({ prefix: this.prefix }, ...args);
  }

  /** SDK client configuration (all clients share it). */
  config(): Record<string, unknown> {
    const { region, profile, endpoint, credentials } = this.settings;
    return {
      ...(region !== undefined && { region }),
      ...(profile !== undefined && { profile }),
      ...(endpoint !== undefined && { endpoint }),
      ...(credentials !== undefined && { credentials }),
    };
  }

  where(): string {
    const region = this.settings.region ?? 'the default region';
    return this.settings.endpoint ? `${region} at ${this.settings.endpoint}` : region;
  }

  /** Fails with a usage error when no region or no credentials can be found (never for --local). */
  async checkCredentials(client: {
    config: { region: () => Promise<string>; credentials: () => Promise<unknown> };
  }): Promise<void> {
    if (this.credentialsChecked) return;
    try {
      await client.config.region();
    } catch {
      throw new UsageError('No AWS region: pass --region, set AWS_REGION, or use --local for local AWS.');
    }
    try {
      const credentials = (await client.config.credentials()) as { accessKeyId?: string } | undefined;
      if (!credentials?.accessKeyId) throw new Error('empty credentials');
    } catch (error) {
      const detail = error instanceof Error ? ` (${error.message.split('\n')[0]})` : '';
      throw new UsageError(
        `No AWS credentials${detail}: set AWS_PROFILE or pass --profile, run 'aws configure' or 'aws sso login', or use --local for local AWS.`,
      );
    }
    this.credentialsChecked = true;
  }

  cloudFormation(): CloudFormationClient {
    return new (cloudFormationModule().CloudFormationClient)(this.config());
  }

  /** The stack's outputs; an unknown stack or a stack without the outputs the CLI needs is a usage error. */
  async stack(): Promise<StackInfo> {
    const { DescribeStacksCommand } = cloudFormationModule();
    const cfn = this.cloudFormation();
    await this.checkCredentials(cfn);
    const name = this.options.stack;
    let outputs: Record<string, string>;
    try {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      outputs = Object.fromEntries(
        (Stacks?.[0]?.Outputs ?? []).flatMap((o) =>
          o.OutputKey && o.OutputValue !== undefined ? [[o.OutputKey, o.OutputValue]] : [],
        ),
      );
    } catch (error) {
      const err = error as { name?: string; message?: string };
      if (err.name === 'ValidationError' && /does not exist/.test(err.message ?? '')) {
        throw new UsageError(
          `Stack ${name} does not exist in ${this.where()}: deploy it with 'npx cdk deploy', or pass --stack, --region or --profile.`,
        );
      }
      const code = (error as { code?: string }).code;
      if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        const local = this.options.local ? ' Is local AWS running (npm start -- --keep)?' : '';
        throw new UsageError(`Cannot reach AWS at ${this.settings.endpoint ?? this.where()} (${code}).${local}`);
      }
      throw error;
    } finally {
      cfn.destroy();
    }
    const prefix = this.servicePrefix(name, outputs);
    const need = (key: string): string => {
      const value = outputs[`${prefix}${key}`];
      if (value === undefined) {
        throw new UsageError(
          `Stack ${name} has no output ${prefix}${key}: is it an ecs-bluegreen stack? (--stack picks another)`,
        );
      }
      return value;
    };
    const optional = (key: string): string | undefined => outputs[`${prefix}${key}`];
    const productionRule = optional(SERVICE_OUTPUT_KEYS.productionRule);
    const testRule = optional(SERVICE_OUTPUT_KEYS.testRule);
    return {
      name,
      outputs,
      productionUrl: need(SERVICE_OUTPUT_KEYS.productionUrl),
      testUrl: need(SERVICE_OUTPUT_KEYS.testUrl),
      cluster: need(SERVICE_OUTPUT_KEYS.cluster),
      service: need(SERVICE_OUTPUT_KEYS.service),
      machines: Object.fromEntries(MACHINES.map((m) => [m, need(MACHINE_OUTPUT[m])])) as Record<MachineKind, string>,
      pipelineName: optional(SERVICE_OUTPUT_KEYS.pipeline),
      deploymentTable: optional(SERVICE_OUTPUT_KEYS.deploymentTable),
      imageRepositoryUri: optional(SERVICE_OUTPUT_KEYS.imageRepository),
      rules:
        productionRule !== undefined && testRule !== undefined
          ? { production: productionRule, test: testRule }
          : undefined,
    };
  }

  /**
   * The output prefix of the service the command acts on (contract/outputs.ts): the one `--service` names, or the
   * stack's only one. A stack with several and no `--service` is a usage error listing them.
   */
  private servicePrefix(stack: string, outputs: Readonly<Record<string, string>>): string {
    const services = Object.entries(outputs).flatMap(([key, value]) => {
      const prefix = outputPrefixOf(key);
      return prefix === undefined ? [] : [{ prefix, name: value }];
    });
    const names = services.map((s) => s.name).join(', ');
    const wanted = this.options.service;
    if (wanted !== undefined) {
      const found = services.find((s) => s.name === wanted);
      if (found === undefined) {
        throw new UsageError(
          services.length === 0
            ? `Stack ${stack} has no output ServiceName: is it an ecs-bluegreen stack? (--stack picks another)`
            : `Stack ${stack} has no service '${wanted}': it has ${names}. Pass one of them to --service.`,
        );
      }
      return found.prefix;
    }
    if (services.length > 1) {
      throw new UsageError(
        `Stack ${stack} has ${services.length} services (${names}): pass --service NAME, e.g. --service ${services[0]?.name ?? ''}.`,
      );
    }
    return services[0]?.prefix ?? '';
  }

  out(text: string): void {
    this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
