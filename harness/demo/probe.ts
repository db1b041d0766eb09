/** What a URL serves right now, read the way a user's browser or curl would. */
export interface Probe {
  readonly url: string;
  readonly status: number;
  /** From the page's X-App-Version header (`colour/commit`), when a task answered. */
  readonly colour?: string;
  readonly commit?: string;
  readonly body: string;
}

export async function probe(url: string, timeoutMs = 2000): Promise<Probe> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await response.text();
    const [colour, commit] = (response.headers.get('x-app-version') ?? '').split('/');
    return { url, status: response.status, colour: colour || undefined, commit: commit || undefined, body };
  } catch (error) {
    return { url, status: 0, body: `unreachable: ${(error as Error).message}` };
  }
}

export function describeProbe(p: Probe): string {
  if (p.status === 0) return p.body;
  if (p.colour) return `${p.status} ${p.colour} (commit ${p.commit ?? '?'})`;
  return `${p.status} ${p.body.trim().slice(0, 90)}`;
}
