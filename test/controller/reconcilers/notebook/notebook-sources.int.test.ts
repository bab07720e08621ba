import { NOTEBOOKS, type DatabricksNotebook } from '../../../../controller/reconcilers/notebook/notebook.js';
import type { WorkspaceService } from '../../../fake-databricks/workspace.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { base64, createSecret, sha256, waitForEvent } from '../content/content-source-fixtures.js';

const PATH = '/Shared/etl/ingest';
const SOURCE = 'print("ingest")\n';

describe('DatabricksNotebook reconciler: spec.overwrite and content from a Secret', () => {
  const bed = useOperatorTestBed('notebook-src', {
    operator: { kinds: ['DatabricksWorkspace', 'DatabricksNotebook'] },
  });
  const workspace = (): WorkspaceService => bed.fake.service<WorkspaceService>('workspace');
  const createNotebook = (name: string, spec: Record<string, unknown>) =>
    bed.create(NOTEBOOKS, 'DatabricksNotebook', name, {
      workspaceRef: { name: 'ws' },
      path: PATH,
      language: 'PYTHON',
      ...spec,
    });

  it('replaces a notebook it did not write only once spec.overwrite is set', async () => {
    const theirs = 'print("someone else")\n';
    await bed.fake.ui.call('workspace/mkdirs', { path: '/Shared/etl' });
    await bed.fake.ui.call('workspace/import', {
      path: PATH,
      format: 'SOURCE',
      language: 'PYTHON',
      content: base64(theirs),
    });
    await createNotebook('ingest', { content: base64(SOURCE) });
    const refused = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'ingest', {
      status: 'False',
      reason: 'PathExists',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain('set spec.overwrite to replace it');
    expect(workspace().notebookSource(PATH)).toBe(theirs);
    expect(bed.fake.requestCount('workspace/import')).toBe(0);

    await bed.patchSpec(NOTEBOOKS, 'ingest', { overwrite: true });
    const replaced = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'ingest');
    expect(replaced.status).toMatchObject({ path: PATH, contentHash: sha256(SOURCE) });
    expect(workspace().notebookSource(PATH)).toBe(SOURCE);
    const imports = bed.fake.requests({ endpoint: 'workspace/import' });
    expect(imports).toHaveLength(1);
    expect(imports[0]?.body).toMatchObject({ path: PATH, overwrite: true });
    await waitForEvent(
      bed,
      'ingest',
      /^Created: replaced the existing \/Shared\/etl\/ingest \(spec.overwrite\)/,
    );
  });

  it('imports content from a Secret key, and names the key while it is missing', async () => {
    await createSecret(bed, 'notebooks', { 'other.py': 'x = 1\n' });
    await createNotebook('secret', {
      contentFrom: { secretKeyRef: { name: 'notebooks', key: 'ingest.py' } },
    });
    const waiting = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'secret', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(waiting.status?.conditions?.[0]?.message).toBe(
      'spec.contentFrom.secretKeyRef: Secret notebooks has no key ingest.py (it has other.py)',
    );

    await bed.kube.core.replaceNamespacedSecret({
      namespace: bed.namespace,
      name: 'notebooks',
      body: { metadata: { name: 'notebooks' }, stringData: { 'ingest.py': SOURCE } },
    });
    const notebook = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'secret');
    expect(notebook.status?.contentHash).toBe(sha256(SOURCE));
    expect(workspace().notebookSource(PATH)).toBe(SOURCE);
    expect(notebook.status?.conditions?.[0]?.message).toContain('from Secret notebooks key ingest.py');
  });
});
