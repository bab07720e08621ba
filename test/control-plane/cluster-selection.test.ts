import { chooseCluster } from './cluster-selection.js';

describe('choosing the cluster for integration tests', () => {
  it('uses the cluster KUBECONFIG names', () => {
    expect(chooseCluster({ KUBECONFIG: '/home/me/.kube/kind' })).toEqual({
      kind: 'existing',
      kubeconfig: '/home/me/.kube/kind',
    });
  });

  it('starts the local control plane when KUBECONFIG is unset or empty', () => {
    expect(chooseCluster({})).toEqual({ kind: 'local' });
    expect(chooseCluster({ KUBECONFIG: ' ' })).toEqual({ kind: 'local' });
  });

  it('starts the local control plane when CDK8S_DATABRICKS_CONTROL_PLANE=local, even with KUBECONFIG set', () => {
    expect(chooseCluster({ KUBECONFIG: '/x', CDK8S_DATABRICKS_CONTROL_PLANE: 'local' })).toEqual({
      kind: 'local',
    });
  });

  it('rejects an unknown CDK8S_DATABRICKS_CONTROL_PLANE value, naming the accepted one', () => {
    expect(() => chooseCluster({ CDK8S_DATABRICKS_CONTROL_PLANE: 'kind' })).toThrow(
      'CDK8S_DATABRICKS_CONTROL_PLANE="kind" is not understood; set it to "local"',
    );
  });
});
