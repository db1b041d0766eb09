import { createEventBus, localEvent } from '../../../local/events/event-bus';
import { checkPattern, matches } from '../../../local/events/pattern';

const event = localEvent({
  source: 'aws.codepipeline',
  'detail-type': 'CodePipeline Action Execution State Change',
  account: '123456789012',
  region: 'us-east-1',
  resources: ['arn:aws:codepipeline:us-east-1:123456789012:p', 'arn:other'],
  time: Date.UTC(2026, 0, 2, 3, 4, 5, 678),
  detail: { pipeline: 'p', stage: 'ApproveSwap', action: 'ApproveSwap', state: 'FAILED', type: { provider: 'Manual' } },
});

describe('event patterns', () => {
  test('the envelope is EventBridge’s', () => {
    expect(event).toMatchObject({ version: '0', time: '2026-01-02T03:04:05Z', id: expect.any(String) });
  });

  test('literal arrays match any listed value; objects nest; arrays in the event match on any element', () => {
    expect(matches({ source: ['aws.codepipeline'], detail: { state: ['FAILED', 'SUCCEEDED'] } }, event)).toBe(true);
    expect(matches({ detail: { type: { provider: ['Manual'] } } }, event)).toBe(true);
    expect(matches({ resources: ['arn:other'] }, event)).toBe(true);
    expect(matches({ detail: { stage: ['ApproveCleanUp'] } }, event)).toBe(false);
    expect(matches({ detail: { missing: ['x'] } }, event)).toBe(false);
    expect(matches({ detail: { state: { nested: ['FAILED'] } } }, event)).toBe(false);
  });

  test.each([
    [{ detail: { state: [{ prefix: 'FAIL' }] } }, /detail\.state uses the content filter \{"prefix":"FAIL"\}/],
    [{ source: 'aws.codepipeline' }, /source must be an array or an object/],
    [{ source: [] }, /source is an empty array/],
    [{}, /non-empty JSON object/],
  ])('refuses what it would not match as AWS does: %j', (pattern, message) => {
    expect(() => checkPattern(pattern)).toThrow(message);
  });
});

describe('the bus', () => {
  const bus = createEventBus({ region: 'us-east-1', accountId: '123456789012', endpoint: () => 'http://127.0.0.1:9' });
  afterAll(() => bus.close());

  test('refuses targets it cannot invoke and inputs that are not JSON', () => {
    const rule = { name: 'r', eventPattern: { source: ['aws.codepipeline'] } };
    expect(() =>
      bus.putRule({ ...rule, targets: [{ id: 't', arn: 'arn:aws:sns:us-east-1:123456789012:topic' }] }),
    ).toThrow(/invokes only Step Functions state machines, CodePipeline pipelines and Lambda functions/);
    expect(() =>
      bus.putRule({
        ...rule,
        targets: [{ id: 't', arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', input: '{nope' }],
      }),
    ).toThrow(SyntaxError);
    expect(bus.rules()).toEqual([]);
  });

  test('a disabled rule does not fire; a failed invocation is recorded with its error', async () => {
    const target = { id: 't', arn: 'arn:aws:states:us-east-1:123456789012:stateMachine:m', input: '{}' };
    bus.putRule({ name: 'off', state: 'DISABLED', eventPattern: { source: ['aws.codepipeline'] }, targets: [target] });
    bus.putRule({ name: 'on', eventPattern: { detail: { state: ['FAILED'] } }, targets: [target] });
    bus.putEvent(event);
    await bus.settled();
    // Nothing listens on port 9: the delivery fails and says why.
    expect(bus.deliveries()).toEqual([
      { rule: 'on', targetId: 't', eventId: event.id, input: '{}', outcome: { ok: false, error: expect.any(String) } },
    ]);
  });
});
