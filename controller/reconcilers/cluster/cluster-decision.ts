/**
 * What to do with a DatabricksCluster's cluster once it is found, decided without any I/O: first its
 * settings (leave, edit, resize, write only the ownership marker, or wait for a state Databricks edits
 * in), then its state (Ready, wait, report a failure, terminate, start). The reconciler reads the
 * cluster, calls {@link decideClusterSettings} and {@link decideClusterState}, then acts.
 *
 * Databricks edits a cluster only when RUNNING (it restarts) or TERMINATED (BEHAVIOUR.md §1.2);
 * `clusters/update` with an `update_mask` is a partial update, and the test bed's fake applies it with the
 * same state rules, restarting a RUNNING cluster as an edit does.
 */
import type { ClusterDetails, ClusterSpec } from '../../databricks/index.js';
import { AllPurposeClusterSettings, type DesiredClusterState } from '../../../lib/crds/index.js';
import { clusterDriftRules } from '../../drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../drift/settings-diff.js';
import type { KubeObject } from '../../runtime/kube-client.js';
import { jsonEqual } from '../../runtime/merge-patch.js';
import { withOwnerTags } from '../managed/ownership.js';

const clusterDiff = new SettingsDiff(AllPurposeClusterSettings as SettableFieldsSchema, clusterDriftRules);

/** How settings reach the cluster. */
export type ClusterWrite =
  /** `clusters/edit` of the whole spec (a RUNNING cluster restarts). */
  | 'edit'
  /** `clusters/resize`: only the size differs, on a RUNNING cluster, which keeps running. */
  | 'resize'
  /** `clusters/update` of `custom_tags` alone: only the ownership marker is missing. */
  | 'marker'
  /** Not now: the cluster is in a state Databricks edits nothing in, or is to be terminated first. */
  | 'later';

/** What to do with the cluster's settings. */
export type ClusterSettingsDecision =
  | { readonly action: 'none' }
  | {
      readonly action: 'update';
      /** `SpecChanged` is the spec asking; `Drifted` is a change made in Databricks. */
      readonly cause: 'SpecChanged' | 'Drifted';
      /** The fields that differ (absent when the spec changed in a way the drift rules do not see). */
      readonly diff?: readonly string[];
      readonly write: ClusterWrite;
    }
  /** Nothing this object asked for was applied yet: only what differs is written; an empty diff is the marker. */
  | { readonly action: 'adopt'; readonly diff: readonly string[]; readonly write: ClusterWrite };

/** What the settings decision looks at. */
export interface ClusterSettingsFacts {
  /** `spec.settings` with the marker added. */
  readonly desired: ClusterSpec;
  readonly desiredHash: string;
  /** `status.settingsHash`: the settings last applied; absent until this object applied any. */
  readonly appliedHash?: string;
  readonly observed: ClusterDetails;
  /** The cluster's state now (what `observed` says). */
  readonly state: string;
  /** `spec.state`. */
  readonly wanted: DesiredClusterState;
  /** The DatabricksCluster: its marker is what adoption writes. */
  readonly owner: KubeObject;
}

/** Leave, change or mark the cluster's settings, and how. */
export function decideClusterSettings(facts: ClusterSettingsFacts): ClusterSettingsDecision {
  const { desired, observed, appliedHash, desiredHash } = facts;
  const remote = observed.spec ?? observed;
  const diff = clusterSettingsDifferences(desired, remote);
  if (appliedHash === undefined) {
    // Adopted, reclaimed or found: write only what differs, and nothing at all when it already matches.
    if (diff.length === 0) return { action: 'none' };
    const marked = { ...remote, custom_tags: withOwnerTags(remote.custom_tags, facts.owner) };
    const unmarked = clusterSettingsDifferences(desired, marked);
    const write = unmarked.length === 0 ? writeIn(facts, 'marker') : howToWrite(facts, diff);
    return { action: 'adopt', diff: unmarked, write };
  }
  const specChanged = appliedHash !== desiredHash && !jsonEqual(desired, observed.spec);
  if (diff.length === 0 && !specChanged) return { action: 'none' };
  return {
    action: 'update',
    cause: specChanged ? 'SpecChanged' : 'Drifted',
    ...(diff.length > 0 ? { diff } : {}),
    write: howToWrite(facts, diff),
  };
}

