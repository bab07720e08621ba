import type { FakeContext, FakeService } from './api.js';
import { ClustersService } from './clusters.js';
import { DbfsService } from './dbfs.js';
import { JobsService } from './jobs.js';
import { PermissionsService } from './permissions.js';
import { SecretsService } from './secrets.js';
import { WorkspaceService } from './workspace.js';

/**
 * The services a fake workspace serves, in one place. Each is built from the shared context; add a new
 * service here and its routes, snapshot and reset are wired into the server and the inspection API.
 * Permissions learn about jobs and clusters through the services' lifecycle hooks.
 */
export function createWorkspaceServices(ctx: FakeContext): FakeService[] {
  const services: { jobs?: JobsService; clusters?: ClustersService } = {};
  const permissions = new PermissionsService(ctx, (objectType, id) => {
    if (objectType === 'jobs') return services.jobs?.jobExists(id) ?? false;
    if (objectType === 'clusters') return services.clusters?.exists(id) ?? false;
    return true;
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
  services.jobs = jobs;
  services.clusters = clusters;
  return [
    jobs,
    clusters,
    new SecretsService(ctx),
    new DbfsService(ctx),
    new WorkspaceService(ctx),
    permissions,
  ];
}
