import {
  ANY_OTHER_IMAGE,
  COLOUR_WORDS,
  DEFAULT_COLOUR,
  FALLBACK_COLOURS,
  IMAGE_BEHAVIOURS,
  parseImageReference,
  resolveImage,
} from '../../../local/dataplane/images';

const ECR = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

describe('parseImageReference', () => {
  it('splits an ECR URI into registry, repository and tag', () => {
    expect(parseImageReference(`${ECR}/team/demo-app:abc123`)).toEqual({
      registry: ECR,
      repository: 'team/demo-app',
      tag: 'abc123',
    });
  });

  it('treats a first path part without a dot or port as part of the repository', () => {
    expect(parseImageReference('local/demo-app:green')).toEqual({ repository: 'local/demo-app', tag: 'green' });
  });

  it('does not mistake a registry port for a tag', () => {
    expect(parseImageReference('localhost:5000/demo-app')).toEqual({
      registry: 'localhost:5000',
      repository: 'demo-app',
    });
  });

  it('keeps a digest', () => {
    expect(parseImageReference(`${ECR}/demo-app@sha256:abcd`)).toEqual({
      registry: ECR,
      repository: 'demo-app',
      digest: 'sha256:abcd',
    });
  });

  it('rejects an empty image', () => {
    expect(() => parseImageReference('  ')).toThrow(/must not be empty/);
  });
});

describe('resolveImage', () => {
  it.each([
    ['local/demo-app:green', { behaviour: 'healthy', colour: 'green', startupSeconds: 0 }],
    [`${ECR}/demo-app:blue`, { behaviour: 'healthy', colour: 'blue', startupSeconds: 0 }],
    ['local/crash-on-start:red', { behaviour: 'crash-on-start', colour: 'red', startupSeconds: 0 }],
    [`${ECR}/unhealthy:orange`, { behaviour: 'unhealthy', colour: 'orange', startupSeconds: 0 }],
    ['local/slow-start:green', { behaviour: 'healthy', colour: 'green', startupSeconds: 60 }],
    ['local/slow-start:purple-slow-90', { behaviour: 'healthy', colour: 'purple', startupSeconds: 90 }],
    ['local/demo-app:green-slow-5', { behaviour: 'healthy', colour: 'green', startupSeconds: 5 }],
    ['demo-app', { behaviour: 'healthy', colour: DEFAULT_COLOUR, startupSeconds: 0 }],
    ['demo-app:latest', { behaviour: 'healthy', colour: DEFAULT_COLOUR, startupSeconds: 0 }],
    ['local/error-rate:green', { behaviour: 'production-errors', colour: 'green', startupSeconds: 0, errorPercent: 5 }],
    [
      'local/error-rate:green-errors-20',
      { behaviour: 'production-errors', colour: 'green', startupSeconds: 0, errorPercent: 20 },
    ],
    [
      'local/error-rate:red-errors-250',
      { behaviour: 'production-errors', colour: 'red', startupSeconds: 0, errorPercent: 100 },
    ],
    [
      'local/slow-production:green',
      { behaviour: 'production-slow', colour: 'green', startupSeconds: 0, latencySeconds: 1.5 },
    ],
    [
      'local/slow-production:blue-latency-2500',
      { behaviour: 'production-slow', colour: 'blue', startupSeconds: 0, latencySeconds: 2.5 },
    ],
  ])('%s', (image, expected) => {
    expect(resolveImage(image)).toEqual(expected);
  });

  it('runs an unknown repository (a real ECR image) as a healthy app', () => {
    const spec = resolveImage(`${ECR}/my-service:3f9c2a1`);
    expect(spec.behaviour).toBe('healthy');
    expect(spec.startupSeconds).toBe(0);
    expect(FALLBACK_COLOURS).toContain(spec.colour);
  });

  it('gives a tag without a colour word the same colour every time, and different tags can differ', () => {
    expect(resolveImage('demo-app:abc123').colour).toBe(resolveImage(`${ECR}/demo-app:abc123`).colour);
    const colours = new Set(
      ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7', 'h8'].map((tag) => resolveImage(`x:${tag}`).colour),
    );
    expect(colours.size).toBeGreaterThan(1);
  });

  it('has a row for every behaviour and only CSS colour names', () => {
    expect(new Set(IMAGE_BEHAVIOURS.map((row) => row.behaviour))).toEqual(
      new Set(['healthy', 'crash-on-start', 'unhealthy', 'flapping', 'production-errors', 'production-slow']),
    );
    for (const colour of FALLBACK_COLOURS) expect(COLOUR_WORDS).toContain(colour);
  });

  it('resolves each documented example to its row', () => {
    for (const row of [...IMAGE_BEHAVIOURS, ANY_OTHER_IMAGE]) {
      expect(resolveImage(row.example).behaviour).toBe(row.behaviour);
    }
    const slow = IMAGE_BEHAVIOURS.find((row) => row.repository === 'slow-start');
    expect(resolveImage(slow?.example ?? '').startupSeconds).toBe(90);
  });
});
