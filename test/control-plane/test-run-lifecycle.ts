/**
 * Start and stop of the cluster one integration test run uses; called by the Jest global setup and
 * teardown. The cluster is handed to the tests through `KUBECONFIG` (Jest's worker processes inherit
 * the environment). See cluster-selection.ts for when an existing cluster is used instead.
 */
import { join } from 'node:path';
import { assertClusterReachable, chooseCluster } from './cluster-selection.js';
import { cleanOrphanedControlPlanes, startControlPlane, stopControlPlane } from './control-plane.js';
import { testRunsDir } from './state-paths.js';
import { KUBECTL_ENV, TEST_STATE_DIR_ENV } from './test-run-environment.js';

function log(line: string): void {
  process.stderr.write(`control-plane: ${line}\n`);
}

/** Provides the run's cluster and exports `KUBECONFIG` (and, for a local one, its state dir and kubectl). */
export async function setUpTestCluster(root: string): Promise<void> {
  const choice = chooseCluster();
  if (choice.kind === 'existing') {
    await assertClusterReachable(choice.kubeconfig);
    log(`using the cluster in KUBECONFIG=${choice.kubeconfig}`);
    return;
  }
  const runsDir = testRunsDir(root);
  await cleanOrphanedControlPlanes(runsDir, log);
  // One state directory per run: parallel runs in one checkout never share or stop each other's.
  const controlPlane = await startControlPlane({
    stateDir: join(runsDir, String(process.pid)),
    log,
    ownerPid: process.pid,
  });
  process.env.KUBECONFIG = controlPlane.kubeconfig;
  process.env[TEST_STATE_DIR_ENV] = controlPlane.stateDir;
  process.env[KUBECTL_ENV] = controlPlane.kubectl;
}

/** Stops the local control plane the setup started; leaves an existing cluster alone. */
export async function tearDownTestCluster(): Promise<void> {
  const stateDir = process.env[TEST_STATE_DIR_ENV];
  if (!stateDir) return;
  await stopControlPlane(stateDir);
  delete process.env[TEST_STATE_DIR_ENV];
  delete process.env.KUBECONFIG;
}
