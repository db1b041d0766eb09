/**
 * A minimal CloudFormation for local AWS: DescribeStacks over the query protocol (version 2010-05-15), answering with
 * the outputs of the stack local AWS deployed (local/deploy/deploy-template.ts registers them here). It lets tools
 * that discover a stack through CloudFormation, such as the `bluegreen` CLI, run unchanged against local AWS.
 * An unknown stack fails as on AWS: `ValidationError`, "Stack with id X does not exist".
 */
import { randomUUID } from 'node:crypto';
import { AwsError, type CallContext, type EmulatedService } from '../aws/service';

/** The name `cdk deploy` gives the stack (infra/lib/create-app.ts STACK_NAME); a test keeps the two equal. */
export const DEFAULT_STACK_NAME = 'EcsBlueGreen';

export interface LocalStackRecord {
  readonly name: string;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface LocalCloudFormation extends EmulatedService {
  /** Records (or replaces) a deployed stack and its outputs. */
  putStack(stack: LocalStackRecord): void;
  stackNames(): string[];
}

interface StoredStack {
  readonly id: string;
  readonly name: string;
  readonly created: Date;
  readonly outputs: Readonly<Record<string, string>>;
}

export function createCloudFormationService(options: { region: string; accountId: string }): LocalCloudFormation {
  const stacks = new Map<string, StoredStack>();
  const describe = (stack: StoredStack) => ({
    StackId: stack.id,
    StackName: stack.name,
    CreationTime: stack.created,
    StackStatus: 'CREATE_COMPLETE',
    DisableRollback: false,
    Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
  });
  const find = (nameOrId: string): StoredStack | undefined =>
    stacks.get(nameOrId) ?? [...stacks.values()].find((s) => s.id === nameOrId);
  return {
    serviceId: 'CloudFormation',
    operations: new Set(['DescribeStacks']),
    putStack({ name, outputs }) {
      const id = `arn:aws:cloudformation:${options.region}:${options.accountId}:stack/${name}/${randomUUID()}`;
      stacks.set(name, { id, name, created: new Date(), outputs: { ...outputs } });
    },
    stackNames: () => [...stacks.keys()],
    invoke(operation: string, input: Record<string, unknown>, _ctx: CallContext): Promise<unknown> {
      if (operation !== 'DescribeStacks') {
        return Promise.reject(new AwsError('InvalidAction', `Operation ${operation} is not supported`, 400));
      }
      const name = typeof input.StackName === 'string' ? input.StackName : undefined;
      if (name === undefined) return Promise.resolve({ Stacks: [...stacks.values()].map(describe) });
      const stack = find(name);
      if (!stack) return Promise.reject(new AwsError('ValidationError', `Stack with id ${name} does not exist`, 400));
      return Promise.resolve({ Stacks: [describe(stack)] });
    },
  };
}

/**
 * Local CloudFormation by API endpoint, so the deploy step (which knows only the endpoint) can record the stack it
 * deployed in the local AWS it deployed into. local-aws.ts registers on start and unregisters on close.
 */
const byEndpoint = new Map<string, LocalCloudFormation>();

export function registerLocalCloudFormation(endpoint: string, service: LocalCloudFormation): () => void {
  byEndpoint.set(endpoint, service);
  return () => {
    if (byEndpoint.get(endpoint) === service) byEndpoint.delete(endpoint);
  };
}

export function localCloudFormationAt(endpoint: string): LocalCloudFormation | undefined {
  return byEndpoint.get(endpoint);
}
