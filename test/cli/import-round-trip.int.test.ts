/**
 * The round trip of `import`: a workspace made by hand → `cdk8s-databricks import` → the synthesized
 * custom resources applied with kubectl → the controller adopts each object, which becomes Ready. Every
 * write the controller then makes to Databricks is recorded and pinned below: this is what adoption
 * costs today (`jobs/reset` of settings that already match, a `clusters/edit`, and the secret values the
 * user supplied). When adoption writes only the ownership marker, the follow-up assertions named in the
 * report replace `TODAY'S_ADOPTION_WRITES`.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { formatId } from '../../controller/databricks/index.js';
import type { KubeObject } from '../../controller/runtime/kube-client.js';
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
    manifests = parseAllDocuments(stdout).map((document) => document.toJS() as Manifest);
    await testKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: bed.namespace,
        body: { metadata: { name: 'etl-secrets-secrets' }, stringData: scopeValues },
      });
    bed.fake.clearRequests();
    await kubectlApply(stdout, bed.namespace);
  });

  /** The requests the controller made that change something in Databricks. */
  const writes = () => bed.fake.requests().filter((request) => request.method !== 'GET');

  it('makes every imported object Ready, having made exactly the writes adoption makes today', async () => {
    for (const manifest of manifests) {
      await bed.waitForCondition(RESOURCES[manifest.kind], manifest.metadata.name, {}, 60_000);
    }
    const made = writes();
    const byEndpoint = made.reduce<Record<string, number>>(
      (counts, request) => ({ ...counts, [request.endpoint]: (counts[request.endpoint] ?? 0) + 1 }),
      {},
    );
    // TODAY'S_ADOPTION_WRITES: everything the controller wrote while adopting the imported objects.
    expect(byEndpoint).toEqual({
      'jobs/reset': 2,
      'clusters/edit': 1,
      'secrets/put': 2,
    });

    // The resets hand Databricks the settings it had, plus the marker: nothing else changes.
    const jobs = new Map(
      manifests.filter((m) => m.kind === 'DatabricksJob').map((m) => [String(m.spec.jobId), m.metadata.name]),
    );
    for (const reset of made.filter((request) => request.endpoint === 'jobs/reset')) {
      const body = reset.body as { job_id: number; new_settings: Json };
      const name = jobs.get(formatId(body.job_id))!;
      const object = await bed.get(RESOURCES.DatabricksJob, name);
      const { tags, ...settings } = body.new_settings as { tags: Record<string, string> } & Json;
      expect(tags).toMatchObject({
        'k8s-owner': `${bed.namespace}/${name}`,
        'k8s-owner-uid': object?.metadata.uid,
      });
      expect(Object.keys(tags).filter((key) => !key.startsWith('k8s-owner'))).toEqual(
        name === 'nightly-etl' ? ['team'] : [],
      );
      expect(settings.name).toBe(name === 'nightly-etl' ? 'Nightly ETL' : 'weekly report');
    }
    const etlReset = made.find(
      (request) => request.endpoint === 'jobs/reset' && (request.body as Json).job_id === seeded.etlJobId,
    )!;
    // References resolved back to the very IDs and paths the job had.
    expect((etlReset.body as { new_settings: { tasks: Json[] } }).new_settings.tasks[0]).toMatchObject({
      existing_cluster_id: seeded.clusterId,
      notebook_task: { notebook_path: seeded.notebookPath },
    });
    const edit = made.find((request) => request.endpoint === 'clusters/edit')!;
    expect(edit.body).toMatchObject({
      cluster_id: seeded.clusterId,
      custom_tags: { team: 'analytics', 'k8s-owner': `${bed.namespace}/shared-analytics` },
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
  });
});
