/**
 * Rule conditions: path-pattern, host-header, http-header and http-request-method, in both the legacy `Values` form
 * and the `…Config` form; described back with both, as AWS does. Wildcards follow ELBv2: `*` matches any run of
 * characters, `?` exactly one; host names compare case-insensitively, paths case-sensitively.
 */
import { validation } from './errors';
import type { ListenerRequest } from '../dataplane/types';

export type Condition =
  | { readonly field: 'path-pattern' | 'host-header' | 'http-request-method'; readonly values: readonly string[] }
  | { readonly field: 'http-header'; readonly headerName: string; readonly values: readonly string[] };

export interface WireCondition {
  Field?: string;
  Values?: string[];
  PathPatternConfig?: { Values?: string[] };
  HostHeaderConfig?: { Values?: string[] };
  HttpHeaderConfig?: { HttpHeaderName?: string; Values?: string[] };
  HttpRequestMethodConfig?: { Values?: string[] };
}

function valuesOf(wire: WireCondition, config: { Values?: string[] } | undefined): string[] {
  const values = config?.Values ?? wire.Values ?? [];
  if (values.length === 0) throw validation(`A condition value must be specified for field '${String(wire.Field)}'`);
  return values;
}

export function parseConditions(wire: readonly WireCondition[] | undefined): Condition[] {
  return (wire ?? []).map((c) => {
    switch (c.Field) {
      case 'path-pattern':
        return { field: c.Field, values: valuesOf(c, c.PathPatternConfig) };
      case 'host-header':
        return { field: c.Field, values: valuesOf(c, c.HostHeaderConfig) };
      case 'http-request-method':
        return { field: c.Field, values: valuesOf(c, c.HttpRequestMethodConfig) };
      case 'http-header': {
        const headerName = c.HttpHeaderConfig?.HttpHeaderName;
        if (!headerName) throw validation('An HTTP header name must be specified for an http-header condition');
        return { field: c.Field, headerName, values: valuesOf(c, c.HttpHeaderConfig) };
      }
      default:
        throw validation(`Condition field '${String(c.Field)}' is not supported by local ELBv2`);
    }
  });
}

export function describeCondition(condition: Condition): Record<string, unknown> {
  const values = [...condition.values];
  switch (condition.field) {
    case 'path-pattern':
      return { Field: condition.field, Values: values, PathPatternConfig: { Values: values } };
    case 'host-header':
      return { Field: condition.field, Values: values, HostHeaderConfig: { Values: values } };
    case 'http-request-method':
      return { Field: condition.field, HttpRequestMethodConfig: { Values: values } };
    case 'http-header':
      return { Field: condition.field, HttpHeaderConfig: { HttpHeaderName: condition.headerName, Values: values } };
  }
}

export function wildcardMatches(pattern: string, text: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(text);
}

function header(request: ListenerRequest, name: string): string[] {
  const value = request.headers[name.toLowerCase()];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Whether every condition holds for the request (conditions of a rule are ANDed, values within one ORed). */
export function conditionsMatch(conditions: readonly Condition[], request: ListenerRequest): boolean {
  const path = request.path.split('?')[0] ?? '';
  return conditions.every((condition) => {
    switch (condition.field) {
      case 'path-pattern':
        return condition.values.some((p) => wildcardMatches(p, path, false));
      case 'host-header': {
        const host = (header(request, 'host')[0] ?? '').replace(/:\d+$/, '');
        return condition.values.some((p) => wildcardMatches(p, host, true));
      }
      case 'http-request-method':
        return condition.values.includes(request.method.toUpperCase());
      case 'http-header':
        return header(request, condition.headerName).some((v) =>
          condition.values.some((p) => wildcardMatches(p, v, true)),
        );
    }
  });
}
