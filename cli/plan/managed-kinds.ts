/**
 * `plan` for the kinds issue 15 added: cluster policies, instance pools, pipelines, SQL warehouses, Git
 * folders and Git credentials. Each is decided by the controller's own pure code (the kind's
 * `*-decision.ts`: settings differences, placement and checkout rules), fed with what plan can know
 * without a cluster: no UID and no status.
 *
 * Identity without status:
 * - a pool, pipeline or warehouse is the one whose marker names the object's `namespace/name` (or the one
 *   `spec.pipelineId` / `spec.warehouseId` names); one of the wanted name that is not its own is refused,
 *   or adopted when the spec says so, as the controller would;
 * - a cluster policy is the policy of its name (names are unique in a workspace);
 * - a Git folder is the one at `spec.path`, a Git credential the principal's one credential. Neither has
 *   a marker: one that matches the spec's repository (or Git provider) is planned as the object's own,
 *   the state after the controller created or adopted it; one that does not is refused unless
 *   `spec.adopt`, and a folder of another repository always. A token is never compared.
 *
 * Reads: `policies/clusters/list`, `instance-pools/list`, `sql/warehouses/list` and
 * `git-credentials` once each (they hold every field compared); `pipelines/list`, then a get of each
 * listed pipeline (the list shows neither tags nor settings); per Git folder, the status of its path and
 * the folder there.
 */
import type {
  ClusterPolicy,
  GitCredential,
  InstancePoolAndStats,
  InstancePoolSettings,
  Pipeline,
  PipelineSettings,
  Repo,
  Warehouse,
  WarehouseSettings,
} from '../../controller/databricks/index.js';
import { gitFolderPath } from '../../controller/drift/object-paths.js';
import { OWNER_TAG, OWNER_UID_TAG, withoutOwnerTags } from '../../controller/drift/ownership-marker.js';
import type { ReferencedKind } from '../../controller/drift/task-references.js';
import {
  decidePolicyPlacement,
  policyDifferences,
  policyRuleProblems,
  policySettingsOf,
} from '../../controller/reconcilers/cluster-policy/policy-decision.js';
import {
  decideCredential,
  type CredentialFields,
} from '../../controller/reconcilers/git-credential/git-credential-decision.js';
import { decidePoolSettings } from '../../controller/reconcilers/instance-pool/pool-decision.js';
import { pipelineSettingsDifferences } from '../../controller/reconcilers/pipeline/pipeline-decision.js';
import {
  checkoutNeeded,
  decideRepo,
  sameRepository,
  type AtPath,
} from '../../controller/reconcilers/repo/repo-decision.js';
import {
  decideWarehouseState,
  warehouseSettingsDifferences,
} from '../../controller/reconcilers/sql-warehouse/warehouse-decision.js';
import type { WorkspaceReads } from '../import/workspace-reader.js';
import { KNOWN_AFTER_APPLY, keyOf, ownerOf, unlessMissing, type Planned, type Tags } from './plan-types.js';
import { isKind, type PlannedKind, type PlannedObject } from './planned-objects.js';

/** One object's plan, and what a reference to it resolves to. */
export interface KindPlan {
  readonly object: PlannedObject;
  readonly planned: Planned;
  /** An ID or a path; {@link KNOWN_AFTER_APPLY} while it does not exist. */
  readonly value: string;
}

/** The marked objects of one kind that a workspace holds, for the deletions of objects the files left. */
export interface MarkedListing {
  readonly kind: PlannedKind;
  readonly noun: string;
  readonly marked: readonly (readonly [string, Tags])[];
}

/** What {@link planManagedKinds} found. */
export interface ManagedKindsPlan {
  readonly plans: readonly KindPlan[];
  /** Referenced kind → `namespace/name` → the value a reference to it stands for. */
  readonly references: ReadonlyMap<ReferencedKind, ReadonlyMap<string, string>>;
  readonly marked: readonly MarkedListing[];
}

/**
 * Stands in for an object's marker on both sides of a comparison: the controller compares settings with
 * its marker against the object carrying the same marker, and plan knows no UID to write one.
 */
