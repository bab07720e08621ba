/**
 * The cluster decisions as tables: settings (leave, edit, resize, marker only, later) and state (ready,
 * wait, failed, terminate, start). No I/O.
 */
import type { ClusterDetails, ClusterSpec } from '../../../../controller/databricks/index.js';
import {
  decideClusterSettings,
  decideClusterState,
  type ClusterSettingsDecision,
  type ClusterSettingsFacts,
  type ClusterStateDecision,
  type ClusterStateFacts,
} from '../../../../controller/reconcilers/cluster/cluster-decision.js';
import { describeDecision } from '../../../../controller/reconcilers/managed/decision.js';
import type { KubeObject } from '../../../../controller/runtime/kube-client.js';

const owner: KubeObject = { metadata: { namespace: 'team', name: 'shared', uid: 'uid-self' } };
const OURS = { 'k8s-owner': 'team/shared', 'k8s-owner-uid': 'uid-self' };
const spec = (extra: Partial<ClusterSpec> = {}): ClusterSpec => ({
  cluster_name: 'shared',
  spark_version: '15.4.x-scala2.12',
  node_type_id: 'Standard_DS3_v2',
  num_workers: 2,
  ...extra,
});
const desired = spec({ custom_tags: { team: 'analytics', ...OURS } });
const cluster = (state: string, extra: Partial<ClusterSpec> = {}): ClusterDetails => {
  const remote = spec({ custom_tags: { team: 'analytics' }, ...extra });
  return { cluster_id: 'c-1', state, ...remote, spec: remote } as ClusterDetails;
};

function facts(
  observed: ClusterDetails,
  extra: Partial<Omit<ClusterSettingsFacts, 'observed'>> = {},
): ClusterSettingsFacts {
  return {
    desired,
    desiredHash: 'h2',
    appliedHash: 'h2',
    observed,
    state: String(observed.state),
    wanted: 'Running',
    owner,
    ...extra,
  };
}
const adopting = { appliedHash: undefined };

describe("what to do with a cluster's settings", () => {
  it.each<[string, ClusterSettingsFacts, ClusterSettingsDecision, string]>([
    [
      'adopting a running cluster whose settings match: the marker alone, with clusters/update',
      facts(cluster('RUNNING'), adopting),
      { action: 'adopt', diff: [], write: 'marker' },
      'adopt (marker only)',
    ],
    [
      'adopting a terminated cluster whose settings match: the marker alone',
      facts(cluster('TERMINATED'), adopting),
      { action: 'adopt', diff: [], write: 'marker' },
      'adopt (marker only)',
    ],
    [
      'adopting a cluster still starting: the marker once it runs',
      facts(cluster('PENDING'), adopting),
      { action: 'adopt', diff: [], write: 'later' },
      'adopt (marker only)',
    ],
    [
      'adopting a running cluster to be terminated: terminated first, marked afterwards',
      facts(cluster('RUNNING'), { ...adopting, wanted: 'Terminated' }),
      { action: 'adopt', diff: [], write: 'later' },
      'adopt (marker only)',
    ],
    [
      'adopting a cluster whose settings differ: an edit, naming the fields',
      facts(cluster('RUNNING', { autotermination_minutes: 30 }), adopting),
      { action: 'adopt', diff: ['autotermination_minutes'], write: 'edit' },
      'adopt autotermination_minutes',
    ],
    [
      'adopting a running cluster of another size: a resize, which keeps it running',
      facts(cluster('RUNNING', { num_workers: 5, custom_tags: { team: 'analytics', ...OURS } }), adopting),
      { action: 'adopt', diff: ['num_workers'], write: 'resize' },
      'adopt num_workers',
    ],
    [
      'found already marked and matching (created before a crash): nothing',
      facts(cluster('RUNNING', { custom_tags: { team: 'analytics', ...OURS } }), adopting),
      { action: 'none' },
      'none',
    ],
    [
      'matching what was applied: nothing',
      facts(cluster('RUNNING', { custom_tags: { team: 'analytics', ...OURS } })),
      { action: 'none' },
      'none',
    ],
    [
      'spec changed: an edit',
      facts(cluster('TERMINATED', { custom_tags: { team: 'analytics', ...OURS }, num_workers: 1 }), {
        appliedHash: 'h1',
      }),
      { action: 'update', cause: 'SpecChanged', diff: ['num_workers'], write: 'edit' },
      'update num_workers',
    ],
    [
      'resized in Databricks while running: resized back',
      facts(cluster('RUNNING', { custom_tags: { team: 'analytics', ...OURS }, num_workers: 8 })),
      { action: 'update', cause: 'Drifted', diff: ['num_workers'], write: 'resize' },
      'update num_workers',
    ],
    [
      'its marker removed in Databricks: an edit puts it back',
      facts(cluster('RUNNING')),
      {
        action: 'update',
        cause: 'Drifted',
        diff: ['custom_tags.k8s-owner', 'custom_tags.k8s-owner-uid'],
        write: 'edit',
      },
      'update custom_tags.k8s-owner, custom_tags.k8s-owner-uid',
    ],
    [
      'changed while restarting: the edit waits',
      facts(
        cluster('RESTARTING', {
          custom_tags: { team: 'analytics', ...OURS },
          spark_version: '14.3.x-scala2.12',
        }),
      ),
      { action: 'update', cause: 'Drifted', diff: ['spark_version'], write: 'later' },
      'update spark_version',
    ],
  ])('%s', (_, input, decision, line) => {
    const decided = decideClusterSettings(input);
    expect(decided).toEqual(decision);
    expect(describeDecision(decided)).toBe(line);
  });
});

