import { ApiError, type FakeRequest, type Route } from './api.js';
import type { ClusterPoliciesService } from './cluster-policies.js';
import type { FakeWorkspace } from './fake-workspace.js';
import type { GitCredentialsService } from './git-credentials.js';
import type { InstancePoolsService } from './instance-pools.js';
import type { PipelinesService } from './pipelines.js';
import type { ReposService } from './repos.js';
import type { SqlWarehousesService } from './sql-warehouses.js';

/**
 * "Act as a user in the UI" on what jobs point at: cluster policies, instance pools, Git folders and
 * credentials, pipelines and SQL warehouses. Changes made outside the controller, for drift tests, and
 * what the API cannot do (a push to a Git remote, Databricks stopping a pool). Each acts on the service
 * directly, bypassing auth, rate limits, faults and the request log. Deletes and anything else the API
 * can do are also reachable with `ui.call(endpoint, fields)`.
 */
export interface ObjectUiActions {
  /** Policy edit in the UI: `changes` merged over the policy's settings. */
  editClusterPolicy(policyId: string, changes: Record<string, unknown>): Promise<void>;
  /** Pool edit in the UI: `changes` merged over the pool's settings (edit's rules apply). */
  editInstancePool(poolId: string, changes: Record<string, unknown>): Promise<void>;
  /** Databricks stopping a pool (STOPPED: it keeps no instances), or bringing it back (ACTIVE). */
  setInstancePoolState(poolId: string, state: 'ACTIVE' | 'STOPPED'): Promise<void>;
  /** Someone switching a Git folder to another branch or tag. */
  checkoutRepo(repoId: number, ref: { branch: string } | { tag: string }): Promise<void>;
  /** Someone pushing a commit to `branch` of the repository at `url`: the next pull moves on. */
  pushToGitRemote(url: string, branch: string): Promise<void>;
  /** The owner of a Git credential deleting it in User Settings, whoever that is. */
  deleteGitCredential(credentialId: number): Promise<void>;
  /** Pipeline settings edited in the UI: `changes` merged over the settings (edit's rules apply). */
  editPipeline(pipelineId: string, changes: Record<string, unknown>): Promise<void>;
  /** Start pressed on a pipeline; resolves to the new update's id. */
  startPipeline(pipelineId: string, options?: { fullRefresh?: boolean }): Promise<string>;
  /** Stop pressed on a pipeline. */
  stopPipeline(pipelineId: string): Promise<void>;
  /** Warehouse edited in the UI: the fields of `changes` applied as an edit does. */
  editWarehouse(warehouseId: string, changes: Record<string, unknown>): Promise<void>;
  /** Start pressed on a warehouse. */
  startWarehouse(warehouseId: string): Promise<void>;
  /** Stop pressed on a warehouse. */
  stopWarehouse(warehouseId: string): Promise<void>;
}

/** The UI actions of `workspace`'s policies, pools, repos, credentials, pipelines and warehouses. */
export function objectUiActions(workspace: FakeWorkspace): ObjectUiActions {
  const policies = () => workspace.service<ClusterPoliciesService>('cluster-policies');
  const pools = () => workspace.service<InstancePoolsService>('instance-pools');
  const repos = () => workspace.service<ReposService>('repos');
  const credentials = () => workspace.service<GitCredentialsService>('git-credentials');
  const pipelines = () => workspace.service<PipelinesService>('pipelines');
  const warehouses = () => workspace.service<SqlWarehousesService>('sql-warehouses');
  return {
    editClusterPolicy: async (policyId, changes) => policies().editByUser(policyId, changes),
    editInstancePool: async (poolId, changes) => pools().editByUser(poolId, changes),
    setInstancePoolState: async (poolId, state) => pools().setStateByUser(poolId, state),
    checkoutRepo: async (repoId, ref) => repos().checkoutByUser(repoId, ref),
    pushToGitRemote: async (url, branch) => repos().pushToRemote(url, branch),
    deleteGitCredential: async (credentialId) => credentials().deleteByUser(credentialId),
    editPipeline: async (pipelineId, changes) => pipelines().editByUser(pipelineId, changes),
    startPipeline: async (pipelineId, options = {}) =>
      pipelines().startByUser(pipelineId, options.fullRefresh),
    stopPipeline: async (pipelineId) => pipelines().stopByUser(pipelineId),
    editWarehouse: async (warehouseId, changes) => warehouses().editByUser(warehouseId, changes),
    startWarehouse: async (warehouseId) => warehouses().startByUser(warehouseId),
    stopWarehouse: async (warehouseId) => warehouses().stopByUser(warehouseId),
  };
}

