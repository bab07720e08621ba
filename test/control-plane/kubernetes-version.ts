/**
 * The one Kubernetes release the local control plane is built from. Bump it here, then run
 * `npm run control-plane -- go-mod` to regenerate the Go wrapper module in `go/`.
 *
 * Debian's etcd-server (3.4) is supported by kube-apiserver 1.30 to 1.32, so stay within that range
 * unless etcd is upgraded as well.
 */
export const KUBERNETES_VERSION = 'v1.32.13';

/**
 * The tag the `k8s.io/*` staging modules (api, apimachinery, client-go, ...) carry for a Kubernetes
 * release: Kubernetes `v1.X.Y` publishes them as `v0.X.Y`.
 */
export function stagingModuleVersion(kubernetesVersion: string): string {
  const match = /^v1\.(\d+)\.(\d+)$/.exec(kubernetesVersion);
  if (!match) {
    throw new Error(
      `Kubernetes version "${kubernetesVersion}" is not a release tag like v1.32.13; ` +
        'set KUBERNETES_VERSION in test/control-plane/kubernetes-version.ts to one.',
    );
  }
  return `v0.${match[1]}.${match[2]}`;
}