const PLAN_MARKER: Readonly<Record<string, string>> = {
  [OWNER_TAG]: '(marker)',
  [OWNER_UID_TAG]: '(marker)',
};

const withPlanMarker = (tags: Tags): Record<string, string> => ({
  ...withoutOwnerTags(tags),
  ...PLAN_MARKER,
});

/** Pipelines read at once when each listed one is read. */
const PIPELINE_READS_AT_ONCE = 8;

function ofKind<K extends PlannedKind>(objects: readonly PlannedObject[], kind: K): PlannedObject<K>[] {
  return objects.filter((object): object is PlannedObject<K> => isKind(object, kind));
}

/** `namespace/name` of the object of these files that a marker names, when it is not `object`. */
function plannedOwner(tags: Tags, object: PlannedObject, planned: ReadonlySet<string>): string | undefined {
  const owner = ownerOf(tags, object);
  return typeof owner === 'object' && planned.has(owner.other) ? owner.other : undefined;
}

/** The first of `objects` before `object` that wants the same `identity`, by `namespace/name`. */
function heldBefore<T extends PlannedObject>(
  objects: readonly T[],
  object: T,
  identity: (other: T) => string,
): string | undefined {
  const wanted = identity(object);
  const earlier = objects.slice(0, objects.indexOf(object)).find((other) => identity(other) === wanted);
  return earlier && keyOf(earlier);
}

/** An update of `diff`, or nothing when it is empty. */
function settingsChange(target: string, diff: readonly string[], note?: string): Planned {
  return {
    action: diff.length === 0 ? 'none' : 'update',
    target,
    changes: diff,
    ...(note ? { note } : {}),
  };
}

/** Taking over an object nobody here owns: its marker added, and the settings that differ replaced. */
function adoption(target: string, diff: readonly string[]): Planned {
  return {
    action: 'adopt',
    target,
    changes: diff,
    note: diff.length === 0 ? 'marker only' : 'settings replaced by the spec, and the marker added',
  };
}

const refusal = (target: string | undefined, reason: string, message: string): Planned => ({
  action: 'refuse',
  ...(target === undefined ? {} : { target }),
  changes: [],
  note: `${reason}: ${message}`,
});

const created = (note?: string): Planned => ({ action: 'create', changes: [], ...(note ? { note } : {}) });

