import { join } from 'node:path';
import { KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { type App, type Chart, Testing } from 'cdk8s';
import { GitEtlChart } from '../../examples/git-etl/git-etl.js';
import { GovernedComputeChart } from '../../examples/governed-compute/governed-compute.js';
import { MlTrainingChart } from '../../examples/ml-training/ml-training.js';
import { NightlyEtlChart } from '../../examples/nightly-etl/nightly-etl.js';
import { quickstart } from '../../examples/quickstart/quickstart.js';
import { installCrd, readCrdManifests } from '../control-plane/crd-installation.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { testKubeConfig, useTestNamespace } from '../control-plane/test-cluster.js';
import { everyFeatureChart } from './every-feature-chart.js';

const FIELD_MANAGER = 'cdk8s-databricks-examples';

interface Manifest extends KubernetesObject {
  spec?: unknown;
  data?: unknown;
  binaryData?: unknown;
}

const charts: Record<string, (app: App, namespace: string) => Chart> = {
  'nightly ETL': (app, namespace) => new NightlyEtlChart(app, 'nightly-etl', { namespace }),
  'ML training': (app, namespace) => new MlTrainingChart(app, 'ml-training', { namespace }),
  'code from Git': (app, namespace) => new GitEtlChart(app, 'git-etl', { namespace }),
  'governed compute': (app, namespace) => new GovernedComputeChart(app, 'governed-compute', { namespace }),
  'every feature': (app, namespace) => everyFeatureChart(app, namespace),
  'README quickstart': (app, namespace) => quickstart(app, namespace),
};

describe('the synthesized examples apply to a real API server', () => {
  const namespace = useTestNamespace('examples');
  const config = testKubeConfig();
  const client = KubernetesObjectApi.makeApiClient(config);

  // Installing seven CRDs and waiting until they are served takes seconds on a fresh, busy control plane.
  beforeAll(async () => {
    for (const crd of readCrdManifests(join(repositoryRoot(), 'dist'))) await installCrd(config, crd);
  }, 120_000);

  it.each(Object.keys(charts))(
    '%s: server-side apply accepts every object and prunes nothing',
    async (name) => {
      const manifests = Testing.synth(charts[name]!(Testing.app(), namespace.name)) as Manifest[];
      for (const manifest of manifests) {
        const applied = (await client.patch(
          manifest,
          undefined,
          undefined,
          FIELD_MANAGER,
          true,
          PatchStrategy.ServerSideApply,
        )) as Manifest;
        // Everything sent reads back (the schema's defaults, such as deletionPolicy: Delete, may be added).
        expect(applied).toMatchObject({
          kind: manifest.kind,
          ...(manifest.spec === undefined ? {} : { spec: manifest.spec }),
          ...(manifest.data === undefined ? {} : { data: manifest.data }),
          ...(manifest.binaryData === undefined ? {} : { binaryData: manifest.binaryData }),
        });
      }
    },
    60_000,
  );
});