const badControlRequest = (message: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', message);

function field(req: FakeRequest, name: string): string {
  const value = req.body[name];
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw badControlRequest(`${req.path}: field '${name}' must be a string (or a number for ids).`);
  }
  return String(value);
}

function changesOf(req: FakeRequest): Record<string, unknown> {
  const value = req.body.changes;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badControlRequest(`${req.path}: field 'changes' must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

/**
 * The same actions under `/__fake/ui/` for a fake run as a process (see inspection.ts):
 * - `POST /__fake/ui/cluster-policies/edit` `{policy_id, changes}`
 * - `POST /__fake/ui/instance-pools/edit` `{instance_pool_id, changes}`, `/ui/instance-pools/state` `{instance_pool_id, state}`
 * - `POST /__fake/ui/repos/checkout` `{repo_id, branch | tag}`, `/ui/repos/push` `{url, branch}`
 * - `POST /__fake/ui/git-credentials/delete` `{credential_id}`
 * - `POST /__fake/ui/pipelines/edit` `{pipeline_id, changes}`, `/ui/pipelines/start` `{pipeline_id, full_refresh?}`
 *   (answers `{update_id}`), `/ui/pipelines/stop` `{pipeline_id}`
 * - `POST /__fake/ui/sql-warehouses/edit` `{id, changes}`, `/ui/sql-warehouses/start`, `/ui/sql-warehouses/stop` `{id}`
 */
export function objectUiRoutes(workspace: FakeWorkspace): Route[] {
  const ui = objectUiActions(workspace);
  const route = (path: string, handler: Route['handler']): Route => ({
    method: 'POST',
    path: `/__fake/ui/${path}`,
    endpoint: `fake/ui/${path}`,
    handler,
  });
  const ok = {};
  return [
    route('cluster-policies/edit', async (req) => {
      await ui.editClusterPolicy(field(req, 'policy_id'), changesOf(req));
      return ok;
    }),
    route('instance-pools/edit', async (req) => {
      await ui.editInstancePool(field(req, 'instance_pool_id'), changesOf(req));
      return ok;
    }),
    route('instance-pools/state', async (req) => {
      const state = field(req, 'state');
      if (state !== 'ACTIVE' && state !== 'STOPPED')
        throw badControlRequest(`${req.path}: state must be ACTIVE or STOPPED.`);
      await ui.setInstancePoolState(field(req, 'instance_pool_id'), state);
      return ok;
    }),
    route('repos/checkout', async (req) => {
      const ref = req.body.tag !== undefined ? { tag: field(req, 'tag') } : { branch: field(req, 'branch') };
      await ui.checkoutRepo(Number(field(req, 'repo_id')), ref);
      return ok;
    }),
    route('repos/push', async (req) => {
      await ui.pushToGitRemote(field(req, 'url'), field(req, 'branch'));
      return ok;
    }),
    route('git-credentials/delete', async (req) => {
      await ui.deleteGitCredential(Number(field(req, 'credential_id')));
      return ok;
    }),
    route('pipelines/edit', async (req) => {
      await ui.editPipeline(field(req, 'pipeline_id'), changesOf(req));
      return ok;
    }),
    route('pipelines/start', async (req) => ({
      update_id: await ui.startPipeline(field(req, 'pipeline_id'), {
        fullRefresh: req.body.full_refresh === true,
      }),
    })),
    route('pipelines/stop', async (req) => {
      await ui.stopPipeline(field(req, 'pipeline_id'));
      return ok;
    }),
    route('sql-warehouses/edit', async (req) => {
      await ui.editWarehouse(field(req, 'id'), changesOf(req));
      return ok;
    }),
    route('sql-warehouses/start', async (req) => {
      await ui.startWarehouse(field(req, 'id'));
      return ok;
    }),
    route('sql-warehouses/stop', async (req) => {
      await ui.stopWarehouse(field(req, 'id'));
      return ok;
    }),
  ];
}
