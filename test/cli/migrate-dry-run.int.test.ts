/**
 * What `migrate` writes from the corpus of old manifests, validated by the real API server against the
 * CRDs (`kubectl apply --dry-run=server`, strict field validation): the schema, the CEL rules and the
 * immutability rules all accept it.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { installAllCrds } from '../controller/operator-test-bed.js';
import { useTestNamespace } from '../control-plane/test-cluster.js';
import { runCommandLine } from './cli-runner.js';
import { kubectlApply } from './kubectl-apply.js';
import { CORPUS } from './migrate-corpus-path.js';

describe('migrate output on the API server', () => {
  const namespace = useTestNamespace('migrate');
  beforeAll(() => installAllCrds(), 120_000);

  it('passes server-side validation of every object, with the workspace host given or as the placeholder', async () => {
    for (const args of [[], ['--host', 'https://adb-1234567890123456.7.azuredatabricks.net']]) {
      const { status, stdout, stderr } = await runCommandLine(['migrate', CORPUS, ...args]);
      expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
      // The corpus names its namespace; the test cluster gives each test its own.
      const documents = parseAllDocuments(stdout).map((document) => {
        const manifest = document.toJS() as { metadata: { namespace?: string } };
        manifest.metadata.namespace = namespace.name;
        return stringify(manifest);
      });
      const output = await kubectlApply(documents.join('---\n'), namespace.name, { dryRun: true });
      expect(output.trim().split('\n')).toHaveLength(documents.length);
      expect(output).toMatch(
        /databricksjob\.databricks\.operator\.dev\/nightly-etl serverside-applied \(server dry run\)/,
      );
    }
  });
});
