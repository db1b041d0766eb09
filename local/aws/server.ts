/**
 * Local AWS: one HTTP server on 127.0.0.1 that speaks the real wire protocols (JSON 1.0/1.1 with X-Amz-Target, and the
 * form-encoded query protocol with XML responses), so unmodified SDK v3 clients and the AWS CLI work against it with
 * an endpoint override. It decodes the request, validates it against the SDK's own schema, consults the fault hook,
 * invokes the emulated service and encodes the result or error exactly as AWS would.
 */
import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as zlib from 'node:zlib';
import { PortInUseError } from '../dataplane/types';
import { CallLog } from './call-log';
import type { FaultCall, FaultHook, LostResponse } from './faults';
import { accessKeyFromAuthorization, roleForAccessKey } from './principal';
import { jsonErrorBody, jsonResultBody, queryCompatibleJsonError } from './protocols/json-response';
import { decodeQueryBody } from './protocols/query-request';
import { queryErrorXml, queryResultXml } from './protocols/query-response';
import {
  JSON_SERIALIZATION_ERROR,
  protocolForQueryVersion,
  protocolForTarget,
  SERVICE_PROTOCOLS,
  type ServiceProtocol,
} from './protocols/service-protocols';
import { AwsError, type EmulatedService } from './service';
import { schemaForService } from './validation/service-schemas';
import { validateInput, validationMessage } from './validation/validate';

/**
 * Optional authorization of signed calls (see local/iam/enforce.ts): return an AwsError (AccessDenied) to refuse the
 * call before the service runs it. Called after input validation, only for calls signed as a role.
 */
export type AuthorizeHook = (call: {
  readonly service: string;
  readonly operation: string;
  readonly input: Record<string, unknown>;
  readonly principal: string;
}) => AwsError | undefined;

/**
 * A request to a service AWS speaks a REST protocol for (restJson1: Lambda), which names the operation by method and
 * path rather than by `X-Amz-Target` or `Action`. The service decodes and encodes its own messages (see `RestService`).
 */
export interface RestRequest {
  readonly method: string;
  /** The URL path, still percent-encoded (`/2015-03-31/functions/my-fn/invocations`). */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The service of the SigV4 credential scope (`lambda`), or undefined for an unsigned request. */
  readonly signingName: string | undefined;
}

/** A REST service's answer: status, headers and body exactly as it encodes them. */
export interface RestReply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * An emulated service on a REST protocol. The server routes a request to it when `handles` says so (by signing name
 * or path), then runs the call like any other (authorize hook, faults, call log) between `decode` and `encode`.
 */
export interface RestService extends EmulatedService {
  handles(request: RestRequest): boolean;
  /** The operation and its input; throws AwsError for a request that names no operation of the service. */
  decode(request: RestRequest): { readonly operation: string; readonly input: Record<string, unknown> };
  /** The framework's checks of the decoded input (constraints), before the authorize hook; throws AwsError. */
  validate?(operation: string, input: Record<string, unknown>): void;
  encodeResult(operation: string, result: unknown, requestId: string): RestReply;
  encodeError(error: AwsError, requestId: string): RestReply;
}

export interface LocalAwsOptions {
  /** The command-line option that changes the API port, named in the port-in-use error. @default '--port' */
  readonly portOption?: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly services: readonly EmulatedService[];
  /** Services on a REST protocol (local/lambda), tried before the JSON and query protocols. @default none */
  readonly restServices?: readonly RestService[];
  readonly faults?: FaultHook;
  /** Least-privilege enforcement; without it every call is allowed. */
  readonly authorize?: AuthorizeHook;
  /** Used when a request's signature names no region. */
  readonly region?: string;
  readonly accountId?: string;
}

export interface LocalAws {
  /** `http://127.0.0.1:PORT`, to pass as `endpoint` to SDK clients. */
  readonly endpoint: string;
  readonly port: number;
  readonly callLog: CallLog;
  close(): Promise<void>;
}

