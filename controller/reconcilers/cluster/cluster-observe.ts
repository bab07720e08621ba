/**
 * A DatabricksCluster under `managementPolicy: Observe`: the cluster is read, never written, started or
 * terminated. It is the one `spec.clusterId` names, else the one status recorded, else the one carrying
 * this object's marker. Status says its ID and state, and the `InSync` condition and `driftedFields` say
 * where its settings differ from `spec.settings` (the marker aside) and whether its state is the one
 * `spec.state` asks for. A cluster another DatabricksCluster owns is refused, as when managed.
 */
import type { ClusterDetails, DatabricksClient } from '../../databricks/index.js';
import type { DatabricksClusterStatus } from '../../../lib/crds/index.js';
import { NotReadyError, type Applied } from '../managed/managed.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { isLeftBehindFor, refuseIfOwnedElsewhere, withoutOwnerTags } from '../managed/ownership.js';
import type { ClusterContext, DatabricksCluster } from './cluster-types.js';
import { clusterSettingsDifferences } from './cluster-decision.js';
import { resolvedClusterSettings } from './cluster-references.js';
import { observedStatus } from './cluster-state.js';
import { ClusterView } from './cluster-view.js';

const tagsOf = (cluster: ClusterDetails) => cluster.custom_tags ?? cluster.spec?.custom_tags;

/** Reads the cluster `cluster` observes and reports how it differs from its spec. */
export async function observeCluster(
  cluster: DatabricksCluster,
  client: DatabricksClient,
  context: ClusterContext,
): Promise<Applied<DatabricksClusterStatus>> {
  const view = ClusterView.of(client, context.view);
  const named = cluster.spec.clusterId ?? cluster.status?.clusterId;
  const field = cluster.spec.clusterId !== undefined ? 'spec.clusterId' : 'status.clusterId';
  let observed: ClusterDetails | undefined;
  if (named !== undefined) {
    observed = await view.cluster(named);
    if (!observed) {
      throw new NotReadyError(
        'ClusterNotFound',
        `${field}: cluster ${named} does not exist in ${client.host}; managementPolicy Observe never creates one: point spec.clusterId at the cluster to observe`,
      );
    }
  } else {
    observed =
      (await view.findOwned(cluster.metadata.uid ?? '')) ??
      (await view.findLeftBehind((tags) => isLeftBehindFor(tags, cluster)))[0];
    if (!observed) {
      throw new NotReadyError(
        'ClusterNotFound',
        `no cluster in ${client.host} carries this object's marker, and spec.clusterId is not set; managementPolicy Observe never creates one: set spec.clusterId to the cluster to observe`,
      );
    }
  }
  refuseIfOwnedElsewhere(
    { tags: tagsOf(observed), noun: 'cluster', id: observed.cluster_id, field },
    cluster,
    { kind: 'DatabricksCluster', store: context.clusters },
  );
  const { cluster_id: clusterId } = observed;
  const remote = observed.spec ?? observed;
  const drifted = clusterSettingsDifferences(
    {
      ...resolvedClusterSettings(cluster, context.references),
      custom_tags: withoutOwnerTags(cluster.spec.settings.custom_tags) ?? {},
    },
    { ...remote, custom_tags: withoutOwnerTags(tagsOf(observed)) ?? {} },
  );
  const state = observed.state ?? 'UNKNOWN';
  const wanted = cluster.spec.state ?? 'Running';
  const idle = state === 'TERMINATED' && observed.termination_reason?.code === 'INACTIVITY';
  const stateDiffers =
    wanted === 'Running'
      ? (state === 'TERMINATED' && !idle) || state === 'ERROR'
      : state !== 'TERMINATED' && state !== 'TERMINATING';
  const fields = stateDiffers ? [...drifted, 'state'] : drifted;
  const { settingsHash: _unused, ...status } = observedStatus(
    observed,
    state,
    `${client.host}/compute/clusters/${clusterId}`,
    undefined,
  );
  return {
    status: { ...status, driftedFields: fields },
    reason: OBSERVED_REASON,
    message: observedMessage(`cluster ${clusterId} (${state})`),
    conditions: [
      inSyncCondition(
        `cluster ${clusterId}`,
        'spec.settings and spec.state',
        fields,
        cluster.metadata.generation,
      ),
    ],
  };
}
