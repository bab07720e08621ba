/**
 * An {@link AppModel} as the YAML `cdk8s synth` would write: the charts built from the library's
 * constructs (chart-constructs.ts) and synthesized, validation included, each document preceded by the
 * notes of its object as comments.
 */
import { App } from 'cdk8s';
import { Document } from 'yaml';
import type { AppModel } from './app-model.js';
import { buildChart } from './chart-constructs.js';

/** The custom resources of `app`, as one multi-document YAML stream. */
export function yamlApp(app: AppModel): string {
  const cdk8sApp = new App({ outdir: '.' });
  const charts = app.charts.map((chart) => ({ model: chart, chart: buildChart(cdk8sApp, chart) }));
  // Resolves and validates every construct: an object the library refuses fails here, naming it.
  cdk8sApp.synthYaml();
  const documents: string[] = [];
  for (const { model, chart } of charts) {
    const notesByName = new Map<string, readonly string[]>();
    for (const object of [model.workspace, ...model.objects])
      notesByName.set(`${object.kind}/${object.name}`, object.notes);
    for (const manifest of chart.toJson() as { kind: string; metadata: { name: string } }[]) {
      const document = new Document(manifest);
      const notes = notesByName.get(`${manifest.kind}/${manifest.metadata.name}`) ?? [];
      if (notes.length > 0) document.commentBefore = notes.map((note) => ` ${note}`).join('\n');
      // Long strings stay on one line, as kubectl writes them; the default folds them at 80 columns.
      documents.push(document.toString({ lineWidth: 0 }));
    }
  }
  return `# ${app.origin}\n${documents.join('---\n')}`;
}
