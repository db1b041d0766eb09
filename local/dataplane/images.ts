/**
 * Container images → local behaviours. Local AWS cannot pull or run real images, so the repository name of the image
 * chooses what the task process does, and the tag chooses the colour the page shows (blue/green demos). The table is
 * exported as data so the README table is generated from it (see images-markdown.ts) rather than kept by hand.
 */
import type { ImageSpec, TaskBehaviour } from './types';

export interface ImageBehaviourRow {
  /** Last path segment of the repository (`demo-app` in `123….dkr.ecr.us-east-1.amazonaws.com/team/demo-app:v1`). */
  readonly repository: string;
  readonly behaviour: TaskBehaviour;
  /** Emulated seconds before the process listens, unless the tag says otherwise (`slow-N`). */
  readonly startupSeconds: number;
  /** `flapping` only: emulated seconds of each passing and each failing /healthz period, unless a `flap-N` tag part. */
  readonly flapSeconds?: number;
  /** `production-errors` only: percent of production page requests answering 500, unless an `errors-N` tag part. */
  readonly errorPercent?: number;
  /** `production-slow` only: emulated milliseconds of a slow production request, unless a `latency-N` tag part. */
  readonly latencyMs?: number;
  readonly example: string;
  readonly description: string;
}

/** Repository names with a special behaviour. Any other repository runs like `demo-app` (see ANY_OTHER_IMAGE). */
export const IMAGE_BEHAVIOURS: readonly ImageBehaviourRow[] = [
  {
    repository: 'demo-app',
    behaviour: 'healthy',
    startupSeconds: 0,
    example: 'local/demo-app:green',
    description: 'Serves the demo page in the colour of the tag; /healthz answers 200.',
  },
  {
    repository: 'crash-on-start',
    behaviour: 'crash-on-start',
    startupSeconds: 0,
    example: 'local/crash-on-start:blue',
    description: 'Exits with code 1 before it listens, so the task stops with "Essential container in task exited".',
  },
  {
    repository: 'unhealthy',
    behaviour: 'unhealthy',
    startupSeconds: 0,
    example: 'local/unhealthy:red',
    description:
      'Serves the page, but /healthz answers 500, so targets become unhealthy (Target.ResponseCodeMismatch).',
  },
  {
    repository: 'slow-start',
    behaviour: 'healthy',
    startupSeconds: 60,
    example: 'local/slow-start:green-slow-90',
    description: 'Healthy, but listens only after 60 emulated seconds (or N with a `slow-N` tag part).',
  },
  {
    repository: 'flapping',
    behaviour: 'flapping',
    startupSeconds: 0,
    flapSeconds: 30,
    example: 'local/flapping:green-flap-30',
    description:
      '/healthz passes for 30 emulated seconds (or N with a `flap-N` tag part) from the moment it listens, then fails ' +
      'for as long, and so on, so targets flap between healthy and unhealthy; pages always answer 200.',
  },
  {
    repository: 'error-rate',
    behaviour: 'production-errors',
    startupSeconds: 0,
    errorPercent: 5,
    example: 'local/error-rate:green-errors-5',
    description:
      'Healthy, but 5 % (or N with an `errors-N` tag part, 0-100) of production page requests (those the ALB ' +
      'forwards with `X-Forwarded-Port: 80`) answer 500, evenly spread (every 20th at 5 %); /healthz and test-listener ' +
      'traffic always answer 200, so only an alarm on production metrics (HTTPCode_Target_5XX_Count) catches it.',
  },
  {
    repository: 'slow-production',
    behaviour: 'production-slow',
    startupSeconds: 0,
    latencyMs: 1500,
    example: 'local/slow-production:green-latency-1500',
    description:
      'Healthy, but every 20th production page request (5 %, `X-Forwarded-Port: 80`) answers only after 1500 ' +
      'emulated milliseconds (or N with a `latency-N` tag part), so production TargetResponseTime p99 exceeds 1 s ' +
      'while its average barely moves; /healthz and test-listener traffic stay fast.',
  },
];

/** What an image whose repository is not in the table does: a real user's ECR image is assumed to be a working app. */
export const ANY_OTHER_IMAGE: ImageBehaviourRow = {
  repository: '*',
  behaviour: 'healthy',
  startupSeconds: 0,
  example: '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-service:abc123',
  description: 'Any other repository runs like demo-app, so real ECR image URIs deploy and pass health checks.',
};