interface HttpReply {
  /** Close the connection without answering (a lost response). */
  readonly drop?: true;
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The region from a SigV4 credential scope: `Credential=AKID/20260101/us-east-1/ecs/aws4_request`. */
function regionFromAuthorization(header: string | undefined): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\//.exec(header ?? '')?.[1];
}

/** The signing name (service) from a SigV4 credential scope: `lambda` in `…/us-east-1/lambda/aws4_request`. */
function signingNameFromAuthorization(header: string | undefined): string | undefined {
  return /Credential=[^/,\s]+\/\d{8}\/[^/,\s]+\/([^/,\s]+)\//.exec(header ?? '')?.[1];
}

/**
 * The request body as text. SDK clients gzip large bodies of operations that support request compression
 * (CloudWatch PutMetricData above 10 KB), with `Content-Encoding: gzip`, which AWS accepts.
 */
function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      try {
        const gzipped = String(req.headers['content-encoding'] ?? '').toLowerCase() === 'gzip';
        resolve((gzipped ? zlib.gunzipSync(body) : body).toString('utf8'));
      } catch (error) {
        reject(error as Error);
      }
    });
    req.on('error', reject);
  });
}

/** Thrown by invoke when a fault hook drops the answer of an applied call: the connection closes without a reply. */
class DroppedResponse extends Error {}

/** Carries a lost response's error past the catch that records failed calls (the call itself was applied). */
class LostAnswer extends Error {
  constructor(readonly error: AwsError) {
    super(error.message);
  }
}

const DROPPED: HttpReply = { drop: true, status: 0, contentType: 'text/plain', body: '' };

function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError('InternalFailure', `The request processing has failed: ${message}`, 500, 'server');
}

class Dispatcher {
  readonly callLog = new CallLog();
  private readonly callCounts = new Map<string, number>();
  private readonly services: ReadonlyMap<string, EmulatedService>;
  private readonly restServices: readonly RestService[];

  constructor(private readonly options: LocalAwsOptions) {
    for (const service of options.services) {
      if (!SERVICE_PROTOCOLS.some((p) => p.serviceId === service.serviceId)) {
        throw new Error(
          `Local AWS cannot serve '${service.serviceId}': known services are ${SERVICE_PROTOCOLS.map((p) => p.serviceId).join(', ')}`,
        );
      }
    }
    this.services = new Map(options.services.map((s) => [s.serviceId, s]));
    this.restServices = options.restServices ?? [];
  }

