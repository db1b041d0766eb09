/**
 * Decodes an AWS query-protocol request body (`Action=…&Version=…&Targets.member.1.Id=…`) into the action, the API
 * version and a raw tree of strings keyed by the dotted path segments. Turning `member.N` levels into arrays and
 * strings into numbers needs the service schema, so that happens in validation (validateInput with wire 'query').
 */
export interface QueryRequest {
  readonly action: string | undefined;
  readonly version: string | undefined;
  readonly params: Record<string, unknown>;
}

export function decodeQueryBody(body: string): QueryRequest {
  const form = new URLSearchParams(body);
  const params: Record<string, unknown> = {};
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const segments = key.split('.');
    let node: Record<string, unknown> = params;
    segments.forEach((segment, i) => {
      if (i === segments.length - 1) {
        node[segment] = value;
        return;
      }
      const next = node[segment];
      if (next === null || typeof next !== 'object') node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    });
  }
  return { action: form.get('Action') ?? undefined, version: form.get('Version') ?? undefined, params };
}