/** Plans every object of the six kinds in `objects`. */
export async function planManagedKinds(
  reads: WorkspaceReads,
  objects: readonly PlannedObject[],
): Promise<ManagedKindsPlan> {
  const planned = (kind: PlannedKind) => new Set(ofKind(objects, kind).map(keyOf));
  const plans: KindPlan[] = [];
  const marked: MarkedListing[] = [];

  const policies = ofKind(objects, 'DatabricksClusterPolicy');
  if (policies.length > 0)
    plans.push(...planPolicies(policies, await reads.clusterPolicies.list(), reads.host));

  const pools = ofKind(objects, 'DatabricksInstancePool');
  if (pools.length > 0) {
    const listed = await reads.instancePools.list();
    const owners = planned('DatabricksInstancePool');
    for (const pool of pools) plans.push(planPool(pool, listed, owners, reads.host));
    marked.push({
      kind: 'DatabricksInstancePool',
      noun: 'instance pool',
      marked: listed.map((pool) => [pool.instance_pool_id, pool.custom_tags]),
    });
  }

  const pipelines = ofKind(objects, 'DatabricksPipeline');
  if (pipelines.length > 0) {
    const listed: Pipeline[] = [];
    const ids: string[] = [];
    for await (const info of reads.pipelines.list({ max_results: 100 })) ids.push(info.pipeline_id);
    for (let start = 0; start < ids.length; start += PIPELINE_READS_AT_ONCE) {
      const batch = ids.slice(start, start + PIPELINE_READS_AT_ONCE);
      for (const pipeline of await Promise.all(batch.map((id) => unlessMissing(reads.pipelines.get(id))))) {
        if (pipeline) listed.push(pipeline);
      }
    }
    const owners = planned('DatabricksPipeline');
    for (const pipeline of pipelines) plans.push(await planPipeline(pipeline, listed, owners, reads));
    marked.push({
      kind: 'DatabricksPipeline',
      noun: 'pipeline',
      marked: listed.map((pipeline) => [pipeline.pipeline_id, pipeline.spec?.tags]),
    });
  }

  const warehouses = ofKind(objects, 'DatabricksSqlWarehouse');
  if (warehouses.length > 0) {
    const listed: Warehouse[] = [];
    for await (const warehouse of reads.warehouses.list(100)) listed.push(warehouse);
    const owners = planned('DatabricksSqlWarehouse');
    for (const warehouse of warehouses) plans.push(await planWarehouse(warehouse, listed, owners, reads));
    marked.push({
      kind: 'DatabricksSqlWarehouse',
      noun: 'SQL warehouse',
      marked: listed.map((warehouse) => [warehouse.id, warehouseTags(warehouse)]),
    });
  }

  const repos = ofKind(objects, 'DatabricksRepo');
  const credentialKeys = planned('DatabricksGitCredential');
  for (const repo of repos) plans.push(await planRepo(repo, repos, credentialKeys, reads));

  const credentials = ofKind(objects, 'DatabricksGitCredential');
  if (credentials.length > 0) {
    const listed = await reads.gitCredentials.list();
    for (const credential of credentials)
      plans.push(planCredential(credential, credentials, listed, reads.host));
  }

  const references = new Map<ReferencedKind, Map<string, string>>();
  for (const { object, value } of plans) {
    // Nothing refers to a Git credential by a _ref of a payload (a DatabricksRepo names it in its spec).
    if (object.kind === 'DatabricksGitCredential') continue;
    const kind = object.kind as ReferencedKind;
    let table = references.get(kind);
    if (!table) references.set(kind, (table = new Map()));
    table.set(keyOf(object), value);
  }
  return { plans, references, marked };
}

function planPolicies(
  policies: readonly PlannedObject<'DatabricksClusterPolicy'>[],
  listed: readonly ClusterPolicy[],
  host: string,
): KindPlan[] {
  const nameOf = (policy: PlannedObject<'DatabricksClusterPolicy'>) => policy.spec.name ?? policy.name;
  return policies.map((object) => {
    const name = nameOf(object);
    const existing = listed.find((policy) => policy.name === name);
    const value = existing?.policy_id ?? KNOWN_AFTER_APPLY;
    const problems = [
      ...policyRuleProblems(object.spec.definition, 'spec.definition'),
      ...policyRuleProblems(
        object.spec.policy_family_definition_overrides,
        'spec.policy_family_definition_overrides',
      ),
    ];
    if (problems.length > 0) {
      const target = existing ? `cluster policy ${existing.policy_id}` : undefined;
      return { object, value, planned: refusal(target, 'InvalidSettings', problems.join('; ')) };
    }
    const heldBy = heldBefore(policies, object, nameOf);
    // No status: a policy of the name is the object's own (claimed), unless the spec adopts it.
    const adopt = object.spec.adopt ?? false;
    const placement = decidePolicyPlacement({
      name,
      claimed: !adopt,
      adopt,
      host,
      ...(existing ? { existing: { policyId: existing.policy_id } } : {}),
      ...(heldBy === undefined ? {} : { heldBy }),
    });
    if (placement.action === 'create' || !existing) return { object, value, planned: created() };
    const target = `cluster policy ${existing.policy_id}`;
    if (placement.action === 'refuse') {
      return { object, value, planned: refusal(target, placement.reason, placement.message) };
    }
    const diff = policyDifferences(policySettingsOf(object.spec, name), existing);
    const planned =
      placement.action === 'take' && placement.cause === 'Adopted' && diff.length > 0
        ? adoption(target, diff)
        : settingsChange(target, diff);
    return { object, value, planned };
  });
}

/** `spec.settings` of a pool as the controller sends them, with {@link PLAN_MARKER} for its marker. */
function desiredPool(object: PlannedObject<'DatabricksInstancePool'>): InstancePoolSettings {
  const { settings } = object.spec;
  return {
    ...settings,
    instance_pool_name: settings.instance_pool_name ?? object.name,
    custom_tags: { ...settings.custom_tags, ...PLAN_MARKER },
  } as InstancePoolSettings;
}

