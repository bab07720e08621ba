import { readFileSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

/** Name of the cluster, user and context in kubeconfigs of the local control plane. */
export const LOCAL_CONTEXT = 'cdk8s-databricks-local';

/**
 * Writes a kubeconfig for `server` that authenticates with a client certificate. Certificates are
 * embedded rather than referenced so the file keeps working when copied elsewhere.
 */
export function writeCertificateKubeconfig(
  path: string,
  options: { server: string; caCert: string; clientCert: string; clientKey: string; user: string },
): void {
  const base64 = (file: string) => readFileSync(file).toString('base64');
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: LOCAL_CONTEXT,
        cluster: { server: options.server, 'certificate-authority-data': base64(options.caCert) },
      },
    ],
    users: [
      {
        name: options.user,
        user: {
          'client-certificate-data': base64(options.clientCert),
          'client-key-data': base64(options.clientKey),
        },
      },
    ],
    contexts: [{ name: LOCAL_CONTEXT, context: { cluster: LOCAL_CONTEXT, user: options.user } }],
    'current-context': LOCAL_CONTEXT,
  };
  writeFileSync(path, stringify(kubeconfig), { mode: 0o600 });
}
