/**
 * Sends a custom resource's result to CloudFormation: an HTTP PUT of the JSON response to the request's pre-signed
 * ResponseURL, with an empty Content-Type (the URL is signed for it). Retried a few times: until CloudFormation gets
 * it, the stack operation waits.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { CustomResourceResponse } from './events';

export async function sendResponse(responseUrl: string, response: CustomResourceResponse, attempts = 4): Promise<void> {
  const body = JSON.stringify(response);
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      await put(responseUrl, body);
      return;
    } catch (error) {
      lastError = error;
      if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    }
  }
  throw new Error(`Could not send the response to CloudFormation: ${(lastError as Error).message}`);
}

function put(url: string, body: string): Promise<void> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      target,
      { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) }, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve();
          else reject(new Error(`HTTP ${status} from the response URL`));
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end(body);
  });
}
