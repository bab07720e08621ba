/**
 * The round trip of `import` for cluster policies, instance pools, pipelines and SQL warehouses: made by
 * hand → `cdk8s-databricks import` → applied with kubectl → the controller adopts each, which becomes
 * Ready, creating and deleting nothing and writing no setting but the ownership marker; then `plan` on
 * the same YAML finds nothing to do.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DatabricksKind } from '../../lib/crds/index.js';
import { CoreV1Api } from '@kubernetes/client-node';
import { testKubeConfig } from '../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed } from '../controller/operator-test-bed.js';
import type { GitCredentialsService } from '../fake-databricks/git-credentials.js';
import { runCommandLine } from './cli-runner.js';
import { kubectlApply } from './kubectl-apply.js';
import { seedComputeKinds } from './workspace-fixtures.js';

type Manifest = { kind: DatabricksKind; metadata: { name: string }; spec: Record<string, unknown> };
type Json = Record<string, unknown>;

describe('import, apply: the controller adopts imported policies, pools, pipelines and warehouses', () => {
  const bed = useOperatorTestBed('import-kinds-round-trip', { fake: { timing: { warehouseStopMs: 0 } } });

  it('makes each Ready writing only markers, and leaves nothing for a plan', async () => {
    const { credentialId } = await seedComputeKinds(bed.fake);
    const env = { DATABRICKS_HOST: bed.fake.url, DATABRICKS_TOKEN: bed.fake.token };
    const imported = await runCommandLine(['import', '--all', '--format', 'yaml'], { env });
    expect(imported.status).toBe(0);
    const manifests = parseAllDocuments(imported.stdout).map((document) => document.toJS() as Manifest);
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual([
      'DatabricksClusterPolicy',
      'DatabricksGitCredential',
      'DatabricksInstancePool',
      'DatabricksJob',
      'DatabricksPipeline',
      'DatabricksRepo',
      'DatabricksSqlWarehouse',
      'DatabricksSqlWarehouse',
      'DatabricksWorkspace',
    ]);

    // The Secret the imported Git credential names, as its note says to create before applying.
    await testKubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespacedSecret({
        namespace: bed.namespace,
        body: { metadata: { name: 'git-github-token' }, stringData: { token: 'ghp_from_secret' } },
      });
    bed.fake.clearRequests();
    await kubectlApply(imported.stdout, bed.namespace);
    for (const manifest of manifests) {
      await bed.waitForCondition(RESOURCES[manifest.kind], manifest.metadata.name, {}, 60_000);
    }
    const writes = bed.fake.requests().filter((request) => request.method !== 'GET');
    const byEndpoint = writes.reduce<Record<string, number>>(
      (counts, request) => ({ ...counts, [request.endpoint]: (counts[request.endpoint] ?? 0) + 1 }),
      {},
    );
    // One edit of each object that carries a marker (the policy carries none), the Git credential's token
    // sent once (adopting replaces it: it cannot be compared), and nothing else.
    expect(byEndpoint).toEqual({
      'git-credentials/update': 1,
      'instance-pools/edit': 1,
      'pipelines/edit': 1,
      'sql/warehouses/edit': 2,
      'jobs/update': 1,
    });
    // Nothing made anew, nothing deleted, nothing started or stopped.
    expect(
      writes
        .filter((request) => /create|delete|start|stop|reset/.test(request.endpoint))
        .map((r) => r.endpoint),
    ).toEqual([]);
    // Each edit carries the user's settings as they were, with the marker added.
    // The token the Secret holds, not the one the credential had.
    expect(bed.fake.service<GitCredentialsService>('git-credentials').tokenHash(credentialId)).toBe(
      createHash('sha256').update('ghp_from_secret').digest('hex'),
    );
    for (const request of writes.filter((write) => write.endpoint !== 'git-credentials/update')) {
      const body = request.body as Json;
      const tags = JSON.stringify(body.tags ?? body.custom_tags ?? body.new_settings ?? {});
      expect([request.endpoint, tags]).toEqual([request.endpoint, expect.stringContaining('k8s-owner-uid')]);
    }

    const dir = mkdtempSync(join(tmpdir(), 'import-kinds-plan-'));
    try {
      writeFileSync(join(dir, 'imported.yaml'), imported.stdout);
      bed.fake.clearRequests();
      const plan = await runCommandLine(['plan', dir, '--namespace', bed.namespace], { env });
      const lines = plan.stdout.trimEnd().split('\n');
      expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 0, stderr: '' });
      expect(lines.slice(0, -1)).toEqual(
        manifests
          .filter((manifest) => manifest.kind !== 'DatabricksWorkspace')
          .map((manifest) =>
            expect.stringMatching(
              new RegExp(`^none   ${manifest.kind} ${bed.namespace}/${manifest.metadata.name} \\([^:]*\\)$`),
            ),
          ),
      );
      expect(bed.fake.requests().filter((request) => request.method !== 'GET')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
