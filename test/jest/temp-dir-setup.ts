/**
 * Jest global setup of every project: the run's temporary files go to one directory of their own, which
 * the global teardown removes. cdk8s's `Testing.app()` makes an output directory in the system's temporary
 * directory for every chart a test builds (about 900 a run) and never removes them; so do a few tests.
 * Workers start after this runs, so they inherit `TMPDIR` and `os.tmpdir()` answers the run's directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function globalSetup(): void {
  if (process.env.CDK8S_DATABRICKS_TEST_TMPDIR) return;
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-test-run-'));
  process.env.CDK8S_DATABRICKS_TEST_TMPDIR = dir;
  process.env.TMPDIR = dir;
}