function planPool(
  object: PlannedObject<'DatabricksInstancePool'>,
  listed: readonly InstancePoolAndStats[],
  owners: ReadonlySet<string>,
  host: string,
): KindPlan {
  const desired = desiredPool(object);
  const name = desired.instance_pool_name;
  const ours = listed.find((pool) => ownerOf(pool.custom_tags, object) === 'ours');
  const named = ours ?? listed.find((pool) => pool.instance_pool_name === name);
  if (!named) return { object, value: KNOWN_AFTER_APPLY, planned: created() };
  const poolId = named.instance_pool_id;
  const target = `instance pool ${poolId}`;
  const refuse = (reason: string, message: string) => ({
    object,
    value: KNOWN_AFTER_APPLY,
    planned: refusal(target, reason, message),
  });
  if (!ours) {
    const holder = plannedOwner(named.custom_tags, object, owners);
    if (holder !== undefined) {
      return refuse(
        'OwnedElsewhere',
        `spec.settings.instance_pool_name: instance pool ${poolId} belongs to DatabricksInstancePool ${holder}; delete that object (deletionPolicy Retain keeps the pool) before adopting it here`,
      );
    }
    if (!object.spec.adopt) {
      return refuse(
        'PoolExists',
        `spec.settings.instance_pool_name: instance pool ${poolId} in ${host} is already named '${name}', and this object did not create it; pool names are unique: set spec.adopt to take it over, or choose another instance_pool_name`,
      );
    }
  }
  const decision = decidePoolSettings({
    desired,
    desiredHash: '',
    observed: { ...named, custom_tags: withPlanMarker(named.custom_tags) },
  });
  if (decision.action === 'refuse') {
    return refuse(
      'FixedSettingsDiffer',
      `${decision.fields.join(', ')} differ, and Databricks fixes them when a pool is created; create a new DatabricksInstancePool to change them`,
    );
  }
  const diff = decision.action === 'edit' ? decision.diff : [];
  return {
    object,
    value: poolId,
    planned: ours ? settingsChange(target, diff) : adoption(target, diff),
  };
}

/** `spec.settings` of a pipeline as the controller sends them, with {@link PLAN_MARKER} for its marker. */
function desiredPipeline(object: PlannedObject<'DatabricksPipeline'>): PipelineSettings & { name: string } {
  const { settings } = object.spec;
  return {
    ...settings,
    name: settings.name ?? object.name,
    tags: { ...settings.tags, ...PLAN_MARKER },
  } as PipelineSettings & { name: string };
}

