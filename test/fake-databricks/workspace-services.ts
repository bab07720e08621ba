import type { FakeContext, FakeService } from './api.js';
import { ClustersService } from './clusters.js';
import { DbfsService } from './dbfs.js';
import { JobsService } from './jobs.js';
import { SecretsService } from './secrets.js';

/**
 * The services a fake workspace serves, in one place. Each is built from the shared context; add a new
 * service here and its routes, snapshot and reset are wired into the server and the inspection API.
 */
export function createWorkspaceServices(ctx: FakeContext): FakeService[] {
  const jobs = new JobsService(ctx);
  return [jobs, new ClustersService(ctx), new SecretsService(ctx), new DbfsService(ctx)];
}
