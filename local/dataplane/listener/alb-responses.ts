/**
 * Responses the load balancer itself generates (not a target): ALB marks them with `Server: awselb/2.0` and a small
 * HTML page naming the status, which is how users tell "the ALB had nowhere to send this" from an app error.
 */
import type http from 'http';

export const ALB_SERVER_HEADER = 'awselb/2.0';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

export function sendAlbError(res: http.ServerResponse, statusCode: number): void {
  const title = `${statusCode} ${STATUS_TEXT[statusCode] ?? 'Error'}`;
  const body = `<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${title}</h1></center>\n</body>\n</html>\n`;
  res.writeHead(statusCode, {
    Server: ALB_SERVER_HEADER,
    'Content-Type': 'text/html',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendFixedResponse(
  res: http.ServerResponse,
  response: { statusCode: number; contentType: string; body: string },
): void {
  res.writeHead(response.statusCode, {
    Server: ALB_SERVER_HEADER,
    'Content-Type': response.contentType,
    'Content-Length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}
