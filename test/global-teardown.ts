import * as fs from 'fs';
import * as path from 'path';

/** Removes the cdk.out global-setup.ts synthesized into. */
export default function globalTeardown(): void {
  const file = process.env.BLUEGREEN_TEST_TEMPLATE;
  if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
