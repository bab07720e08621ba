/**
 * The round trip of `import`: a workspace made by hand → `cdk8s-databricks import` → the synthesized
 * custom resources applied with kubectl → the controller adopts each object, which becomes Ready. Every
 * write the controller then makes to Databricks is recorded and pinned below: the ownership marker
 * alone (a `jobs/update` of each job's tags, a `clusters/update` of the cluster's custom_tags), and the
 * secret values the user supplied, which Databricks never returns. Afterwards the decisions a plan
 * makes, on what Databricks holds read afresh, find nothing to do, and so does the `plan` command.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { formatId, type ClusterDetails, type Job } from '../../controller/databricks/index.js';
import { decideClusterSettings } from '../../controller/reconcilers/cluster/cluster-decision.js';
import {
  desiredClusterSettings,
  type DatabricksCluster,
} from '../../controller/reconcilers/cluster/cluster.js';
import { decideJob } from '../../controller/reconcilers/job/job-decision.js';
import { desiredJobSettings, type DatabricksJob } from '../../controller/reconcilers/job/job.js';
import { contentHash } from '../../controller/reconcilers/managed/content-hash.js';
import type { KubeObject } from '../../controller/runtime/kube-client.js';
import { ObjectStore } from '../../controller/runtime/object-store.js';
import { RESOURCES, useOperatorTestBed } from '../controller/operator-test-bed.js';
import { testKubeConfig } from '../control-plane/test-cluster.js';
import type { DatabricksKind } from '../../lib/crds/index.js';
import { runCommandLine } from './cli-runner.js';
import { kubectlApply } from './kubectl-apply.js';
import { seedWorkspace, type SeededWorkspace } from './workspace-fixtures.js';

type Manifest = { kind: DatabricksKind; metadata: { name: string }; spec: Record<string, unknown> };
type Json = Record<string, unknown>;

describe('import, synth, apply: the controller adopts what was imported', () => {
  const bed = useOperatorTestBed('import-round-trip');
  let seeded: SeededWorkspace;
  let manifests: Manifest[];
  /** The YAML import wrote. */
  let importedYaml: string;
  /** What the import said the user must supply: the scope's values, which Databricks never returns. */
  const scopeValues = {
    'warehouse-password': 'value of warehouse-password',
    api_token: 'value of api_token',
  };

  beforeEach(async () => {
    seeded = await seedWorkspace(bed.fake);
    const { status, stdout, stderr } = await runCommandLine(
      ['import', '--all', '--dbfs-path', '/FileStore', '--notebooks-under', '/Shared', '--format', 'yaml'],
      { env: { DATABRICKS_HOST: bed.fake.url, DATABRICKS_TOKEN: bed.fake.token } },
    );
    if (status !== 0) throw new Error(stderr);
    importedYaml = stdout;
    manifests = parseAllDocuments(stdout).map((document) => document.toJS() as Manifest);
    await testKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: bed.namespace,
        body: { metadata: { name: 'etl-secrets-secrets' }, stringData: scopeValues },
      });
    bed.fake.clearRequests();
    await kubectlApply(stdout, bed.namespace);
  }, 60_000);

  /** The requests the controller made that change something in Databricks. */
  const writes = () => bed.fake.requests().filter((request) => request.method !== 'GET');

  it('makes every imported object Ready, writing only the ownership markers and the supplied secret values, and leaves nothing for a plan', async () => {
    for (const manifest of manifests) {
      await bed.waitForCondition(RESOURCES[manifest.kind], manifest.metadata.name, {}, 60_000);
    }
    const made = writes();
    const byEndpoint = made.reduce<Record<string, number>>(
      (counts, request) => ({ ...counts, [request.endpoint]: (counts[request.endpoint] ?? 0) + 1 }),
      {},
    );
    // The ownership markers, and the secret values the user supplied: nothing else.
    expect(byEndpoint).toEqual({
      'jobs/update': 2,
      'clusters/update': 1,
      'secrets/put': 2,
    });

    // Each job's update names its tags alone: the user's, and the marker of the object that adopted it.
    const jobs = new Map(
      manifests.filter((m) => m.kind === 'DatabricksJob').map((m) => [String(m.spec.jobId), m.metadata.name]),
    );
    for (const update of made.filter((request) => request.endpoint === 'jobs/update')) {
      const body = update.body as { job_id: number; new_settings: Json };
      const name = jobs.get(formatId(body.job_id))!;
      const object = await bed.get(RESOURCES.DatabricksJob, name);
      expect(Object.keys(body)).toEqual(['job_id', 'new_settings']);
      expect(Object.keys(body.new_settings)).toEqual(['tags']);
      const tags = body.new_settings.tags as Record<string, string>;
      expect(tags).toMatchObject({
        'k8s-owner': `${bed.namespace}/${name}`,
        'k8s-owner-uid': object?.metadata.uid,
      });
      expect(Object.keys(tags).filter((key) => !key.startsWith('k8s-owner'))).toEqual(
        name === 'nightly-etl' ? ['team'] : [],
      );
    }
    const clusterUpdate = made.find((request) => request.endpoint === 'clusters/update')!;
    expect(clusterUpdate.body).toEqual({
      cluster_id: seeded.clusterId,
      update_mask: 'custom_tags',
      cluster: {
        custom_tags: {
          team: 'analytics',
          'k8s-owner': `${bed.namespace}/shared-analytics`,
          'k8s-owner-uid': (await bed.get(RESOURCES.DatabricksCluster, 'shared-analytics'))?.metadata.uid,
        },
      },
    });
    expect(
      made
        .filter((request) => request.endpoint === 'secrets/put')
        .map((request) => (request.body as Json).key)
        .sort(),
    ).toEqual([...seeded.scopeKeys]);

    // Adoption took the objects over; it made none anew.
    for (const created of [
      'jobs/create',
      'clusters/create',
      'secrets/scopes/create',
      'workspace/import',
      'dbfs/put',
    ]) {
      expect(bed.fake.requestCount(created)).toBe(0);
    }
    const etl = await bed.get<KubeObject & { status?: { jobId?: number } }>(
      RESOURCES.DatabricksJob,
      'nightly-etl',
    );
    expect(etl?.status?.jobId).toBe(seeded.etlJobId);

    // A plan now finds nothing to do: what Databricks holds, read afresh, is what each object asks for.
    const stores = {
      clusters: new ObjectStore<DatabricksCluster>(),
      jobs: new ObjectStore<DatabricksJob>(),
      notebooks: new ObjectStore<KubeObject>(),
    };
    for (const manifest of manifests) {
      const object = await bed.get(RESOURCES[manifest.kind], manifest.metadata.name);
      if (manifest.kind === 'DatabricksCluster') stores.clusters.upsert(object as DatabricksCluster);
      if (manifest.kind === 'DatabricksJob') stores.jobs.upsert(object as DatabricksJob);
      if (manifest.kind === 'DatabricksNotebook') stores.notebooks.upsert(object!);
    }
    const references = stores as unknown as Parameters<typeof desiredJobSettings>[1]['references'];
    for (const job of stores.jobs.list()) {
      const jobId = formatId(job.status!.jobId!);
      const remote = (await bed.fake.ui.call('jobs/get', { job_id: job.status!.jobId })) as unknown as Job;
      const decision = decideJob(
        desiredJobSettings(job, { references }),
        { recorded: jobId, specChanged: false },
        { job: remote },
        { object: job, owners: stores.jobs },
        bed.fake.url,
      );
      expect(decision).toEqual({ action: 'none', jobId });
    }
    for (const cluster of stores.clusters.list()) {
      const remote = (await bed.fake.ui.call('clusters/get', {
        cluster_id: cluster.status!.clusterId,
      })) as unknown as ClusterDetails;
      const desired = desiredClusterSettings(cluster);
      const decision = decideClusterSettings({
        desired,
        desiredHash: contentHash(desired),
        appliedHash: cluster.status!.settingsHash!,
        observed: remote,
        state: String(remote.state),
        wanted: cluster.spec.state ?? 'Running',
        owner: cluster,
      });
      expect(decision).toEqual({ action: 'none' });
    }

    // And so does the plan command, on the YAML that was applied, with reads only.
    const dir = mkdtempSync(join(tmpdir(), 'round-trip-plan-'));
    try {
      writeFileSync(join(dir, 'imported.yaml'), importedYaml);
      bed.fake.clearRequests();
      const plan = await runCommandLine(['plan', dir, '--namespace', bed.namespace], {
        env: { DATABRICKS_HOST: bed.fake.url, DATABRICKS_TOKEN: bed.fake.token },
      });
      const lines = plan.stdout.trimEnd().split('\n');
      expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 0, stderr: '' });
      expect(lines.slice(0, -1).every((line) => line.startsWith('none '))).toBe(true);
      expect(lines).toHaveLength(manifests.length);
      expect(writes()).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Every imported object brought to Ready (each given up to 60 s), then a plan: the 30 s default
    // would cut the test short before its own waits could fail with their message.
  }, 120_000);
});
