/**
 * The main job until the controller lands (`npm run demo`): a real kube-apiserver takes the synthesized
 * CRDs and the example apps, and `kubectl get databricks` shows what a user's cluster would hold.
 *
 * Uses the cluster in KUBECONFIG when it is set and reachable; otherwise starts the local control plane
 * (building it on first use) and stops it again at the end. `--keep` leaves it running and prints how
 * to reach it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { assertClusterReachable, chooseCluster } from '../test/control-plane/cluster-selection.js';
import { startControlPlane, stopControlPlane } from '../test/control-plane/control-plane.js';

const keep = process.argv.includes('--keep');
const stateDir = resolve('.cache/demo-control-plane');
const crdFile = resolve('dist/databricks.operator.dev.crds.yaml');
const examplesDir = resolve('dist/examples');
const log = (line: string) => console.log(`demo: ${line}`);

function kubectl(binary: string, kubeconfig: string, args: string[]): string {
  return execFileSync(binary, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
}

/** Namespaces the example manifests put their objects in. */
function exampleNamespaces(files: string[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(/^ {2}namespace: (\S+)$/gm)) names.add(match[1]);
  }
  return [...names].sort();
}

async function main(): Promise<void> {
  const choice = chooseCluster();
  let kubeconfig: string;
  let kubectlBinary = 'kubectl';
  let startedHere = false;
  if (choice.kind === 'existing') {
    await assertClusterReachable(choice.kubeconfig);
    kubeconfig = choice.kubeconfig;
    log(`using the cluster in KUBECONFIG (${kubeconfig})`);
  } else {
    const plane = await startControlPlane({ stateDir, log });
    kubeconfig = plane.kubeconfig;
    kubectlBinary = plane.kubectl;
    startedHere = plane.started;
    log(`local control plane at ${plane.server}`);
  }

  try {
    log(`installing the CRDs from ${crdFile}`);
    kubectl(kubectlBinary, kubeconfig, ['apply', '--server-side', '-f', crdFile]);
    kubectl(kubectlBinary, kubeconfig, [
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd',
      '-l',
      'app.kubernetes.io/part-of=cdk8s-databricks',
    ]);

    const files = readdirSync(examplesDir)
      .filter((name) => name.endsWith('.yaml'))
      .map((name) => join(examplesDir, name));
    for (const namespace of exampleNamespaces(files)) {
      execFileSync(kubectlBinary, ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {
        input: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`,
      });
    }
    for (const file of files) {
      log(`applying ${file}`);
      kubectl(kubectlBinary, kubeconfig, ['apply', '--server-side', '-f', file]);
    }
    console.log(kubectl(kubectlBinary, kubeconfig, ['get', 'databricks', '--all-namespaces']));
    if (keep) {
      console.log(`export KUBECONFIG=${kubeconfig}`);
      log(`left running; stop it with: npm run control-plane -- down --dir ${stateDir}`);
    }
  } finally {
    if (startedHere && !keep) {
      await stopControlPlane(stateDir);
      log('stopped the local control plane');
    }
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