async function planPipeline(
  object: PlannedObject<'DatabricksPipeline'>,
  listed: readonly Pipeline[],
  owners: ReadonlySet<string>,
  reads: WorkspaceReads,
): Promise<KindPlan> {
  const desired = desiredPipeline(object);
  const compare = (pipeline: Pipeline) =>
    pipelineSettingsDifferences(desired, {
      ...pipeline.spec,
      tags: withPlanMarker(pipeline.spec?.tags),
    });
  const adopted = object.spec.pipelineId;
  if (adopted !== undefined) {
    const target = `pipeline ${adopted}`;
    const observed =
      listed.find((pipeline) => pipeline.pipeline_id === adopted) ??
      (await unlessMissing(reads.pipelines.get(adopted)));
    if (!observed) {
      return {
        object,
        value: KNOWN_AFTER_APPLY,
        planned: refusal(
          target,
          'PipelineNotFound',
          `spec.pipelineId: pipeline ${adopted} does not exist in ${reads.host}; point spec.pipelineId at an existing pipeline, or remove it to create a new one`,
        ),
      };
    }
    const holder = plannedOwner(observed.spec?.tags, object, owners);
    if (holder !== undefined) {
      return {
        object,
        value: KNOWN_AFTER_APPLY,
        planned: refusal(
          target,
          'OwnedElsewhere',
          `spec.pipelineId: pipeline ${adopted} belongs to DatabricksPipeline ${holder}; delete that object (deletionPolicy Retain keeps the pipeline) before adopting it here`,
        ),
      };
    }
    const diff = compare(observed);
    const ours = ownerOf(observed.spec?.tags, object) === 'ours';
    return { object, value: adopted, planned: ours ? settingsChange(target, diff) : adoption(target, diff) };
  }
  const ours = listed.find((pipeline) => ownerOf(pipeline.spec?.tags, object) === 'ours');
  if (ours) {
    const target = `pipeline ${ours.pipeline_id}`;
    return { object, value: ours.pipeline_id, planned: settingsChange(target, compare(ours)) };
  }
  const taken = listed.find((pipeline) => (pipeline.spec?.name ?? pipeline.name) === desired.name);
  if (taken && !desired.allow_duplicate_names) {
    const holder = plannedOwner(taken.spec?.tags, object, owners);
    return {
      object,
      value: KNOWN_AFTER_APPLY,
      planned: refusal(
        `pipeline ${taken.pipeline_id}`,
        holder === undefined ? 'NameInUse' : 'OwnedElsewhere',
        `spec.settings.name: pipeline ${taken.pipeline_id} is already named '${desired.name}'${holder === undefined ? '' : `, by DatabricksPipeline ${holder}`}; choose another name, set spec.pipelineId: ${taken.pipeline_id} to adopt it, or set allow_duplicate_names`,
      ),
    };
  }
  return { object, value: KNOWN_AFTER_APPLY, planned: created() };
}

/** A warehouse's tags as a map (`tags.custom_tags` is a list of key/value pairs). */
function warehouseTags(warehouse: Pick<Warehouse, 'tags'>): Record<string, string> {
  return Object.fromEntries((warehouse.tags?.custom_tags ?? []).map((tag) => [tag.key, tag.value ?? '']));
}

/** `tags.custom_tags` without the marker's keys, and {@link PLAN_MARKER} in their place. */
function withPlanMarkerPairs(
  tags: WarehouseSettings['tags'],
): NonNullable<WarehouseSettings['tags']>['custom_tags'] {
  return [
    ...(tags?.custom_tags ?? []).filter((tag) => !(tag.key in PLAN_MARKER)),
    ...Object.entries(PLAN_MARKER).map(([key, value]) => ({ key, value })),
  ];
}

