import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { API_GROUP, API_VERSION, KIND_TABLE, type DatabricksKind } from '../../lib/crds/index.js';
import { expectApiFailure } from '../control-plane/api-error.js';
import { installCrd, readCrdManifests } from '../control-plane/crd-installation.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { testKubeConfig, useTestNamespace } from '../control-plane/test-cluster.js';
import { KUBECTL_ENV } from '../control-plane/test-run-environment.js';
import { invalidManifests, validManifests, type CorpusManifest } from './manifest-corpus.js';

// The CRDs in dist/ against a real kube-apiserver: they install (so their CEL rules compile and
// fit the cost budget), accept the valid corpus and reject each invalid manifest naming its field.

const crds = readCrdManifests(join(repositoryRoot(), 'dist'));
const customObjects = () => testKubeConfig().makeApiClient(CustomObjectsApi);

function create(namespace: string, manifest: CorpusManifest) {
  return customObjects().createNamespacedCustomObject({
    group: API_GROUP,
    version: API_VERSION,
    namespace,
    plural: KIND_TABLE[manifest.kind as DatabricksKind].plural,
    body: manifest,
    // Strict: a misspelled or undeclared field is an error, not silently pruned.
    fieldValidation: 'Strict',
  });
}

beforeAll(async () => {
  for (const crd of crds) await installCrd(testKubeConfig(), crd);
}, 120_000);

describe('the synthesized CRDs on a real API server', () => {
  const namespace = useTestNamespace('crds');

  it('installs every kind and each becomes Established', () => {
    // installCrd waits for Established; here we pin that dist/ holds every kind.
    expect(crds.map((crd) => crd.spec.names.kind).sort()).toEqual(Object.keys(KIND_TABLE).sort());
  });

  it.each(validManifests().map((entry) => [entry.file, entry.manifest] as const))(
    'accepts %s',
    async (_file, manifest) => {
      const created = (await create(namespace.name, manifest)) as CorpusManifest;
      expect(created.metadata.name).toBe(manifest.metadata.name);
    },
  );

  it.each(invalidManifests().map((entry) => [entry.file, entry] as const))(
    'rejects %s, naming the field',
    async (_file, entry) => {
      const failure = await expectApiFailure(() => create(namespace.name, entry.manifest));
      expect([400, 422]).toContain(failure.code);
      expect(failure.message).toContain(entry.field);
      expect(failure.message).toContain(entry.message);
    },
  );

  it('applies the schema defaults (deletionPolicy Delete, cancelOnDelete true, state Running)', async () => {
    const [cluster] = validManifests().filter((entry) => entry.manifest.kind === 'DatabricksCluster');
    const withoutOptional = structuredClone(cluster.manifest);
    delete withoutOptional.spec.state;
    delete withoutOptional.spec.deletionPolicy;
    const created = (await create(namespace.name, withoutOptional)) as CorpusManifest;
    expect(created.spec).toMatchObject({ state: 'Running', deletionPolicy: 'Delete' });
  });

  it.each([
    ['run-job.yaml', { runNow: { job_parameters: { epochs: '20' } } }, 'spec.runNow: Invalid value'],
    ['run-job.yaml', { jobRef: { name: 'another-job' } }, 'spec.jobRef: Invalid value'],
    ['run-submit.yaml', { submit: { run_name: 'renamed' } }, 'spec.submit: Invalid value'],
    ['job.yaml', { workspaceRef: { name: 'staging' } }, 'spec.workspaceRef: Invalid value'],
    ['secret-scope.yaml', { scopeName: 'renamed' }, 'spec.scopeName: Invalid value'],
    ['job.yaml', { jobId: 42 }, 'spec.jobId: Invalid value'],
    ['cluster.yaml', { clusterId: '0101-abc' }, 'spec.clusterId: Invalid value'],
    ['secret-scope.yaml', { backend: { type: 'Databricks' } }, 'spec.backend: Invalid value'],
  ] as const)(
    'refuses an update of %s that changes an immutable field (%j)',
    async (file, specPatch, message) => {
      const [entry] = validManifests().filter((candidate) => candidate.file.endsWith(`/${file}`));
      await create(namespace.name, entry.manifest);
      const failure = await expectApiFailure(() =>
        customObjects().patchNamespacedCustomObject(
          {
            group: API_GROUP,
            version: API_VERSION,
            namespace: namespace.name,
            plural: KIND_TABLE[entry.manifest.kind as DatabricksKind].plural,
            name: entry.manifest.metadata.name,
            body: { spec: specPatch },
          },
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
        ),
      );
      expect(failure.code).toBe(422);
      expect(failure.message).toContain(message);
    },
  );

  it('lets cancelOnDelete of a DatabricksRun change after creation', async () => {
    const [entry] = validManifests().filter((candidate) => candidate.file.endsWith('/run-job.yaml'));
    await create(namespace.name, entry.manifest);
    const patched = (await customObjects().patchNamespacedCustomObject(
      {
        group: API_GROUP,
        version: API_VERSION,
        namespace: namespace.name,
        plural: KIND_TABLE.DatabricksRun.plural,
        name: entry.manifest.metadata.name,
        body: { spec: { cancelOnDelete: false } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as CorpusManifest;
    expect(patched.spec.cancelOnDelete).toBe(false);
  });
});

describe('kubectl explain on the installed CRDs', () => {
  // The local control plane hands over the kubectl it built; against an existing cluster, the one on PATH.
  const kubectl = process.env[KUBECTL_ENV] ?? 'kubectl';

  it('describes nested Databricks fields, down to a task type', () => {
    const explain = (field: string) =>
      execFileSync(kubectl, ['explain', field], {
        env: { ...process.env },
        encoding: 'utf8',
      }).replace(/\s+/g, ' '); // kubectl wraps descriptions
    expect(explain('databricksjobs.spec.settings.tasks')).toContain('Set exactly one task type');
    expect(explain('dbjob.spec.settings.tasks.run_job_task.job_ref')).toContain('DatabricksJob');
    expect(explain('dbcluster.spec.settings.spark_conf')).toContain('Spark configuration');
    expect(explain('dbws.spec.auth')).toContain('exactly one of token, oauthM2M, azureServicePrincipal');
  });
});
