/**
 * A Databricks cluster's state as a DatabricksCluster reports it: the status fields read from the
 * cluster, and the `Ready=False` reasons of a cluster that is moving between states or has failed.
 */
import type { ClusterDetails } from '../../databricks/index.js';
import {
  CLUSTER_MOVING_REASONS,
  CLUSTER_WAITING,
  isClusterState,
  type DatabricksClusterStatus,
} from '../../../lib/crds/index.js';
import { NotReadyError } from '../managed/managed.js';

/** Every status field but `conditions` and `observedGeneration`. */
export type ClusterStatusFields = Omit<DatabricksClusterStatus, 'conditions' | 'observedGeneration'>;

/** Ready=False reasons of the states a cluster passes through on its own. */
const MOVING: Readonly<Record<string, string>> = CLUSTER_MOVING_REASONS;

/** Every status field, absent ones as undefined so that a stale value is removed. */
export function observedStatus(
  observed: ClusterDetails,
  state: string,
  url: string,
  settingsHash: string | undefined,
): ClusterStatusFields {
  const reason = observed.termination_reason;
  return {
    clusterId: observed.cluster_id,
    url,
    // The states status can hold are the CRD's enum; a state Databricks adds later is shown as UNKNOWN.
    state: isClusterState(state) ? state : 'UNKNOWN',
    stateMessage: state === observed.state ? observed.state_message || undefined : undefined,
    numWorkers: state === 'TERMINATED' ? 0 : observed.num_workers,
    terminationReason:
      reason && state !== 'RUNNING'
        ? {
            code: reason.code,
            type: reason.type,
            parameters: reason.parameters ? { ...reason.parameters } : undefined,
          }
        : undefined,
    settingsHash,
  };
}

/**
 * `Ready=False` while the cluster passes through `state` on its own: no Warning, and a look again after
 * `retryAfterMs` rather than the failing-time backoff.
 */
export function clusterMoving(
  clusterId: string,
  state: string,
  message: string,
  status: ClusterStatusFields,
  retryAfterMs: number,
): NotReadyError {
  return new NotReadyError(MOVING[state] ?? CLUSTER_WAITING, `cluster ${clusterId} is ${state}: ${message}`, {
    status,
    warn: false,
    retryAfterMs,
  });
}

/** `ClusterError`: the cluster failed, with the reason and message Databricks gave. */
export function clusterError(
  clusterId: string,
  observed: ClusterDetails,
  status: ClusterStatusFields,
  retryAfterMs?: number,
): NotReadyError {
  const reason = observed.termination_reason;
  const detail = reason?.parameters?.['databricks_error_message'] ?? observed.state_message;
  const code = reason?.code ? ` (${reason.code}${reason.type ? `, ${reason.type}` : ''})` : '';
  return new NotReadyError(
    'ClusterError',
    `cluster ${clusterId} is ${String(observed.state)}${code}: ${detail || 'Databricks gave no message'}`,
    { status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}
