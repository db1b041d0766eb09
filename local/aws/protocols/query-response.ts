/**
 * Encodes query-protocol responses as the XML AWS sends: `<OpResponse xmlns=…><OpResult>…</OpResult>
 * <ResponseMetadata><RequestId>…` for results, `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`
 * for errors. Arrays become `<member>` lists, Dates ISO-8601, booleans `true`/`false`.
 */
import type { AwsError } from '../service';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function encodeValue(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => `<member>${encodeValue(item)}</member>`).join('');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${encodeValue(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function queryResultXml(operation: string, result: unknown, requestId: string, xmlns: string): string {
  return (
    `<${operation}Response xmlns="${xmlns}">` +
    `<${operation}Result>${encodeValue(result ?? {})}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${operation}Response>`
  );
}

export function queryErrorXml(error: AwsError, requestId: string, xmlns: string): string {
  const type = error.fault === 'server' ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${xmlns}">` +
    `<Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
    `<RequestId>${requestId}</RequestId>` +
    `</ErrorResponse>`
  );
}
