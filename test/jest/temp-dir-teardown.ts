/** Jest global teardown of every project: removes the run's temporary directory (temp-dir-setup.ts). */
import { rmSync } from 'node:fs';

export default function globalTeardown(): void {
  const dir = process.env.CDK8S_DATABRICKS_TEST_TMPDIR;
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true });
}
