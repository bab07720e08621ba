import { KubeConfig, VersionApi } from '@kubernetes/client-node';

/**
 * Environment variable that forces the local control plane even when KUBECONFIG is set
 * (`CDK8S_DATABRICKS_CONTROL_PLANE=local`).
 */
export const CONTROL_PLANE_MODE_ENV = 'CDK8S_DATABRICKS_CONTROL_PLANE';

/** Which cluster integration tests and the demo run against. */
export type ClusterChoice = { kind: 'existing'; kubeconfig: string } | { kind: 'local' };

/**
 * The rule: a `KUBECONFIG` in the environment names the cluster to use (kind, minikube, a real
 * one), so users without Go can run everything; without it, or with
 * `CDK8S_DATABRICKS_CONTROL_PLANE=local`, the project starts its own control plane. A default
 * `~/.kube/config` is deliberately not picked up: tests create CRDs and namespaces, and that should
 * never happen on a cluster nobody asked for.
 */
export function chooseCluster(env: NodeJS.ProcessEnv = process.env): ClusterChoice {
  if (env[CONTROL_PLANE_MODE_ENV] === 'local') return { kind: 'local' };
  if (env[CONTROL_PLANE_MODE_ENV] !== undefined && env[CONTROL_PLANE_MODE_ENV] !== '') {
    throw new Error(
      `${CONTROL_PLANE_MODE_ENV}="${env[CONTROL_PLANE_MODE_ENV]}" is not understood; set it to "local" to ` +
        'start the local control plane, or unset it to follow KUBECONFIG.',
    );
  }
  const kubeconfig = env.KUBECONFIG?.trim();
  return kubeconfig ? { kind: 'existing', kubeconfig } : { kind: 'local' };
}

/** Fails with a message that says what to do when the cluster KUBECONFIG names does not answer. */
export async function assertClusterReachable(kubeconfig: string): Promise<void> {
  const config = new KubeConfig();
  try {
    config.loadFromFile(kubeconfig);
    await config.makeApiClient(VersionApi).getCode();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `KUBECONFIG=${kubeconfig} is set, so the tests use that cluster, but it is not reachable ` +
        `(${reason}). Fix the cluster or the file, or unset KUBECONFIG (or set ` +
        `${CONTROL_PLANE_MODE_ENV}=local) to run against the project's own local control plane.`,
    );
  }
}
