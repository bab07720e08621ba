import type { FakeContext, FakeService } from './api.js';
import { ClusterPoliciesService } from './cluster-policies.js';
import { ClustersService } from './clusters.js';
import { DbfsService } from './dbfs.js';
import { GitCredentialsService } from './git-credentials.js';
import { InstancePoolsService } from './instance-pools.js';
import { JobsService } from './jobs.js';
import { PermissionsService } from './permissions.js';
import { PipelinesService } from './pipelines.js';
import { ReposService } from './repos.js';
import { SecretsService } from './secrets.js';
import { SqlWarehousesService } from './sql-warehouses.js';
import { WorkspaceService } from './workspace.js';

/**
 * The services a fake workspace serves, in one place. Each is built from the shared context; add a new
 * service here and its routes, snapshot and reset are wired into the server and the inspection API.
 * Permissions learn about objects through the services' lifecycle hooks; instance pools learn what
 * clusters draw from them; repos live in the workspace tree and use the Git credentials.
 */
export function createWorkspaceServices(ctx: FakeContext): FakeService[] {
  const services: {
    jobs?: JobsService;
    clusters?: ClustersService;
    policies?: ClusterPoliciesService;
    pools?: InstancePoolsService;
    repos?: ReposService;
    pipelines?: PipelinesService;
    warehouses?: SqlWarehousesService;
  } = {};
  const permissions = new PermissionsService(ctx, (objectType, id) => {
    switch (objectType) {
      case 'jobs':
        return services.jobs?.jobExists(id) ?? false;
      case 'clusters':
        return services.clusters?.exists(id) ?? false;
      case 'cluster-policies':
        return services.policies?.exists(id) ?? false;
      case 'instance-pools':
        return services.pools?.exists(id) ?? false;
      case 'repos':
        return services.repos?.exists(id) ?? false;
      case 'pipelines':
        return services.pipelines?.exists(id) ?? false;
      case 'sql/warehouses':
        return services.warehouses?.exists(id) ?? false;
      default:
        return true;
    }
  });
  /** The permission hooks of a service whose objects are created and deleted through the API. */
  const aclHooks = (objectType: string) => ({
    onCreated: (id: string, creator: string) => permissions.onObjectCreated(objectType, id, creator),
    onDeleted: (id: string) => permissions.onObjectDeleted(objectType, id),
  });
  const jobs = new JobsService(ctx, {
    checkCreate: (creator, acl) => permissions.checkInitialAcl('jobs', creator, acl),
    onCreated: (jobId, creator, acl) => permissions.onObjectCreated('jobs', String(jobId), creator, acl),
    onDeleted: (jobId) => permissions.onObjectDeleted('jobs', String(jobId)),
  });
  const clusters = new ClustersService(ctx, {
    onCreated: (clusterId, creator) => permissions.onObjectCreated('clusters', clusterId, creator),
    onPermanentlyDeleted: (clusterId) => permissions.onObjectDeleted('clusters', clusterId),
  });
  const workspace = new WorkspaceService(ctx, {
    onRepoRemoved: (objectId) => services.repos?.onRemovedFromWorkspace(objectId),
  });
  const gitCredentials = new GitCredentialsService();
  const policies = new ClusterPoliciesService(ctx, aclHooks('cluster-policies'));
  const pools = new InstancePoolsService(ctx, {
    ...aclHooks('instance-pools'),
    usage: (poolId) => clusters.poolUsage(poolId),
  });
  const repos = new ReposService({ workspace, credentials: gitCredentials }, aclHooks('repos'));
  const pipelines = new PipelinesService(ctx, aclHooks('pipelines'));
  const warehouses = new SqlWarehousesService(ctx, aclHooks('sql/warehouses'));
  Object.assign(services, { jobs, clusters, policies, pools, repos, pipelines, warehouses });
  return [
    jobs,
    clusters,
    new SecretsService(ctx),
    new DbfsService(ctx),
    workspace,
    permissions,
    policies,
    pools,
    gitCredentials,
    repos,
    pipelines,
    warehouses,
  ];
}