async function planWarehouse(
  object: PlannedObject<'DatabricksSqlWarehouse'>,
  listed: readonly Warehouse[],
  owners: ReadonlySet<string>,
  reads: WorkspaceReads,
): Promise<KindPlan> {
  const { settings } = object.spec;
  const name = settings.name ?? object.name;
  const desired: WarehouseSettings = {
    ...settings,
    name,
    tags: { ...settings.tags, custom_tags: withPlanMarkerPairs(settings.tags) },
  };
  const refuse = (target: string, reason: string, message: string): KindPlan => ({
    object,
    value: KNOWN_AFTER_APPLY,
    planned: refusal(target, reason, message),
  });
  const plan = (observed: Warehouse, ours: boolean): KindPlan => {
    const target = `SQL warehouse ${observed.id}`;
    const diff = warehouseSettingsDifferences(desired, {
      ...observed,
      tags: { ...observed.tags, custom_tags: withPlanMarkerPairs(observed.tags) },
    });
    const wanted = object.spec.state ?? 'Running';
    const state = observed.state ?? 'UNKNOWN';
    const step = decideWarehouseState({
      wanted,
      state,
      ...(observed.health?.status ? { health: observed.health.status } : {}),
      autoStopMins: observed.auto_stop_mins ?? settings.auto_stop_mins ?? 120,
      // Plan cannot tell a warehouse that stopped itself while idle from one never started for this
      // spec: like a cluster terminated for inactivity, it is left to the next query.
      ranForThisSpec: true,
      failureReported: true,
    }).step;
    const moves = step === 'start' || step === 'stop';
    const changes = moves ? [...diff, 'state'] : diff;
    const note = moves
      ? `state ${state}: ${step === 'start' ? 'started' : 'stopped'}, as spec.state is ${wanted}`
      : undefined;
    return {
      object,
      value: observed.id,
      planned: ours ? settingsChange(target, changes, note) : adoption(target, changes),
    };
  };
  const adopted = object.spec.warehouseId;
  if (adopted !== undefined) {
    const target = `SQL warehouse ${adopted}`;
    const observed =
      listed.find((warehouse) => warehouse.id === adopted) ??
      (await unlessMissing(reads.warehouses.get(adopted)));
    if (!observed) {
      return refuse(
        target,
        'WarehouseNotFound',
        `spec.warehouseId: SQL warehouse ${adopted} does not exist in ${reads.host}; point spec.warehouseId at an existing warehouse, or remove it to create a new one`,
      );
    }
    const holder = plannedOwner(warehouseTags(observed), object, owners);
    if (holder !== undefined) {
      return refuse(
        target,
        'OwnedElsewhere',
        `spec.warehouseId: SQL warehouse ${adopted} belongs to DatabricksSqlWarehouse ${holder}; delete that object (deletionPolicy Retain keeps the warehouse) before adopting it here`,
      );
    }
    return plan(observed, ownerOf(warehouseTags(observed), object) === 'ours');
  }
  const ours = listed.find((warehouse) => ownerOf(warehouseTags(warehouse), object) === 'ours');
  if (ours) return plan(ours, true);
  const taken = listed.find((warehouse) => warehouse.name === name);
  if (taken) {
    const holder = plannedOwner(warehouseTags(taken), object, owners);
    return refuse(
      `SQL warehouse ${taken.id}`,
      holder === undefined ? 'NameInUse' : 'OwnedElsewhere',
      `spec.settings.name: SQL warehouse ${taken.id} is already named '${name}'${holder === undefined ? '' : `, by DatabricksSqlWarehouse ${holder}`}, and names are unique; choose another name, or set spec.warehouseId: ${taken.id} to adopt it`,
    );
  }
  return { object, value: KNOWN_AFTER_APPLY, planned: created() };
}

/** What is at `path`: nothing, a Git folder (read), or another workspace object. */
async function whatIsAt(reads: WorkspaceReads, path: string): Promise<AtPath> {
  const info = await unlessMissing(reads.workspace.getStatus(path));
  if (!info) return { kind: 'nothing' };
  if (info.object_type !== 'REPO')
    return { kind: 'other', objectType: info.object_type ?? 'workspace object' };
  const repo: Repo | undefined = await unlessMissing(reads.repos.get(Number(info.object_id)));
  return repo ? { kind: 'repo', repo } : { kind: 'nothing' };
}

async function planRepo(
  object: PlannedObject<'DatabricksRepo'>,
  repos: readonly PlannedObject<'DatabricksRepo'>[],
  credentials: ReadonlySet<string>,
  reads: WorkspaceReads,
): Promise<KindPlan> {
  const plan = await planRepoFolder(object, repos, reads);
  const reference = object.spec.gitCredentialRef;
  const credential = reference && `${object.namespace}/${reference.name}`;
  if (credential === undefined || credentials.has(credential)) return plan;
  // The controller waits for the credential before it touches the folder.
  const missing = `spec.gitCredentialRef: DatabricksGitCredential ${credential} is not in these files`;
  const note = [plan.planned.note, missing].filter((part) => part !== undefined).join('; ');
  return { ...plan, planned: { ...plan.planned, note } };
}

