import { createClock } from '../../../local/aws/clock';
import { IMAGE_BEHAVIOURS, resolveImage } from '../../../local/dataplane/images';
import { imageBehavioursMarkdown } from '../../../local/dataplane/images-markdown';
import { launchTask } from '../../../local/dataplane/task-process';

describe('the flapping image', () => {
  test('is documented in IMAGE_BEHAVIOURS (and so in the generated README table)', () => {
    expect(IMAGE_BEHAVIOURS.find((row) => row.repository === 'flapping')).toMatchObject({
      behaviour: 'flapping',
      flapSeconds: 30,
    });
    expect(imageBehavioursMarkdown()).toContain('| `flapping` | flapping | 0 | `local/flapping:green-flap-30` |');
  });

  test.each([
    ['local/flapping:green', 30],
    ['local/flapping:red-flap-12', 12],
    ['local/flapping:flap-0', 1],
  ])('%s flaps every %d emulated seconds', (image, seconds) => {
    expect(resolveImage(image)).toMatchObject({ behaviour: 'flapping', flapSeconds: seconds });
  });

  test('other images have no flapping period', () => {
    expect(resolveImage('local/demo-app:green-flap-12')).not.toHaveProperty('flapSeconds');
  });

  test('/healthz passes for a period, then fails for a period, then passes again; pages always answer 200', async () => {
    // 1 emulated second = 10 wall ms, so a 20 s period lasts 200 ms.
    const clock = createClock(0.01);
    const task = await launchTask({ image: 'local/flapping:green-flap-20', commit: 'abc1234' }, clock);
    try {
      await task.ready;
      const started = Date.now();
      const samples: Array<{ atMs: number; health: number; page: number }> = [];
      while (Date.now() - started < 650) {
        const base = `http://${task.host}:${task.port}`;
        const [health, page] = await Promise.all([fetch(`${base}/healthz`), fetch(`${base}/`)]);
        await Promise.all([health.text(), page.text()]);
        samples.push({ atMs: Date.now() - started, health: health.status, page: page.status });
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // Away from the period edges (±40 ms for scheduling), each sample is in a known phase.
      const phase = (ms: number) => Math.floor(ms / 200) % 2;
      const clear = samples.filter((s) => s.atMs % 200 > 40 && s.atMs % 200 < 160);
      expect(clear.length).toBeGreaterThan(8);
      for (const s of clear) expect(s.health).toBe(phase(s.atMs) === 0 ? 200 : 500);
      expect(new Set(clear.map((s) => s.health))).toEqual(new Set([200, 500]));
      expect(samples.every((s) => s.page === 200)).toBe(true);
    } finally {
      await task.stop('test over');
    }
  });
});
