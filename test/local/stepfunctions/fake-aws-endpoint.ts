/**
 * A tiny stand-in for local AWS in these tests: decodes just enough of ECS JSON 1.1 and the ELBv2 query protocol to
 * record what the SDK clients sent (operation, body, signing key) and replies with canned results or errors in each
 * protocol's real encoding, so the SDK's own parsing and error mapping run as they will against the emulator.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessKeyFromAuthorization } from '../../../local/aws/principal';

export interface RecordedCall {
  readonly service: 'ecs' | 'elbv2';
  readonly operation: string;
  /** ECS: the JSON body; ELBv2: the form fields. */
  readonly input: Record<string, unknown>;
  readonly accessKeyId: string | undefined;
}

export type Reply =
  { readonly result: unknown } | { readonly error: string; readonly message: string; readonly status?: number };

export interface FakeAwsEndpoint {
  readonly url: string;
  readonly calls: RecordedCall[];
  /** Sets the reply for an operation (`DescribeServices`, `DeleteTargetGroup`); a function sees the request. */
  reply(operation: string, reply: Reply | ((call: RecordedCall) => Reply)): void;
  close(): Promise<void>;
}

const ELBV2_NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

function xmlValue(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => `<member>${xmlValue(v)}</member>`).join('');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .map(([k, v]) => `<${k}>${xmlValue(v)}</${k}>`)
      .join('');
  }
  return String(value);
}

export async function startFakeAwsEndpoint(): Promise<FakeAwsEndpoint> {
  const calls: RecordedCall[] = [];
  const replies = new Map<string, Reply | ((call: RecordedCall) => Reply)>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const target = req.headers['x-amz-target'];
      const accessKeyId = accessKeyFromAuthorization(req.headers.authorization);
      let call: RecordedCall;
      if (typeof target === 'string') {
        call = {
          service: 'ecs',
          operation: target.split('.')[1] ?? '',
          input: JSON.parse(body || '{}') as Record<string, unknown>,
          accessKeyId,
        };
      } else {
        const form = Object.fromEntries(new URLSearchParams(body));
        call = { service: 'elbv2', operation: form['Action'] ?? '', input: form, accessKeyId };
      }
      calls.push(call);
      const configured = replies.get(call.operation) ?? { result: {} };
      const reply = typeof configured === 'function' ? configured(call) : configured;
      if (call.service === 'ecs') {
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        if ('error' in reply) {
          res.statusCode = reply.status ?? 400;
          res.end(JSON.stringify({ __type: reply.error, message: reply.message }));
        } else {
          res.end(JSON.stringify(reply.result));
        }
        return;
      }
      res.setHeader('content-type', 'text/xml');
      if ('error' in reply) {
        res.statusCode = reply.status ?? 400;
        res.end(
          `<ErrorResponse xmlns="${ELBV2_NS}"><Error><Type>Sender</Type><Code>${reply.error}</Code>` +
            `<Message>${reply.message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
        );
      } else {
        const op = call.operation;
        res.end(
          `<${op}Response xmlns="${ELBV2_NS}"><${op}Result>${xmlValue(reply.result)}</${op}Result>` +
            `<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></${op}Response>`,
        );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    reply: (operation, reply) => replies.set(operation, reply),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
