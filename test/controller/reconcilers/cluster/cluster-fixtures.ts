/**
 * What the DatabricksCluster integration tests share: a quick-starting fake, cluster specs, the cluster
 * as Databricks has it, and the Events recorded about an object.
 */
import type { EventsV1Event } from '@kubernetes/client-node';
import type { DatabricksCluster } from '../../../../controller/reconcilers/cluster/cluster.js';
import type { ClustersService } from '../../../fake-databricks/clusters.js';
import type { FakeWorkspace } from '../../../fake-databricks/index.js';
import { RESOURCES, type OperatorTestBed } from '../../operator-test-bed.js';

export const CLUSTERS = RESOURCES.DatabricksCluster;

/** Cluster start and stop in a fraction of a second, so a test sees every state quickly. */
export const QUICK_CLUSTERS = { clusterStartMs: 150, clusterTerminateMs: 100 };

/** Settings of a small all-purpose cluster. */
export function clusterSettings(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cluster_name: name,
    spark_version: '15.4.x-scala2.12',
    node_type_id: 'i3.xlarge',
    num_workers: 1,
    ...extra,
  };
}

/** A DatabricksCluster spec in workspace `ws`. */
export function clusterSpec(settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { workspaceRef: { name: 'ws' }, settings, ...extra };
}

/** Creates a DatabricksCluster and waits until it is Ready. */
export async function createReadyCluster(
  bed: OperatorTestBed,
  name: string,
  extra: Record<string, unknown> = {},
  settings: Record<string, unknown> = clusterSettings(name),
): Promise<DatabricksCluster> {
  await bed.create(CLUSTERS, 'DatabricksCluster', name, clusterSpec(settings, extra));
  return bed.waitForCondition<DatabricksCluster>(CLUSTERS, name);
}

/** `clusters/get` as Databricks answers it. */
export interface RemoteCluster extends Record<string, unknown> {
  readonly cluster_id: string;
  readonly state: string;
  readonly cluster_name?: string;
  readonly num_workers?: number;
  readonly custom_tags?: Record<string, string>;
  readonly spark_conf?: Record<string, string>;
  readonly termination_reason?: { code: string; type: string };
}

/** The cluster as Databricks has it, or undefined when it does not exist. */
export async function remoteCluster(fake: FakeWorkspace, clusterId: string | undefined) {
  if (clusterId === undefined) return undefined;
  const clusters = fake.service<ClustersService>('clusters');
  if (!clusters.exists(clusterId)) return undefined;
  return (await fake.ui.call('clusters/get', { cluster_id: clusterId })) as unknown as RemoteCluster;
}

/** The clusters service of the fake, for acting on clusters directly. */
export function clusterService(fake: FakeWorkspace): ClustersService {
  return fake.service<ClustersService>('clusters');
}

/** The Events recorded about object `name`, oldest first. */
export async function eventsAbout(bed: OperatorTestBed, name: string): Promise<EventsV1Event[]> {
  const { items } = await bed.kube.events.listNamespacedEvent({ namespace: bed.namespace });
  return items.filter((event) => event.regarding?.name === name);
}

/** The reasons of those Events. */
export async function eventReasons(bed: OperatorTestBed, name: string): Promise<string[]> {
  return (await eventsAbout(bed, name)).map((event) => event.reason ?? '');
}
