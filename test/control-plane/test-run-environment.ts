/**
 * Environment variables through which the Jest global setup tells tests about the local control
 * plane it started (alongside `KUBECONFIG`). Unset when the tests run against an existing cluster.
 */

/** State directory of the run's control plane; holds `pki/ca.crt` and `pki/ca.key`. */
export const TEST_STATE_DIR_ENV = 'CDK8S_DATABRICKS_TEST_CONTROL_PLANE_DIR';

/** Path of the kubectl built alongside kube-apiserver. */
export const KUBECTL_ENV = 'CDK8S_DATABRICKS_KUBECTL';