/** Tag parts that are shown as the page colour (all valid CSS colour names). */
export const COLOUR_WORDS: readonly string[] = [
  'blue',
  'green',
  'red',
  'orange',
  'purple',
  'yellow',
  'pink',
  'teal',
  'cyan',
  'magenta',
  'brown',
  'grey',
  'gray',
  'black',
  'navy',
  'olive',
  'maroon',
  'lime',
  'indigo',
  'gold',
  'silver',
  'crimson',
  'coral',
];

/** Colours for tags without a colour word (e.g. a commit SHA): picked by a hash so one tag always looks the same. */
export const FALLBACK_COLOURS: readonly string[] = ['teal', 'purple', 'orange', 'crimson', 'navy', 'olive', 'indigo'];

/** Colour of an untagged or `latest` image. */
export const DEFAULT_COLOUR = 'blue';

export interface ImageReference {
  /** Registry host, if the URI names one (`123….dkr.ecr.us-east-1.amazonaws.com`, `localhost:5000`). */
  readonly registry?: string;
  /** Repository path without the registry (`team/demo-app`). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits an image URI as Docker does: the first path part is a registry only if it looks like a host. */
export function parseImageReference(image: string): ImageReference {
  const trimmed = image.trim();
  if (trimmed === '') throw new Error('Image must not be empty (e.g. local/demo-app:green).');
  const [withoutDigest = '', digest] = trimmed.split('@', 2);
  const parts = withoutDigest.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const registry = hasRegistry ? parts.shift() : undefined;
  const last = parts.pop() ?? '';
  const colon = last.lastIndexOf(':');
  const name = colon >= 0 ? last.slice(0, colon) : last;
  const tag = colon >= 0 ? last.slice(colon + 1) : undefined;
  return {
    ...(registry !== undefined && { registry }),
    repository: [...parts, name].join('/'),
    ...(tag !== undefined && tag !== '' && { tag }),
    ...(digest !== undefined && digest !== '' && { digest }),
  };
}

export function resolveImage(image: string): ImageSpec {
  const reference = parseImageReference(image);
  const repositoryName = reference.repository.split('/').pop() ?? reference.repository;
  const row = IMAGE_BEHAVIOURS.find((candidate) => candidate.repository === repositoryName) ?? ANY_OTHER_IMAGE;
  const tagParts = (reference.tag ?? '').toLowerCase().split(/[-_.]/);
  return {
    behaviour: row.behaviour,
    colour: colourOf(reference, tagParts),
    startupSeconds: secondsAfter('slow', tagParts) ?? row.startupSeconds,
    ...(row.behaviour === 'flapping' && {
      flapSeconds: Math.max(1, secondsAfter('flap', tagParts) ?? row.flapSeconds ?? 30),
    }),
    ...(row.behaviour === 'production-errors' && {
      errorPercent: Math.min(100, secondsAfter('errors', tagParts) ?? row.errorPercent ?? 5),
    }),
    ...(row.behaviour === 'production-slow' && {
      latencySeconds: (secondsAfter('latency', tagParts) ?? row.latencyMs ?? 1500) / 1000,
    }),
  };
}

function colourOf(reference: ImageReference, tagParts: readonly string[]): string {
  const word = tagParts.find((part) => COLOUR_WORDS.includes(part));
  if (word !== undefined) return word;
  const identity = reference.tag ?? reference.digest;
  if (identity === undefined || identity === 'latest') return DEFAULT_COLOUR;
  return FALLBACK_COLOURS[hash(identity) % FALLBACK_COLOURS.length] ?? DEFAULT_COLOUR;
}

/**
 * The number after a tag part: `slow-90` anywhere in the tag (`green-slow-90`) means 90 emulated seconds of start-up,
 * for any repository; `flap-20` sets the flapping period of the `flapping` repository, `errors-N` the error percent
 * of `error-rate`, `latency-N` the slow requests' milliseconds of `slow-production`.
 */
function secondsAfter(word: 'slow' | 'flap' | 'errors' | 'latency', tagParts: readonly string[]): number | undefined {
  const index = tagParts.indexOf(word);
  const seconds = index >= 0 ? Number(tagParts[index + 1]) : NaN;
  return Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
}

/** FNV-1a: tiny, stable across runs and platforms, good enough to spread tags over a few colours. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
