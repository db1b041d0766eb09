/**
 * The stand-in for the pre-signed S3 URLs CloudFormation gives custom resources as ResponseURL: a local HTTP endpoint
 * (started on first use) that takes the provider's PUT of its JSON response. Each URL carries an HMAC signature, like a
 * pre-signed URL, and is good for one request; CloudFormation reads the first response it gets.
 */
import { createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceResponse } from './custom-resource-event';

/** The response body limit of the CloudFormation custom-resource reference. */
export const MAX_RESPONSE_BYTES = 4096;

export type ResponseOutcome =
  | { readonly kind: 'response'; readonly response: CloudFormationCustomResourceResponse }
  | { readonly kind: 'invalid'; readonly reason: string };

interface Pending {
  readonly resolve: (outcome: ResponseOutcome) => void;
}

export interface CustomResourceResponses {
  /** A fresh response URL for one request, and the outcome the PUT to it brings. */
  expect(key: { stackId: string; logicalId: string; requestId: string; region: string }): Promise<{
    url: string;
    response: Promise<ResponseOutcome>;
    cancel: () => void;
  }>;
  close(): Promise<void>;
}

export function createCustomResourceResponses(): CustomResourceResponses {
  const secret = randomBytes(32);
  const pending = new Map<string, Pending>();
  let server: http.Server | undefined;
  let base: Promise<string> | undefined;
  const sign = (path: string): string => createHmac('sha256', secret).update(path).digest('hex');

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://local');
    const entry = pending.get(url.pathname);
    const reply = (status: number, code?: string, message?: string): void => {
      const text = code
        ? `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`
        : '';
      res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method !== 'PUT')
      return reply(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.');
    if (url.searchParams.get('X-Amz-Signature') !== sign(url.pathname)) {
      return reply(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    }
    if (!entry) return reply(403, 'AccessDenied', 'Request has expired');
    pending.delete(url.pathname);
    reply(200);
    if (Buffer.byteLength(body) > MAX_RESPONSE_BYTES) {
      return entry.resolve({ kind: 'invalid', reason: 'Response object is too long.' });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return entry.resolve({ kind: 'invalid', reason: 'Invalid response object: the response is not valid JSON.' });
    }
    const response = parsed as Partial<CloudFormationCustomResourceResponse> | null;
    if (response === null || (response.Status !== 'SUCCESS' && response.Status !== 'FAILED')) {
      return entry.resolve({ kind: 'invalid', reason: 'Invalid response object: Status must be SUCCESS or FAILED.' });
    }
    entry.resolve({ kind: 'response', response: response as CloudFormationCustomResourceResponse });
  };

  const start = (): Promise<string> =>
    new Promise((resolve, reject) => {
      server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
      });
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server?.address() as AddressInfo).port}`));
    });

  return {
    async expect({ stackId, logicalId, requestId, region }) {
      base ??= start();
      const origin = await base;
      const path = `/cloudformation-custom-resource-response-${region.replace(/-/g, '')}/${encodeURIComponent(`${stackId}|${logicalId}|${requestId}`)}`;
      let resolveOutcome: (outcome: ResponseOutcome) => void = () => undefined;
      const response = new Promise<ResponseOutcome>((resolve) => {
        resolveOutcome = resolve;
      });
      pending.set(path, { resolve: resolveOutcome });
      return {
        url: `${origin}${path}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200&X-Amz-Signature=${sign(path)}`,
        response,
        cancel: () => pending.delete(path),
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        pending.clear();
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
