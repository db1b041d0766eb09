import { IMAGE_BEHAVIOURS } from '../../../local/dataplane/images';
import { imageBehavioursMarkdown } from '../../../local/dataplane/images-markdown';

describe('imageBehavioursMarkdown', () => {
  it('has a table row per image behaviour plus the catch-all', () => {
    const lines = imageBehavioursMarkdown().split('\n');
    const rows = lines.filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(IMAGE_BEHAVIOURS.length + 1);
    expect(rows[0]).toContain('`demo-app` | healthy | 0 | `local/demo-app:green`');
    expect(rows.at(-1)).toContain('`*` | healthy');
  });
});