  async handle(req: http.IncomingMessage): Promise<HttpReply> {
    const body = await readBody(req);
    const authorization = req.headers['authorization'];
    const accessKey = accessKeyFromAuthorization(authorization);
    const principal = accessKey === undefined ? undefined : roleForAccessKey(accessKey);
    const region = regionFromAuthorization(authorization) ?? this.options.region ?? 'us-east-1';
    const target = req.headers['x-amz-target'];
    if (this.restServices.length > 0 && typeof target !== 'string') {
      const url = new URL(req.url ?? '/', 'http://local');
      const request: RestRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
        signingName: signingNameFromAuthorization(authorization),
      };
      const rest = this.restServices.find((s) => s.handles(request));
      if (rest) return this.handleRest(rest, request, principal, region);
    }
    if (typeof target === 'string') return this.handleJson(target, body, principal, region);
    // The query protocol is a form POST; a GET carries the same parameters in the URL.
    const queryString = body === '' ? new URL(req.url ?? '/', 'http://local').search.slice(1) : body;
    return this.handleQuery(queryString, principal, region);
  }

  private async handleJson(
    target: string,
    body: string,
    principal: string | undefined,
    region: string,
  ): Promise<HttpReply> {
    const found = protocolForTarget(target);
    const protocol = found?.protocol ?? SERVICE_PROTOCOLS.find((p) => p.serviceId === 'ECS');
    const requestId = randomUUID();
    const reply = (result: unknown): HttpReply => ({
      status: 200,
      contentType: protocol?.contentType ?? 'application/x-amz-json-1.1',
      body: jsonResultBody(result),
      headers: { 'x-amzn-requestid': requestId },
    });
    const replyError = (error: AwsError): HttpReply => {
      const compatible = protocol?.queryCompatible && queryCompatibleJsonError(error, protocol.queryCompatible);
      return {
        status: error.httpStatus,
        contentType: protocol?.contentType ?? 'application/x-amz-json-1.1',
        body: compatible ? compatible.body : jsonErrorBody(error),
        headers: { 'x-amzn-requestid': requestId, 'x-amzn-errortype': error.code, ...compatible?.headers },
      };
    };
    if (!found) {
      return replyError(new AwsError('UnknownOperationException', `Unknown operation ${target}`, 400));
    }
    let input: unknown;
    try {
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      return replyError(new AwsError(JSON_SERIALIZATION_ERROR, 'Request body is not valid JSON', 400));
    }
    try {
      return reply(await this.invoke(found.protocol, found.operation, input, principal, region));
    } catch (error) {
      if (error instanceof DroppedResponse) return DROPPED;
      return replyError(asAwsError(error));
    }
  }

  private async handleRest(
    service: RestService,
    request: RestRequest,
    principal: string | undefined,
    region: string,
  ): Promise<HttpReply> {
    const requestId = randomUUID();
    let decoded: ReturnType<RestService['decode']>;
    try {
      decoded = service.decode(request);
    } catch (error) {
      return service.encodeError(asAwsError(error), requestId);
    }
    try {
      const result = await this.call(
        service.serviceId,
        service,
        decoded.operation,
        decoded.input,
        principal,
        region,
        () => {
          if (!service.operations.has(decoded.operation)) {
            throw new AwsError(
              'UnknownOperationException',
              `Operation ${decoded.operation} is not supported by local ${service.serviceId}`,
              400,
            );
          }
          service.validate?.(decoded.operation, decoded.input);
          return decoded.input;
        },
      );
      return service.encodeResult(decoded.operation, result, requestId);
    } catch (error) {
      if (error instanceof DroppedResponse) return DROPPED;
      return service.encodeError(asAwsError(error), requestId);
    }
  }

  private async handleQuery(body: string, principal: string | undefined, region: string): Promise<HttpReply> {
    const request = decodeQueryBody(body);
    const protocol = protocolForQueryVersion(request.version);
    const xmlns = protocol?.xmlNamespace ?? 'http://local-aws/';
    const requestId = randomUUID();
    try {
      if (!protocol || !request.action) {
        throw new AwsError(
          'InvalidAction',
          `The action ${request.action ?? '(none)'} with version ${request.version ?? '(none)'} is not valid for this web service.`,
          400,
        );
      }
      const result = await this.invoke(protocol, request.action, request.params, principal, region);
      return {
        status: 200,
        contentType: 'text/xml',
        body: queryResultXml(request.action, result, requestId, xmlns),
        headers: { 'x-amzn-requestid': requestId },
      };
    } catch (error) {
      if (error instanceof DroppedResponse) return DROPPED;
      const awsError = asAwsError(error);
      return {
        status: awsError.httpStatus,
        contentType: 'text/xml',
        body: queryErrorXml(awsError, requestId, xmlns),
        headers: { 'x-amzn-requestid': requestId },
      };
    }
  }

  /** Validates, applies the fault hook, invokes the service, and records the call whatever happens. */
  private async invoke(
    protocol: ServiceProtocol,
    operation: string,
    rawInput: unknown,
    principal: string | undefined,
    region: string,
  ): Promise<unknown> {
    const service = this.services.get(protocol.serviceId);
    return this.call(protocol.serviceId, service, operation, rawInput, principal, region, () => {
      const operationSchema = schemaForService(protocol.serviceId)?.operation(operation);
      if (!service || !service.operations.has(operation) || !operationSchema) {
        throw new AwsError(
          protocol.unknownOperationCode,
          `Operation ${operation} is not supported by local ${protocol.serviceId}`,
          400,
        );
      }
      return this.validated(protocol, operationSchema.input, rawInput);
    });
  }

  /**
   * Runs one call of any protocol: `validate` (which throws for an unknown operation or a bad input), the authorize
   * hook, the fault hook, the service; records the call whatever happens.
   */
  private async call(
    serviceId: string,
    service: EmulatedService | undefined,
    operation: string,
    rawInput: unknown,
    principal: string | undefined,
    region: string,
    validate: () => Record<string, unknown>,
  ): Promise<unknown> {
    const started = Date.now();
    let input: Record<string, unknown> =
      rawInput !== null && typeof rawInput === 'object' ? (rawInput as Record<string, unknown>) : {};
    const record = (outcome: { ok: true } | { ok: false; errorCode: string }, lost?: LostResponse): void =>
      this.callLog.record({
        time: new Date(started).toISOString(),
        service: serviceId,
        operation,
        principal,
        input,
        outcome,
        durationMs: Date.now() - started,
        ...(lost && { lostResponse: lost.kind === 'drop' ? 'dropped' : lost.error.code }),
      });
    try {
      input = validate();
      if (!service) throw new AwsError('InternalFailure', `Local ${serviceId} is not running`, 500, 'server');
      const denied =
        principal === undefined
          ? undefined
          : this.options.authorize?.({ service: serviceId, operation, input, principal });
      if (denied) throw denied;
      const count = (this.callCounts.get(`${serviceId}:${operation}`) ?? 0) + 1;
      this.callCounts.set(`${serviceId}:${operation}`, count);
      const call: FaultCall = { service: serviceId, operation, input, principal, n: count };
      // Only a hook that holds the call costs a turn of the event loop.
      const held = this.options.faults?.hold?.(call);
      const refused = held === undefined ? undefined : await held;
      if (refused) throw refused;
      const fault = this.options.faults?.beforeInvoke(call);
      if (fault) throw fault;
      const result = await service.invoke(operation, input, {
        principal,
        region,
        accountId: this.options.accountId ?? '123456789012',
      });
      const lost = this.options.faults?.afterInvoke?.(call);
      // The call log records what the service did (applied: ok) and, separately, that its answer was lost.
      record({ ok: true }, lost);
      if (lost?.kind === 'drop') throw new DroppedResponse();
      if (lost?.kind === 'error') throw new LostAnswer(lost.error);
      return result;
    } catch (error) {
      if (error instanceof LostAnswer) throw error.error;
      if (error instanceof DroppedResponse) throw error;
      record({ ok: false, errorCode: asAwsError(error).code });
      throw error;
    }
  }

  private validated(
    protocol: ServiceProtocol,
    shape: Parameters<typeof validateInput>[0],
    rawInput: unknown,
  ): Record<string, unknown> {
    const schema = schemaForService(protocol.serviceId);
    if (!schema) return rawInput as Record<string, unknown>;
    const { value, issues } = validateInput(shape, rawInput, { wire: protocol.wire, enums: schema.enums });
    if (issues.length === 0) return value;
    // JSON services reject wrong types and unknown members while deserializing, before any validation.
    const deserialization = protocol.wire === 'json' && issues.some((i) => i.kind === 'type' || i.kind === 'unknown');
    const reported = deserialization ? issues.filter((i) => i.kind === 'type' || i.kind === 'unknown') : issues;
    const code = deserialization ? JSON_SERIALIZATION_ERROR : protocol.validationErrorCode;
    throw new AwsError(code, validationMessage(reported), 400);
  }
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  const host = options.host ?? '127.0.0.1';
  const dispatcher = new Dispatcher(options);
  const server = http.createServer((req, res) => {
    dispatcher.handle(req).then(
      (reply) => {
        if (reply.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, {
          'content-type': reply.contentType,
          'content-length': Buffer.byteLength(reply.body),
          ...reply.headers,
        });
        res.end(reply.body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      },
    );
  });
  // Idle keep-alive connections stay open until the client or close() ends them. Node's default closes them after
  // 5 s, and a client that reuses one at that moment gets ECONNRESET ("socket hang up") with no request sent; the
  // local clients make one attempt (maxAttempts 1, so faults are never retried away), so that race would fail a test
  // that merely waited 5 s between two calls. Lost connections are injected on purpose instead (faults: drop).
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(options.port, options.portOption ?? '--port') : error),
    );
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    callLog: dispatcher.callLog,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
