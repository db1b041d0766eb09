import {
  EMULATED_DELAY_HEADER,
  formatEmulatedDelay,
  parseEmulatedDelay,
  takeEmulatedDelay,
} from '../../../../local/dataplane/listener/emulated-delay';

describe('X-Local-Emulated-Delay', () => {
  it('reads what the task server writes', () => {
    expect(parseEmulatedDelay('1.5; wall-ms=30')).toEqual({ seconds: 1.5, wallMs: 30 });
    expect(parseEmulatedDelay(formatEmulatedDelay({ seconds: 0.001, wallMs: 0.05 }))).toEqual({
      seconds: 0.001,
      wallMs: 0.05,
    });
    expect(parseEmulatedDelay(' 2 ;WALL-MS = 2000 ')).toEqual({ seconds: 2, wallMs: 2000 });
  });

  it('ignores an absent, repeated or malformed header: no emulated delay is assumed', () => {
    for (const value of [
      undefined,
      ['1; wall-ms=1'],
      '',
      '1.5',
      'wall-ms=3',
      '-1; wall-ms=3',
      '1; wall-ms=-3',
      'x; wall-ms=1',
      '1e999; wall-ms=1',
    ]) {
      expect(parseEmulatedDelay(value)).toBeUndefined();
    }
  });

  it('is taken out of the headers that go on to the client', () => {
    const headers = { 'content-type': 'text/html', [EMULATED_DELAY_HEADER]: '1.5; wall-ms=30' };
    expect(takeEmulatedDelay(headers)).toEqual({ seconds: 1.5, wallMs: 30 });
    expect(headers).toEqual({ 'content-type': 'text/html' });
    const malformed = { [EMULATED_DELAY_HEADER]: 'soon' };
    expect(takeEmulatedDelay(malformed)).toBeUndefined();
    expect(malformed).toEqual({});
  });
});
