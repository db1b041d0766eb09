/**
 * Local Lambda: the functions local CloudFormation created with local code (and any a test registers), invocable
 * through the Lambda API's Invoke over its real wire protocol (restJson1, wire.ts) on local AWS's one endpoint.
 * local/aws/server.ts routes a request here by its SigV4 signing name (`lambda`) and runs it like any other call
 * (authorize hook, fault hook, call log) between decoding and encoding.
 */
import type { RestService } from '../aws/server';
import { AwsError, type CallContext } from '../aws/service';
import type { LocalLambda } from '../stepfunctions/lambda-task';
import { checkConstraints, invoke } from './invoke-operation';
import type { FunctionRecord, InvokeInput, InvokeOutput } from './model';
import { FunctionStore } from './store';
import { decodeRequest, encodeError, encodeInvokeOutput, isLambdaRequest } from './wire';

export interface LambdaServiceOptions {
  readonly region: string;
  readonly accountId: string;
}

export interface LocalLambdaService extends RestService {
  /** Makes `name` invocable with this code (a second call replaces the code, as an update of the function does). */
  register(name: string, handler: LocalLambda): FunctionRecord;
  /** Removes the function; Invoke answers ResourceNotFoundException for it from then on. False if it was unknown. */
  deregister(name: string): boolean;
  /** The registered functions, by name. */
  functions(): Array<Pick<FunctionRecord, 'name' | 'arn'>>;
  /** Resolves once every Event invocation started so far has finished (whatever its outcome). */
  settled(): Promise<void>;
  /** Starts no more Event invocations; those running are left to finish. */
  close(): Promise<void>;
}

export function createLambdaService(options: LambdaServiceOptions): LocalLambdaService {
  const store = new FunctionStore(options.region, options.accountId);
  const running = new Set<Promise<void>>();
  let closed = false;
  const runInBackground = (run: () => Promise<void>): void => {
    if (closed) return;
    // After the caller has its 202: the handler starts on a later turn of the event loop, never inside the call.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => (closed ? undefined : run()))
      // An Event invocation's failure goes nowhere (no retries, destinations or dead-letter queue locally).
      .catch(() => undefined)
      .finally(() => running.delete(done));
    running.add(done);
  };
  return {
    serviceId: 'Lambda',
    operations: new Set(['Invoke']),
    invoke(operation: string, input: Record<string, unknown>, ctx: CallContext): Promise<unknown> {
      if (operation !== 'Invoke') {
        return Promise.reject(new AwsError('UnknownOperationException', `Unknown operation ${operation}`, 400));
      }
      return invoke(input as unknown as InvokeInput, { store, runInBackground }, ctx);
    },
    handles: isLambdaRequest,
    decode: decodeRequest,
    validate: (_operation, input) => checkConstraints(input as unknown as InvokeInput),
    encodeResult: (_operation, result, requestId) => encodeInvokeOutput(result as InvokeOutput, requestId),
    encodeError,
    register: (name, handler) => store.put(name, handler),
    deregister: (name) => store.delete(name),
    functions: () => store.list().map(({ name, arn }) => ({ name, arn })),
    async settled() {
      while (running.size > 0) await Promise.all(running);
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}

/**
 * Local Lambda by API endpoint, so local CloudFormation (which knows only the endpoint of the local AWS it deploys
 * into) registers the functions it creates with the Lambda of that local AWS. local-aws.ts registers on start and
 * unregisters on close.
 */
const byEndpoint = new Map<string, LocalLambdaService>();

export function registerLocalLambda(endpoint: string, service: LocalLambdaService): () => void {
  byEndpoint.set(endpoint, service);
  return () => {
    if (byEndpoint.get(endpoint) === service) byEndpoint.delete(endpoint);
  };
}

export function localLambdaAt(endpoint: string): LocalLambdaService | undefined {
  return byEndpoint.get(endpoint);
}