/** The field paths where the cluster differs from `desired`, as the drift rules judge them. */
/** The field paths where a cluster's settings differ from `desired`, as the drift rules judge them. */
export function clusterSettingsDifferences(desired: ClusterSpec, remote: ClusterSpec): string[] {
  return clusterDiff.differences(desired, remote).map((difference) => difference.path);
}

/** `write` when the cluster's state takes it now, else `later`. */
function writeIn(facts: ClusterSettingsFacts, write: ClusterWrite): ClusterWrite {
  const { state, wanted } = facts;
  return state === 'TERMINATED' || (state === 'RUNNING' && wanted === 'Running') ? write : 'later';
}

function howToWrite(facts: ClusterSettingsFacts, diff: readonly string[]): ClusterWrite {
  const resize = facts.state === 'RUNNING' && onlySizeDiffers(facts.desired, facts.observed, diff);
  return writeIn(facts, resize ? 'resize' : 'edit');
}

/** A size change of a running cluster needs no restart: everything but the size already matches. */
function onlySizeDiffers(settings: ClusterSpec, observed: ClusterDetails, diff: readonly string[]): boolean {
  const sizeless = ({ num_workers: _n, autoscale: _a, ...rest }: Record<string, unknown>) => rest;
  if (observed.spec) return jsonEqual(sizeless(settings), sizeless(observed.spec));
  return diff.length > 0 && diff.every((path) => path === 'num_workers' || path.startsWith('autoscale'));
}

/** What to do about the cluster's state, after its settings. */
export type ClusterStateDecision =
  /** It is as `spec.state` asks: `Running`, `Terminated`, or `AutoTerminated` (idle, left so). */
  | { readonly step: 'ready'; readonly reason: 'Running' | 'Terminated' | 'AutoTerminated' }
  /** It is moving on its own: look again soon. */
  | { readonly step: 'wait'; readonly until: 'RUNNING' | 'TERMINATED' }
  /** It failed: say so (`ClusterError`), looking again after the backoff or, with `poll`, soon. */
  | { readonly step: 'failed'; readonly poll: boolean }
  | { readonly step: 'terminate' }
  | { readonly step: 'start' };

/** What the state decision looks at. */
export interface ClusterStateFacts {
  readonly wanted: DesiredClusterState;
  /** The state now, after any settings write. */
  readonly state: string;
  readonly terminationReason?: ClusterDetails['termination_reason'];
  /** Whether the settings were written in this pass. */
  readonly edited: boolean;
  /** Whether status already reports `ClusterError` in this very state: the backoff has been waited out. */
  readonly failureReported: boolean;
}

/** Reach the state `spec.state` asks for, one step at a time. */
export function decideClusterState(facts: ClusterStateFacts): ClusterStateDecision {
  const { wanted, state, terminationReason: reason } = facts;
  if (wanted === 'Terminated') {
    if (state === 'TERMINATED') return { step: 'ready', reason: 'Terminated' };
    if (state === 'TERMINATING') return { step: 'wait', until: 'TERMINATED' };
    if (state === 'ERROR') return { step: 'failed', poll: false };
    return { step: 'terminate' };
  }
  if (state === 'RUNNING') return { step: 'ready', reason: 'Running' };
  if (state === 'TERMINATED' && reason?.code === 'INACTIVITY')
    return { step: 'ready', reason: 'AutoTerminated' };
  const failed = state === 'ERROR' || (reason?.type !== undefined && reason.type !== 'SUCCESS');
  if (failed && state === 'TERMINATING') return { step: 'failed', poll: true };
  if (state !== 'TERMINATED' && state !== 'ERROR') return { step: 'wait', until: 'RUNNING' };
  // Report the failure and wait out the growing backoff; the pass after that starts it again.
  if (failed && !facts.edited && !facts.failureReported) return { step: 'failed', poll: false };
  return { step: 'start' };
}
