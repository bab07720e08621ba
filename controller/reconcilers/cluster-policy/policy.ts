/**
 * The DatabricksClusterPolicy reconciler: one cluster policy per object, equal to the spec (its typed
 * definition sent as the JSON document the API wants, or a policy family with overrides).
 *
 * - Which policy: `status.policyId`; else a policy of the wanted name, taken when status claimed the name
 *   before creating it (a crash between the create and the status write), or with `spec.adopt`, and
 *   refused otherwise (`PolicyExists`, `OwnedElsewhere`); else the name is claimed in status and the
 *   policy created. A recorded policy deleted in Databricks is created again. See `policy-decision.ts`.
 * - Settings: `policies/clusters/edit` (the whole policy) when the spec changed or the policy drifted.
 * - Reads: every policy is answered from the workspace's shared `policies/clusters/list`, read once per
 *   resync ({@link PolicyView}); nothing is written while Databricks matches the spec.
 * - Bad input: rule mistakes the schema cannot see are refused before any call (`InvalidSettings`, naming
 *   the rule); a definition Databricks refuses (INVALID_PARAMETER_VALUE) is `InvalidSettings` with its
 *   message, looked at again after the growing not-Ready backoff, or at once when the spec changes.
 * - Deleted: `deletionPolicy` Delete (default) deletes the policy, Retain leaves it. Databricks' default
 *   policies cannot be deleted: one adopted is left, with a Warning.
 *
 * Clusters reach it through `policy_ref`, which resolves to `status.policyId` once the object is Ready.
 */