describe("what to do about a cluster's state", () => {
  const failedStart = { code: 'CLOUD_PROVIDER_LAUNCH_FAILURE', type: 'CLOUD_FAILURE' };
  const state = (
    wanted: ClusterStateFacts['wanted'],
    now: string,
    extra: Partial<ClusterStateFacts> = {},
  ): ClusterStateFacts => ({ wanted, state: now, edited: false, failureReported: false, ...extra });
  it.each<[string, ClusterStateFacts, ClusterStateDecision]>([
    ['Running and running', state('Running', 'RUNNING'), { step: 'ready', reason: 'Running' }],
    ['Running, starting', state('Running', 'PENDING'), { step: 'wait', until: 'RUNNING' }],
    ['Running, restarting after an edit', state('Running', 'RESTARTING'), { step: 'wait', until: 'RUNNING' }],
    [
      'Running, terminated in the UI',
      state('Running', 'TERMINATED', { terminationReason: { code: 'USER_REQUEST', type: 'SUCCESS' } }),
      { step: 'start' },
    ],
    [
      'Running, terminated for inactivity: left so',
      state('Running', 'TERMINATED', { terminationReason: { code: 'INACTIVITY', type: 'SUCCESS' } }),
      { step: 'ready', reason: 'AutoTerminated' },
    ],
    [
      'Running, a launch that failed: reported first',
      state('Running', 'TERMINATED', { terminationReason: failedStart }),
      { step: 'failed', poll: false },
    ],
    [
      'Running, a failed launch already reported: started again',
      state('Running', 'TERMINATED', { terminationReason: failedStart, failureReported: true }),
      { step: 'start' },
    ],
    [
      'Running, a failed launch whose settings were just fixed: started at once',
      state('Running', 'TERMINATED', { terminationReason: failedStart, edited: true }),
      { step: 'start' },
    ],
    [
      'Running, failing while it terminates: watched closely',
      state('Running', 'TERMINATING', { terminationReason: failedStart }),
      { step: 'failed', poll: true },
    ],
    ['Terminated and terminated', state('Terminated', 'TERMINATED'), { step: 'ready', reason: 'Terminated' }],
    ['Terminated, running', state('Terminated', 'RUNNING'), { step: 'terminate' }],
    ['Terminated, terminating', state('Terminated', 'TERMINATING'), { step: 'wait', until: 'TERMINATED' }],
    ['Terminated, in ERROR', state('Terminated', 'ERROR'), { step: 'failed', poll: false }],
  ])('%s', (_, input, decision) => {
    expect(decideClusterState(input)).toEqual(decision);
  });
});
