// The cdk8s app `cdk8s synth` runs (see cdk8s.yaml). It writes everything under dist/: the CRDs,
// the operator install (dist/operator.k8s.yaml), the Argo CD health checks (dist/argocd-cm.health.yaml),
// a dashboard and alert rules (dist/monitoring/) and the example apps under dist/examples/. `cdk8s synth` empties dist/
// first, so everything that belongs there must be produced here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import { GitEtlChart } from './examples/git-etl/git-etl.js';
import { GovernedComputeChart } from './examples/governed-compute/governed-compute.js';
import { MlTrainingChart } from './examples/ml-training/ml-training.js';
import { NightlyEtlChart } from './examples/nightly-etl/nightly-etl.js';
import { PipelineJobChart } from './examples/pipeline-job/pipeline-job.js';
import { quickstart } from './examples/quickstart/quickstart.js';
import { ARGOCD_HEALTH_MANIFEST_FILE, renderArgoCdHealthManifest } from './lib/argocd/health-checks.js';
import { renderPrometheusRule, renderPrometheusRules } from './lib/monitoring/alert-rules.js';
import { renderGrafanaDashboard } from './lib/monitoring/grafana-dashboard.js';
import { CRD_MANIFEST_FILE, renderCrdManifest } from './lib/crds/index.js';
import { OPERATOR_MANIFEST_FILE, renderOperatorManifest } from './lib/operator-install.js';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';

mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, CRD_MANIFEST_FILE), renderCrdManifest());

// The operator install with its defaults, applied after the CRDs (an app that wants other settings puts a
// DatabricksOperator in its own chart).
writeFileSync(join(outdir, OPERATOR_MANIFEST_FILE), renderOperatorManifest());

// Argo CD health checks of the seven kinds, as argocd-cm keys to merge into the user's argocd-cm.
writeFileSync(join(outdir, ARGOCD_HEALTH_MANIFEST_FILE), renderArgoCdHealthManifest());

// Operating the controller: a Grafana dashboard and alert rules over its /metrics.
mkdirSync(join(outdir, 'monitoring'), { recursive: true });
writeFileSync(join(outdir, 'monitoring', 'grafana-dashboard.json'), renderGrafanaDashboard());
writeFileSync(join(outdir, 'monitoring', 'prometheus-rules.yaml'), renderPrometheusRules());
writeFileSync(join(outdir, 'monitoring', 'prometheus-rule.k8s.yaml'), renderPrometheusRule());

// The example apps, synthesized to dist/examples/<chart>.k8s.yaml so that they can be applied and reviewed.
const examples = new App({ outdir: join(outdir, 'examples') });
new NightlyEtlChart(examples, 'nightly-etl');
new MlTrainingChart(examples, 'ml-training');
new GitEtlChart(examples, 'git-etl');
new PipelineJobChart(examples, 'pipeline-job');
new GovernedComputeChart(examples, 'governed-compute');
quickstart(examples);
examples.synth();
