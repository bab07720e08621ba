import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { NOTEBOOKS, type DatabricksNotebook } from '../../../../controller/reconcilers/notebook/notebook.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { WorkspaceService } from '../../../fake-databricks/workspace.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import {
  base64,
  putConfigMap,
  sha256,
  waitForCalls,
  waitForEvent,
  waitForStatus,
} from '../content/content-source-fixtures.js';

const PATH = '/Shared/etl/ingest';
const SOURCE = 'print("ingest")\n';

describe('DatabricksNotebook reconciler', () => {
  // A short resync, so steady state and drift are seen within a test.
  const bed = useOperatorTestBed('notebook', { operator: { config: { resyncPeriodMs: 400 } } });
  const workspace = (): WorkspaceService => bed.fake.service<WorkspaceService>('workspace');
  const holds = (path: string, source: string) =>
    pollUntil(`${path} to hold the spec source`, async () =>
      workspace().notebookSource(path) === source ? true : undefined,
    );
  const createNotebook = (name: string, spec: Record<string, unknown>) =>
    bed.create(NOTEBOOKS, 'DatabricksNotebook', name, {
      workspaceRef: { name: 'ws' },
      path: PATH,
      language: 'PYTHON',
      ...spec,
    });

  it('imports a SOURCE notebook into a folder it creates, and reports path, ID, type, URL and hash', async () => {
    await createNotebook('ingest', { path: '/Shared/new/deep/ingest', content: base64(SOURCE) });
    const notebook = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'ingest');
    const objectId = notebook.status?.objectId;
    expect(notebook.status).toMatchObject({
      path: '/Shared/new/deep/ingest',
      objectType: 'NOTEBOOK',
      contentHash: sha256(SOURCE),
      format: 'SOURCE',
      url: `${bed.fake.url}/#notebook/${objectId}`,
    });
    expect(workspace().notebookSource('/Shared/new/deep/ingest')).toBe(SOURCE);
    const folder = (await bed.fake.ui.call('workspace/get-status', { path: '/Shared/new/deep' })) as {
      object_type: string;
    };
    expect(folder.object_type).toBe('DIRECTORY');
    const imports = bed.fake.requests({ endpoint: 'workspace/import' });
    expect(imports).toHaveLength(1);
    expect(imports[0]?.body).toMatchObject({ format: 'SOURCE', language: 'PYTHON', overwrite: false });
  });

  it('reads a notebook from a ConfigMap data key and binaryData key', async () => {
    const sql = 'SELECT 1;\n';
    await putConfigMap(bed, 'notebooks', {
      data: { 'report.sql': sql },
      binaryData: { 'train.py': Buffer.from(SOURCE) },
    });
    await createNotebook('report', {
      path: '/Shared/report',
      language: 'SQL',
      contentFrom: { configMapKeyRef: { name: 'notebooks', key: 'report.sql' } },
    });
    await createNotebook('train', {
      path: '/Shared/train',
      contentFrom: { configMapKeyRef: { name: 'notebooks', key: 'train.py' } },
    });
    await bed.waitForCondition(NOTEBOOKS, 'report');
    await bed.waitForCondition(NOTEBOOKS, 'train');
    expect(workspace().notebookSource('/Shared/report')).toBe(sql);
    expect(workspace().notebookSource('/Shared/train')).toBe(SOURCE);
  });

  it('imports a JUPYTER notebook at the path without its extension', async () => {
    const ipynb = JSON.stringify({ cells: [{ cell_type: 'code', source: 'x = 1' }], metadata: {} });
    await createNotebook('lab', {
      path: '/Shared/lab.ipynb',
      format: 'JUPYTER',
      language: undefined,
      content: base64(ipynb),
    });
    const notebook = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'lab');
    expect(notebook.status).toMatchObject({ path: '/Shared/lab', objectType: 'NOTEBOOK', format: 'JUPYTER' });
    await waitForCalls(bed, 'workspace/list', 4);
    expect(bed.fake.requestCount('workspace/import')).toBe(1);
  });

  it('costs one listing of its folder per resync at steady state, and imports once when the content changes', async () => {
    await createNotebook('ingest', { content: base64(SOURCE) });
    await bed.waitForCondition(NOTEBOOKS, 'ingest');
    await waitForCalls(bed, 'workspace/list', 1);
    const statusReads = bed.fake.requestCount('workspace/get-status');
    await waitForCalls(bed, 'workspace/list', 4);
    expect(bed.fake.requestCount('workspace/get-status')).toBe(statusReads);
    expect(bed.fake.requestCount('workspace/import')).toBe(1);
    expect(bed.fake.requestCount('workspace/export')).toBe(0);

    const changed = 'print("ingest v2")\n';
    await bed.patchSpec(NOTEBOOKS, 'ingest', { content: base64(changed) });
    await waitForStatus<DatabricksNotebook>(
      bed,
      NOTEBOOKS,
      'ingest',
      'the new content hash',
      (status) => status.contentHash === sha256(changed),
    );
    expect(workspace().notebookSource(PATH)).toBe(changed);
    await waitForCalls(bed, 'workspace/list', 4);
    expect(bed.fake.requestCount('workspace/import')).toBe(2);
    const imports = bed.fake.requests({ endpoint: 'workspace/import' });
    expect(imports[1]?.body).toMatchObject({ overwrite: true });
  });

  it('imports again when the notebook is deleted or its source changed in the workspace', async () => {
    await createNotebook('ingest', { content: base64(SOURCE) });
    await bed.waitForCondition(NOTEBOOKS, 'ingest');

    await bed.fake.ui.call('workspace/delete', { path: PATH });
    await holds(PATH, SOURCE);
    // Recorded once the import's get-status is done: a change made before that would look like ours.
    await waitForEvent(bed, 'ingest', /^Recreated: .* deleted in the workspace/);

    await bed.fake.ui.call('workspace/import', {
      path: PATH,
      format: 'SOURCE',
      language: 'PYTHON',
      content: base64('print("edited in the UI")\n'),
      overwrite: true,
    });
    await holds(PATH, SOURCE);
    await waitForEvent(bed, 'ingest', /^DriftCorrected: .* changed in the workspace/);
    expect(bed.fake.requestCount('workspace/import')).toBe(3);
    expect(bed.fake.requestCount('workspace/export')).toBeGreaterThanOrEqual(1);
  });

  it('keeps a notebook touched in the workspace whose source is unchanged (export with its header line)', async () => {
    const notebook = await (async () => {
      await createNotebook('ingest', { content: base64(SOURCE) });
      return bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'ingest');
    })();
    // Saved again in the UI with the header a SOURCE export carries: the same notebook, a new modified_at.
    await bed.fake.ui.call('workspace/import', {
      path: PATH,
      format: 'SOURCE',
      language: 'PYTHON',
      content: base64(`# Databricks notebook source\n${SOURCE}`),
      overwrite: true,
    });
    await waitForStatus<DatabricksNotebook>(
      bed,
      NOTEBOOKS,
      'ingest',
      'the new modification time',
      (status) => status.modificationTime !== notebook.status?.modificationTime,
    );
    expect(bed.fake.requestCount('workspace/export')).toBe(1);
    await waitForCalls(bed, 'workspace/list', 3);
    expect(bed.fake.requestCount('workspace/import')).toBe(1);
    expect(bed.fake.requestCount('workspace/export')).toBe(1);
  });

  it('refuses a path that holds another notebook, and takes one with the same source as is', async () => {
    await bed.fake.ui.call('workspace/mkdirs', { path: '/Shared/etl' });
    await bed.fake.ui.call('workspace/import', {
      path: PATH,
      format: 'SOURCE',
      language: 'PYTHON',
      content: base64('print("someone else")\n'),
    });
    await createNotebook('ingest', { content: base64(SOURCE) });
    const refused = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'ingest', {
      status: 'False',
      reason: 'PathExists',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain(`spec.path: ${PATH} is already a notebook`);
    expect(workspace().notebookSource(PATH)).toBe('print("someone else")\n');

    await bed.patchSpec(NOTEBOOKS, 'ingest', { content: base64('print("someone else")\n') });
    await bed.waitForCondition(NOTEBOOKS, 'ingest');
    await waitForEvent(bed, 'ingest', /^Found: .* already holds the content/);
    expect(bed.fake.requestCount('workspace/import')).toBe(0);
  });

  it('reports a missing ConfigMap and imports once it exists', async () => {
    await createNotebook('late', { contentFrom: { configMapKeyRef: { name: 'later', key: 'nb.py' } } });
    const waiting = await bed.waitForCondition<DatabricksNotebook>(NOTEBOOKS, 'late', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(waiting.status?.conditions?.[0]?.message).toBe(
      `spec.contentFrom.configMapKeyRef: ConfigMap later does not exist in namespace ${bed.namespace}`,
    );
    await putConfigMap(bed, 'later', { data: { 'nb.py': SOURCE } });
    await bed.waitForCondition(NOTEBOOKS, 'late');
    expect(workspace().notebookSource(PATH)).toBe(SOURCE);
  });

  it('deletes the notebook with deletionPolicy Delete and keeps it with Retain', async () => {
    await createNotebook('doomed', { content: base64(SOURCE) });
    await createNotebook('kept', { path: '/Shared/kept', content: base64(SOURCE), deletionPolicy: 'Retain' });
    await bed.waitForCondition(NOTEBOOKS, 'doomed');
    await bed.waitForCondition(NOTEBOOKS, 'kept');
    await bed.delete(NOTEBOOKS, 'doomed');
    await bed.delete(NOTEBOOKS, 'kept');
    await bed.waitForGone(NOTEBOOKS, 'doomed');
    await bed.waitForGone(NOTEBOOKS, 'kept');
    expect(workspace().notebookSource(PATH)).toBeUndefined();
    expect(workspace().notebookSource('/Shared/kept')).toBe(SOURCE);
  });

  it('gives a job its notebook_path once the referenced notebook is Ready', async () => {
    const JOBS = RESOURCES.DatabricksJob;
    await bed.create(JOBS, 'DatabricksJob', 'etl', {
      workspaceRef: { name: 'ws' },
      settings: {
        name: 'etl',
        tasks: [
          {
            task_key: 'ingest',
            notebook_task: { notebook_ref: { name: 'ingest' } },
            new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
          },
        ],
      },
    });
    await bed.waitForCondition(JOBS, 'etl', { status: 'False', reason: 'WaitingForDependency' });
    await createNotebook('ingest', { content: base64(SOURCE) });
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl');
    const remote = (await bed.fake.ui.call('jobs/get', { job_id: job.status?.jobId })) as {
      settings: { tasks: { notebook_task: { notebook_path: string } }[] };
    };
    expect(remote.settings.tasks[0]?.notebook_task.notebook_path).toBe(PATH);
  });

  it('imports through 429 and 503 answers', async () => {
    bed.fake.setFaults([
      { endpoint: 'workspace/get-status', kind: 'unavailable', times: 2 },
      { endpoint: 'workspace/mkdirs', kind: 'rate-limit', times: 1 },
      { endpoint: 'workspace/import', kind: 'unavailable', times: 1 },
    ]);
    try {
      await createNotebook('flaky', { content: base64(SOURCE) });
      await bed.waitForCondition(NOTEBOOKS, 'flaky');
    } finally {
      bed.fake.setFaults([]);
    }
    expect(workspace().notebookSource(PATH)).toBe(SOURCE);
    expect(bed.fake.requestCount('workspace/get-status', 503)).toBe(2);
    expect(bed.fake.requestCount('workspace/mkdirs', 429)).toBe(1);
    expect(bed.fake.requestCount('workspace/import', 503)).toBe(1);
    expect(bed.fake.requestCount('workspace/import', 200)).toBe(1);
  });
});
