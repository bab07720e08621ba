/**
 * Finding (or creating) the Databricks cluster a DatabricksCluster manages, and refusing one that
 * another live DatabricksCluster owns.
 */
import type { ClusterDetails, ClusterSpec, DatabricksClient } from '../../databricks/index.js';
import type { EventNote } from '../../runtime/events.js';
import type { ClusterContext, DatabricksCluster } from './cluster-types.js';
import { ClusterView } from './cluster-view.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import { NotReadyError, type Checkpoint } from '../managed/managed.js';
import type { DatabricksClusterStatus } from '../../../lib/crds/index.js';
import { describeMarker, isLeftBehindFor, refuseIfOwnedElsewhere } from '../managed/ownership.js';
import type { ListingFreshness } from '../managed/shared-listing.js';

/**
 * The cluster this object manages, read from Databricks: the one in status, the adopted one, the one an
 * earlier attempt created (found by the marker), or a new one. A recorded cluster deleted in Databricks
 * is created again.
 */
export async function locateCluster(
  cluster: DatabricksCluster,
  settings: ClusterSpec,
  client: DatabricksClient,
  context: ClusterContext,
  checkpoint: Checkpoint<DatabricksClusterStatus>,
): Promise<{ clusterId: string; observed: ClusterDetails }> {
  // The cluster found or made is in status before the reconcile goes on: a retry starts from it.
  const record = (clusterId: string, event: EventNote) => checkpoint({ clusterId }, [event]);
  const uid = cluster.metadata.uid ?? '';
  const view = ClusterView.of(client, context.view);
  const getCluster = (clusterId: string) => view.cluster(clusterId);
  const create = async (): Promise<{ clusterId: string; observed: ClusterDetails }> => {
    const { cluster_id } = await client.clusters.create(settings);
    view.created(uid, cluster_id, settings.custom_tags);
    return { clusterId: cluster_id, observed: await client.clusters.get(cluster_id) };
  };
  const recorded = cluster.status?.clusterId;
  if (recorded !== undefined) {
    const observed = await getCluster(recorded);
    if (observed) {
      refuseIfTaken(observed, cluster, context, 'status.clusterId');
      return { clusterId: recorded, observed };
    }
    // The replacement may exist already: made by a pass whose status write this cached copy predates.
    const replacement = await view.findOwned(uid);
    if (replacement) return { clusterId: replacement.cluster_id, observed: replacement };
    const created = await create();
    await record(
      created.clusterId,
      warning(
        'Recreated',
        'CreateCluster',
        `cluster ${recorded} was deleted in Databricks; created cluster ${created.clusterId}`,
      ),
    );
    return created;
  }
  const adopted = cluster.spec.clusterId;
  if (adopted !== undefined) {
    const observed = await getCluster(adopted);
    if (!observed) {
      throw new NotReadyError(
        'ClusterNotFound',
        `spec.clusterId: cluster ${adopted} does not exist in ${client.host}; point spec.clusterId at an existing cluster, or remove it to create a new one`,
      );
    }
    if (observed.cluster_source === 'JOB') {
      throw new NotReadyError(
        'InvalidSettings',
        `spec.clusterId: cluster ${adopted} was launched for a job run and cannot be edited; adopt an all-purpose cluster`,
      );
    }
    refuseIfTaken(observed, cluster, context, 'spec.clusterId');
    await record(
      adopted,
      note('Adopted', 'AdoptCluster', `adopted cluster ${adopted}; spec.settings replace its settings`),
    );
    return { clusterId: adopted, observed };
  }
  const { owned: found, leftBehind } = await findMarkedClusters(view, cluster);
  if (found) {
    // Created by an earlier attempt that did not live to write status: that cluster, not a second one.
    await record(
      found.cluster_id,
      note('Found', 'FindCluster', `found cluster ${found.cluster_id} this object created earlier`),
    );
    return { clusterId: found.cluster_id, observed: found };
  }
  const [left, ...alsoLeft] = leftBehind;
  if (left) {
    // An earlier DatabricksCluster of this name left it (Retain, or orphaned): taken back, not copied.
    // Its marker becomes this object's with the edit that applies spec.settings.
    const others =
      alsoLeft.length > 0
        ? `; cluster ${shortList(alsoLeft.map((other) => other.cluster_id))} carry the same earlier marker and were left alone`
        : '';
    await record(
      left.cluster_id,
      note(
        'Reclaimed',
        'ReclaimCluster',
        `took back cluster ${left.cluster_id}, left in Databricks by an earlier DatabricksCluster ${describeMarker(tagsOf(left))}, instead of creating a copy; spec.settings and this object's marker replace its settings${others}`,
      ),
    );
    return { clusterId: left.cluster_id, observed: left };
  }
  const created = await create();
  await record(created.clusterId, note('Created', 'CreateCluster', `created cluster ${created.clusterId}`));
  return created;
}

/**
 * The cluster whose marker carries `uid`, from the workspace's shared clusters listing; it is looked for
 * only while status has no cluster ID (first reconcile, or after a crash).
 */
export function findOwnedCluster(
  client: DatabricksClient,
  uid: string,
  freshness?: ListingFreshness,
): Promise<ClusterDetails | undefined> {
  return ClusterView.of(client, freshness).findOwned(uid);
}

/**
 * From the workspace's shared clusters listing: the cluster whose marker carries `cluster`'s UID, or else
 * the clusters an earlier DatabricksCluster of the same namespace and name left behind
 * ({@link isLeftBehindFor}), oldest (lowest start time, then ID) first.
 */
async function findMarkedClusters(
  view: ClusterView,
  cluster: DatabricksCluster,
): Promise<{ owned?: ClusterDetails; leftBehind: ClusterDetails[] }> {
  const uid = cluster.metadata.uid ?? '';
  if (uid === '') return { leftBehind: [] };
  const owned = await view.findOwned(uid);
  if (owned) return { owned, leftBehind: [] };
  const leftBehind = await view.findLeftBehind((tags) => isLeftBehindFor(tags, cluster));
  return {
    leftBehind: leftBehind.sort(
      (a, b) => (a.start_time ?? 0) - (b.start_time ?? 0) || (a.cluster_id < b.cluster_id ? -1 : 1),
    ),
  };
}

function tagsOf(observed: ClusterDetails): Readonly<Record<string, string>> | undefined {
  return observed.custom_tags ?? observed.spec?.custom_tags;
}

/** Throws `OwnedElsewhere` when the cluster's marker names another DatabricksCluster that still exists. */
function refuseIfTaken(
  observed: ClusterDetails,
  cluster: DatabricksCluster,
  context: ClusterContext,
  field: string,
): void {
  refuseIfOwnedElsewhere(
    { tags: tagsOf(observed), noun: 'cluster', id: observed.cluster_id, field },
    cluster,
    { kind: 'DatabricksCluster', store: context.clusters },
  );
}