import type { ClusterPolicy, ClusterPolicySettings, DatabricksClient } from '../../databricks/index.js';
import type { DatabricksClusterPolicyStatus } from '../../../lib/crds/index.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import {
  NotReadyError,
  WORKSPACE_INDEX,
  workspaceKeyOf,
  type Applied,
  type Checkpoint,
  type CleanedUp,
} from '../managed/managed.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { applyObjectPermissions } from '../managed/permissions.js';
import { freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import {
  decidePolicyPlacement,
  decidePolicySettings,
  needsPolicyName,
  policyDifferences,
  policyRuleProblems,
  policySettingsOf,
} from './policy-decision.js';
import { POLICIES, type DatabricksClusterPolicy, type PolicyContext } from './policy-types.js';
import { policyView, type PolicyView } from './policy-view.js';

export { POLICIES, type DatabricksClusterPolicy, type PolicyContext } from './policy-types.js';

type StatusFields = Omit<DatabricksClusterPolicyStatus, 'conditions' | 'observedGeneration'>;

/** The name of the policy in Databricks: `spec.name`, else the object's name. */
function policyName(object: DatabricksClusterPolicy): string {
  return object.spec.name ?? object.metadata.name;
}

/** The spec as the Policies API takes it, once its rules are known to be well formed. */
export function desiredPolicySettings(object: DatabricksClusterPolicy): ClusterPolicySettings {
  const problems = [
    ...policyRuleProblems(object.spec.definition, 'spec.definition'),
    ...policyRuleProblems(
      object.spec.policy_family_definition_overrides,
      'spec.policy_family_definition_overrides',
    ),
  ];
  if (problems.length > 0) throw new NotReadyError('InvalidSettings', problems.join('; '));
  return policySettingsOf(object.spec, policyName(object));
}

async function applyPolicy(
  object: DatabricksClusterPolicy,
  client: DatabricksClient,
  context: PolicyContext,
  checkpoint: Checkpoint<DatabricksClusterPolicyStatus>,
): Promise<Applied<DatabricksClusterPolicyStatus>> {
  const settings = desiredPolicySettings(object);
  const settingsHash = contentHash(settings);
  const view = policyView(client, context.view);
  const located = await locatePolicy(object, settings, client, context, checkpoint);
  const { policyId } = located;
  const appliedHash = object.status?.settingsHash;
  // A policy just created matches the spec by construction.
  const decision = located.created
    ? ({ action: 'none' } as const)
    : decidePolicySettings({
        desired: settings,
        desiredHash: settingsHash,
        ...(appliedHash === undefined ? {} : { appliedHash }),
        observed: located.observed,
      });
  const events: EventNote[] = [];
  if (decision.action === 'edit') {
    if (decision.diff.includes('name')) await refuseNameTaken(view, settings.name, policyId);
    try {
      await client.clusterPolicies.edit(policyId, settings);
    } finally {
      view.wrote(policyId);
    }
    events.push(editEvent(policyId, decision.cause, decision.diff));
  }
  const permissionsHash = await applyObjectPermissions(
    object,
    { objectType: 'cluster-policies', objectId: policyId, noun: 'cluster policy' },
    client,
    events,
    context.permissionsCycle,
  );
  return {
    status: { ...statusOf(policyId, settings.name, settingsHash), permissionsHash },
    reason: 'Synced',
    message: `cluster policy ${policyId} matches the spec`,
    events,
    // At its moment of the slow cycle, its permissions are read again.
    ...(permissionsHash === undefined
      ? {}
      : { requeueAfterMs: context.permissionsCycle.untilNext(object.metadata.uid ?? '') }),
  };
}

function statusOf(policyId: string, name: string, settingsHash: string | undefined): StatusFields {
  return { policyId, policyName: name, createPending: undefined, settingsHash };
}

/**
 * The policy this object manages (see {@link decidePolicyPlacement}); a new one is created after the
 * name is claimed in status, and reported as `created` (it matches the spec by construction).
 */
async function locatePolicy(
  object: DatabricksClusterPolicy,
  settings: ClusterPolicySettings,
  client: DatabricksClient,
  context: PolicyContext,
  checkpoint: Checkpoint<DatabricksClusterPolicyStatus>,
): Promise<
  | { readonly created: false; readonly policyId: string; readonly observed: ClusterPolicy }
  | { readonly created: true; readonly policyId: string }
> {
  const view = policyView(client, context.view);
  const name = settings.name;
  const recordedId = object.status?.policyId;
  const recordedPolicy = recordedId === undefined ? undefined : await view.byId(recordedId);
  const recorded = recordedId === undefined ? undefined : { policyId: recordedId, exists: !!recordedPolicy };
  const existing = needsPolicyName({ recorded }) ? await view.findNamed(name) : undefined;
  const decision = decidePolicyPlacement({
    name,
    ...(recorded ? { recorded } : {}),
    claimed: object.status?.policyName === name && object.status.createPending === true,
    ...(existing ? { existing: { policyId: existing.policy_id } } : {}),
    ...heldElsewhere(object, name, existing?.policy_id, context),
    adopt: object.spec.adopt ?? false,
    host: client.host,
  });
  switch (decision.action) {
    case 'use':
      return { created: false, policyId: decision.policyId, observed: recordedPolicy as ClusterPolicy };
    case 'refuse':
      throw new NotReadyError(decision.reason, decision.message);
    case 'take': {
      const event =
        decision.cause === 'Found'
          ? note(
              'Found',
              'FindPolicy',
              `found cluster policy ${decision.policyId} this object created earlier`,
            )
          : note(
              'Adopted',
              'AdoptPolicy',
              `adopted cluster policy ${decision.policyId} named '${name}' (spec.adopt); the spec replaces its settings`,
            );
      await checkpoint({ policyId: decision.policyId, policyName: name, createPending: undefined }, [event]);
      return { created: false, policyId: decision.policyId, observed: existing as ClusterPolicy };
    }
    case 'create': {
      // The claim goes first: a retry after a crash between the create and the next status write finds
      // the policy of this name and knows it is this object's.
      await checkpoint({ policyId: undefined, policyName: name, createPending: true });
      const { policy_id } = await client.clusterPolicies.create(settings);
      view.wrote(policy_id);
      const event = decision.recreate
        ? warning(
            'Recreated',
            'CreatePolicy',
            `cluster policy ${String(recordedId)} was deleted in Databricks; created cluster policy ${policy_id}`,
          )
        : note('Created', 'CreatePolicy', `created cluster policy ${policy_id}`);
      await checkpoint({ policyId: policy_id, createPending: undefined }, [event]);
      return { created: true, policyId: policy_id };
    }
  }
}

/** Another live object of the workspace holding the policy `policyId` or the name `name`. */
function heldElsewhere(
  object: DatabricksClusterPolicy,
  name: string,
  policyId: string | undefined,
  context: Pick<PolicyContext, 'policies'>,
): { heldBy?: string } {
  const [workspace] = workspaceKeyOf(object);
  for (const key of context.policies.keysByIndex(WORKSPACE_INDEX, workspace ?? '')) {
    const other = context.policies.get(key);
    if (!other || other.metadata.uid === object.metadata.uid) continue;
    const holds =
      (policyId !== undefined && other.status?.policyId === policyId) || other.status?.policyName === name;
    if (holds) return { heldBy: key };
  }
  return {};
}

/** A rename must not take a name another policy has (Databricks would refuse it as RESOURCE_ALREADY_EXISTS). */
async function refuseNameTaken(view: PolicyView, name: string, policyId: string): Promise<void> {
  const named = await view.findNamed(name);
  if (named && named.policy_id !== policyId) {
    throw new NotReadyError(
      'PolicyExists',
      `spec.name: cluster policy ${named.policy_id} is already named '${name}', and policy names are unique; choose another spec.name`,
    );
  }
}

function editEvent(
  policyId: string,
  cause: 'SpecChanged' | 'Drifted' | 'Adopted',
  diff: readonly string[],
): EventNote {
  if (cause === 'Drifted') {
    return {
      type: 'Warning',
      reason: 'DriftCorrected',
      action: 'EditPolicy',
      note: `edited cluster policy ${policyId} back to the spec after it was changed in Databricks (${shortList(diff)})`,
    };
  }
  const to = cause === 'Adopted' ? 'the spec' : 'the new spec';
  return note('Updated', 'EditPolicy', `edited cluster policy ${policyId} to ${to} (${shortList(diff)})`);
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupPolicy(
  object: DatabricksClusterPolicy,
  connect: () => Promise<DatabricksClient>,
  context: PolicyContext,
): Promise<CleanedUp> {
  context.permissionsCycle.forget(object.metadata.uid ?? '');
  const recorded = object.status?.policyId;
  const leftover = recorded
    ? { what: `cluster policy ${recorded}`, where: 'Databricks', noun: 'Policy' }
    : undefined;
  const left = leftInPlace(object, context, leftover);
  if (left) return left;
  const client = await connect();
  const view = policyView(client, context.view);
  // Claimed and created just before a crash: status has the name, not yet the ID.
  const claimedName = object.status?.createPending ? object.status.policyName : undefined;
  const policyId =
    recorded ?? (claimedName === undefined ? undefined : (await view.findNamed(claimedName))?.policy_id);
  if (!policyId) return done;
  if ((await view.byId(policyId))?.is_default) {
    return {
      events: [
        warning(
          'Retained',
          'RetainPolicy',
          `left cluster policy ${policyId} in Databricks: it is one of Databricks' default policies, which cannot be deleted`,
        ),
      ],
    };
  }
  await deleteUnlessGone(() => client.clusterPolicies.delete(policyId));
  view.wrote(policyId);
  return { events: [note('Deleted', 'DeletePolicy', `deleted cluster policy ${policyId}`)] };
}

/**
 * Under `managementPolicy: Observe`: the policy status recorded, else the one of the wanted name, is read
 * and never written; status says its ID, and `InSync` and `driftedFields` where it differs from the spec.
 */
async function observePolicy(
  object: DatabricksClusterPolicy,
  client: DatabricksClient,
  context: PolicyContext,
): Promise<Applied<DatabricksClusterPolicyStatus>> {
  const view = policyView(client, context.view);
  const recorded = object.status?.policyId;
  const name = policyName(object);
  const observed = recorded !== undefined ? await view.byId(recorded) : await view.findNamed(name);
  if (!observed) {
    throw new NotReadyError(
      'PolicyNotFound',
      recorded !== undefined
        ? `status.policyId: cluster policy ${recorded} does not exist in ${client.host}; managementPolicy Observe never creates one`
        : `no cluster policy in ${client.host} is named '${name}'; managementPolicy Observe never creates one: set spec.name to the policy to observe`,
    );
  }
  const drifted = policyDifferences(desiredPolicySettings(object), observed);
  return {
    status: { policyId: observed.policy_id, policyName: observed.name, driftedFields: drifted },
    reason: OBSERVED_REASON,
    message: observedMessage(`cluster policy ${observed.policy_id}`),
    conditions: [
      inSyncCondition(
        `cluster policy ${observed.policy_id}`,
        'the spec',
        drifted,
        object.metadata.generation,
      ),
    ],
  };
}

/** The DatabricksClusterPolicy kind, for `managedController`: woken by its workspace only. */
export const policyKind: ManagedKind<DatabricksClusterPolicy, DatabricksClusterPolicyStatus, PolicyContext> =
  {
    kind: 'DatabricksClusterPolicy',
    informer: ({ DatabricksClusterPolicy }) => DatabricksClusterPolicy,
    resource: POLICIES,
    context: ({ informer, config }, base) => ({
      ...base,
      policies: informer.store,
      view: freshUntilResync(informer, config.resyncPeriodMs),
      permissionsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
    }),
    apply: applyPolicy,
    cleanup: cleanupPolicy,
    observe: observePolicy,
  };