async function planRepoFolder(
  object: PlannedObject<'DatabricksRepo'>,
  repos: readonly PlannedObject<'DatabricksRepo'>[],
  reads: WorkspaceReads,
): Promise<KindPlan> {
  const { spec } = object;
  const path = gitFolderPath(spec.path);
  const desired = {
    url: spec.url,
    ...(spec.branch === undefined ? {} : { branch: spec.branch }),
    ...(spec.tag === undefined ? {} : { tag: spec.tag }),
    ...(spec.sparse_checkout ? { patterns: spec.sparse_checkout.patterns } : {}),
  };
  // What status would have recorded once the folder was checked out as the spec says.
  const recorded = {
    ...(spec.branch === undefined ? {} : { branch: spec.branch }),
    ...(spec.tag === undefined ? {} : { tag: spec.tag }),
  };
  const heldBy = heldBefore(repos, object, (repo) => gitFolderPath(repo.spec.path));
  const atPath = heldBy === undefined ? await whatIsAt(reads, path) : undefined;
  const found = atPath?.kind === 'repo' ? atPath.repo : undefined;
  // No status: a Git folder of the spec's repository at the path is the object's own (unless the spec
  // adopts it); any other is judged as the controller judges a folder it did not create.
  const own = found !== undefined && sameRepository(found.url, spec.url) && !spec.adopt;
  const decision = decideRepo({
    path,
    createPending: false,
    adopt: spec.adopt ?? false,
    host: reads.host,
    desired,
    recorded,
    ...(heldBy === undefined ? {} : { heldBy }),
    ...(atPath ? { atPath } : {}),
    ...(own ? { claimedId: found.id, actual: found } : {}),
  });
  const target = `Git folder ${path}`;
  const value = path;
  switch (decision.action) {
    case 'create':
      return { object, value: path, planned: { ...created(), target } };
    case 'refuse':
      return { object, value, planned: refusal(target, decision.reason, decision.message) };
    case 'update':
      return { object, value, planned: settingsChange(target, decision.checkout.diff) };
    case 'adopt': {
      // Adopted, it is checked out as the spec says; one already on the spec's ref is the steady state.
      const diff = found ? (checkoutNeeded(found, desired, recorded)?.diff ?? []) : [];
      return {
        object,
        value,
        planned: diff.length === 0 ? settingsChange(target, []) : adoption(target, diff),
      };
    }
    default:
      return { object, value, planned: settingsChange(target, []) };
  }
}

function planCredential(
  object: PlannedObject<'DatabricksGitCredential'>,
  credentials: readonly PlannedObject<'DatabricksGitCredential'>[],
  listed: readonly GitCredential[],
  host: string,
): KindPlan {
  const { spec } = object;
  const desired: CredentialFields = {
    git_provider: spec.git_provider,
    ...(spec.git_username === undefined ? {} : { git_username: spec.git_username }),
    ...(spec.git_email === undefined ? {} : { git_email: spec.git_email }),
  };
  // One credential per principal: per workspace, the first object of the files holds it.
  const heldBy = heldBefore(
    credentials,
    object,
    (other) => `${other.namespace}/${other.spec.workspaceRef.name}`,
  );
  const existing = listed[0];
  // No status: the principal's credential for the spec's provider is the object's own (unless the spec
  // adopts it). The token is never compared: Databricks does not return it.
  const own =
    heldBy === undefined &&
    existing !== undefined &&
    !spec.adopt &&
    existing.git_provider?.toLowerCase() === spec.git_provider.toLowerCase();
  const decision = decideCredential(
    {
      createPending: false,
      desired,
      tokenChanged: false,
      adopt: spec.adopt ?? false,
      host,
      ...(heldBy === undefined ? {} : { heldBy }),
      ...(existing ? { existing } : {}),
      ...(own ? { claimedId: existing.credential_id } : {}),
    },
    true,
  );
  const target = existing ? `Git credential ${existing.credential_id}` : undefined;
  const value = existing ? String(existing.credential_id) : KNOWN_AFTER_APPLY;
  switch (decision.action) {
    case 'create':
      return { object, value: KNOWN_AFTER_APPLY, planned: created() };
    case 'refuse':
      return { object, value, planned: refusal(target, decision.reason, decision.message) };
    case 'adopt':
      return {
        object,
        value,
        planned:
          decision.diff.length === 0
            ? settingsChange(`Git credential ${decision.credentialId}`, [])
            : adoption(`Git credential ${decision.credentialId}`, decision.diff),
      };
    case 'update':
      return {
        object,
        value,
        planned: settingsChange(`Git credential ${decision.credentialId}`, decision.diff),
      };
    default:
      return { object, value, planned: settingsChange(`Git credential ${decision.credentialId}`, []) };
  }
}
