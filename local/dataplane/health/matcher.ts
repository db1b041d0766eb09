/**
 * ELBv2 Matcher.HttpCode: the HTTP codes a health check accepts. A single code (`200`), a list (`200,302`) or a range
 * (`200-299`), and lists may mix both (`200,300-302`). For Application Load Balancers codes must be within 200-499.
 */
export const ALB_MIN_MATCHER_CODE = 200;
export const ALB_MAX_MATCHER_CODE = 499;

export class InvalidMatcherError extends Error {
  constructor(
    readonly matcher: string,
    detail: string,
  ) {
    super(
      `Invalid health check matcher '${matcher}': ${detail}. Use a code (200), a list (200,302) or a range (200-299) ` +
        `with codes from ${ALB_MIN_MATCHER_CODE} to ${ALB_MAX_MATCHER_CODE}.`,
    );
    this.name = 'InvalidMatcherError';
  }
}

export type StatusMatcher = (statusCode: number) => boolean;

export function parseMatcher(matcher: string): StatusMatcher {
  const ranges = matcher.split(',').map((item) => parseItem(matcher, item.trim()));
  return (statusCode) => ranges.some(([low, high]) => statusCode >= low && statusCode <= high);
}

function parseItem(matcher: string, item: string): [number, number] {
  const match = /^(\d{3})(?:-(\d{3}))?$/.exec(item);
  if (match === null) throw new InvalidMatcherError(matcher, `'${item}' is not a code or a range`);
  const low = Number(match[1]);
  const high = match[2] === undefined ? low : Number(match[2]);
  for (const code of [low, high]) {
    if (code < ALB_MIN_MATCHER_CODE || code > ALB_MAX_MATCHER_CODE) {
      throw new InvalidMatcherError(matcher, `${code} is outside ${ALB_MIN_MATCHER_CODE}-${ALB_MAX_MATCHER_CODE}`);
    }
  }
  if (low > high) throw new InvalidMatcherError(matcher, `range ${item} is reversed`);
  return [low, high];
}
