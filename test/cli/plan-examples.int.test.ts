/**
 * `plan` on the examples that use the kinds of issue 15 (pipeline-job, governed-compute, git-etl), as
 * synthesized into dist/examples/: against an empty workspace every object is to be created; once the
 * controller itself has made them all Ready from the same YAML, nothing is left to do. Both plans only
 * read. The examples' DatabricksWorkspace is replaced by the test bed's (`ws`, pointed at the fake).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { parseAllDocuments, stringify } from 'yaml';
import type { DatabricksKind } from '../../lib/crds/index.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { testKubeConfig } from '../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed } from '../controller/operator-test-bed.js';
import { runCommandLine } from './cli-runner.js';
import { kubectlApply } from './kubectl-apply.js';

type Manifest = { kind: DatabricksKind; metadata: { name: string }; spec: Record<string, unknown> };

/** The objects of example `name`, in `namespace`, with the test bed's workspace `ws`. */
function exampleObjects(name: string, namespace: string): Manifest[] {
  const yaml = readFileSync(join(repositoryRoot(), 'dist', 'examples', `${name}.k8s.yaml`), 'utf8');
  return parseAllDocuments(yaml)
    .map((document) => document.toJS() as Manifest)
    .filter((object) => object.kind !== 'DatabricksWorkspace')
    .map((object) => ({
      ...object,
      metadata: { ...object.metadata, namespace },
      spec: { ...object.spec, workspaceRef: { name: 'ws' } },
    }));
}

describe('plan on the examples of the newest kinds', () => {
  const bed = useOperatorTestBed('plan-examples');
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-examples-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const writes = () => bed.fake.requests().filter((request) => request.method !== 'GET');
  const plan = async () => {
    bed.fake.clearRequests();
    const run = await runCommandLine(['plan', dir, '--namespace', bed.namespace], {
      env: { DATABRICKS_HOST: bed.fake.url, DATABRICKS_TOKEN: bed.fake.token },
    });
    expect(run.stderr).toBe('');
    expect(writes()).toEqual([]);
    return { status: run.status, lines: run.stdout.trimEnd().split('\n') };
  };

  it.each(['pipeline-job', 'governed-compute', 'git-etl'])(
    '%s: all create on an empty workspace, none once the controller made it Ready, with reads only',
    async (example) => {
      const objects = exampleObjects(example, bed.namespace);
      const yaml = objects.map((object) => stringify(object)).join('---\n');
      writeFileSync(join(dir, `${example}.k8s.yaml`), yaml);

      const before = await plan();
      // A reference to an object of the files resolves (to known after apply): no line names one missing.
      expect(before.lines.slice(0, -1)).toEqual(
        objects.map((object) =>
          expect.stringMatching(
            new RegExp(`^create ${object.kind} ${bed.namespace}/${object.metadata.name}( \\([^)]*\\))?$`),
          ),
        ),
      );
      expect(before.lines.at(-1)).toContain(
        `: ${objects.length} to create, 0 to update, 0 to adopt, 0 refused, 0 to delete, 0 unchanged.`,
      );
      expect(before.status).toBe(2);

      if (objects.some((object) => object.kind === 'DatabricksGitCredential')) {
        await testKubeConfig()
          .makeApiClient(CoreV1Api)
          .createNamespacedSecret({
            namespace: bed.namespace,
            body: { metadata: { name: 'github-token' }, stringData: { token: 'ghp_plan_examples' } },
          });
      }
      await kubectlApply(yaml, bed.namespace);
      for (const object of objects) {
        await bed.waitForCondition(RESOURCES[object.kind], object.metadata.name, {}, 90_000);
      }

      const after = await plan();
      // Each line names the Databricks object found, and nothing that differs.
      expect(after.lines.slice(0, -1)).toEqual(
        objects.map((object) =>
          expect.stringMatching(
            new RegExp(`^none   ${object.kind} ${bed.namespace}/${object.metadata.name} \\([^:]*\\)$`),
          ),
        ),
      );
      expect(after.status).toBe(0);
    },
    180_000,
  );
});
