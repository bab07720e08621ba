import { randomBytes } from 'node:crypto';
import {
  DBFS_FILES,
  type DatabricksDbfsFile,
} from '../../../../controller/reconcilers/dbfs-file/dbfs-file.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { DbfsService } from '../../../fake-databricks/dbfs.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import {
  base64,
  createSecret,
  putConfigMap,
  sha256,
  waitForCalls,
  waitForEvent,
  waitForStatus,
} from '../content/content-source-fixtures.js';

const PATH = '/FileStore/etl/config.json';

describe('DatabricksDbfsFile reconciler', () => {
  // A short resync, so steady state and drift are seen within a test.
  const bed = useOperatorTestBed('dbfs', { operator: { config: { resyncPeriodMs: 400 } } });
  const dbfs = (): DbfsService => bed.fake.service<DbfsService>('dbfs');
  const holds = (text: string) =>
    pollUntil(`${PATH} to hold '${text}'`, async () =>
      dbfs().fileContent(PATH)?.toString() === text ? true : undefined,
    );
  const createFile = (name: string, spec: Record<string, unknown>) =>
    bed.create(DBFS_FILES, 'DatabricksDbfsFile', name, { workspaceRef: { name: 'ws' }, path: PATH, ...spec });

  it('uploads inline content with one dbfs/put and reports path, size and content hash', async () => {
    await createFile('config', { contents: base64('{"env":"prod"}') });
    const file = await bed.waitForCondition<DatabricksDbfsFile>(DBFS_FILES, 'config');
    expect(file.status).toMatchObject({
      path: PATH,
      fileSize: 14,
      contentHash: sha256('{"env":"prod"}'),
    });
    expect(Date.parse(file.status?.modificationTime ?? '')).not.toBeNaN();
    expect(dbfs().fileContent(PATH)?.toString()).toBe('{"env":"prod"}');
    expect(bed.fake.requestCount('dbfs/put', 200)).toBe(1);
    await waitForEvent(bed, 'config', /^Created: uploaded/);
  });

  it('reads content from a ConfigMap data key, a ConfigMap binaryData key and a Secret key', async () => {
    const binary = randomBytes(300);
    await putConfigMap(bed, 'sources', { data: { 'text.txt': 'héllo' }, binaryData: { 'blob.bin': binary } });
    await createSecret(bed, 'creds', { 'key.pem': 'secret material' });
    await createFile('text', {
      path: '/FileStore/text.txt',
      contentsFrom: { configMapKeyRef: { name: 'sources', key: 'text.txt' } },
    });
    await createFile('blob', {
      path: '/FileStore/blob.bin',
      contentsFrom: { configMapKeyRef: { name: 'sources', key: 'blob.bin' } },
    });
    await createFile('pem', {
      path: '/FileStore/key.pem',
      contentsFrom: { secretKeyRef: { name: 'creds', key: 'key.pem' } },
    });
    for (const name of ['text', 'blob', 'pem']) await bed.waitForCondition(DBFS_FILES, name);
    expect(dbfs().fileContent('/FileStore/text.txt')?.toString('utf8')).toBe('héllo');
    expect(dbfs().fileContent('/FileStore/blob.bin')).toEqual(binary);
    expect(dbfs().fileContent('/FileStore/key.pem')?.toString()).toBe('secret material');
    const blob = await bed.get<DatabricksDbfsFile>(DBFS_FILES, 'blob');
    expect(blob?.status?.contentHash).toBe(sha256(binary));
  });

  it('streams content over the inline limit through create, add-block and close', async () => {
    // 1,000,000 bytes: within a ConfigMap's 1 MiB, beyond 1 MiB of base64 for a put.
    const large = randomBytes(1_000_000);
    await putConfigMap(bed, 'large', { binaryData: { 'model.bin': large } });
    await createFile('model', {
      path: '/FileStore/model.bin',
      contentsFrom: { configMapKeyRef: { name: 'large', key: 'model.bin' } },
    });
    const file = await bed.waitForCondition<DatabricksDbfsFile>(DBFS_FILES, 'model');
    expect(file.status?.fileSize).toBe(1_000_000);
    // Compared by hash: Jest's toEqual walks a megabyte Buffer byte by byte for seconds.
    expect(sha256(dbfs().fileContent('/FileStore/model.bin') ?? '')).toBe(sha256(large));
    expect(bed.fake.requestCount('dbfs/create', 200)).toBe(1);
    expect(bed.fake.requestCount('dbfs/add-block', 200)).toBe(1);
    expect(bed.fake.requestCount('dbfs/close', 200)).toBe(1);
    expect(bed.fake.requestCount('dbfs/put')).toBe(0);
  });

  it('uploads nothing and reads only its directory listing at steady state, and uploads once when the source changes', async () => {
    await putConfigMap(bed, 'settings', { data: { 'app.conf': 'level=info' } });
    await createFile('settings', {
      contentsFrom: { configMapKeyRef: { name: 'settings', key: 'app.conf' } },
    });
    await bed.waitForCondition(DBFS_FILES, 'settings');
    await waitForCalls(bed, 'dbfs/list', 1);
    const statusReads = bed.fake.requestCount('dbfs/get-status');
    await waitForCalls(bed, 'dbfs/list', 4);
    expect(bed.fake.requestCount('dbfs/get-status')).toBe(statusReads);
    expect(bed.fake.requestCount('dbfs/put')).toBe(1);
    expect(bed.fake.requestCount('dbfs/read')).toBe(0);

    await putConfigMap(bed, 'settings', { data: { 'app.conf': 'level=debug' } });
    await waitForStatus<DatabricksDbfsFile>(
      bed,
      DBFS_FILES,
      'settings',
      'the new content hash',
      (status) => status.contentHash === sha256('level=debug'),
    );
    expect(dbfs().fileContent(PATH)?.toString()).toBe('level=debug');
    await waitForCalls(bed, 'dbfs/list', 4);
    expect(bed.fake.requestCount('dbfs/put')).toBe(2);
    await waitForEvent(bed, 'settings', /^Updated: /);
  });

  it('uploads the file again when it is deleted or changed in Databricks', async () => {
    await createFile('config', { contents: base64('original') });
    await bed.waitForCondition(DBFS_FILES, 'config');

    await bed.fake.ui.call('dbfs/delete', { path: PATH });
    await holds('original');
    // Recorded once the upload's get-status is done: a change made before that would look like ours.
    await waitForEvent(bed, 'config', /^Recreated: .* deleted in Databricks/);
    expect(bed.fake.requestCount('dbfs/put')).toBe(2);

    // Same size, other bytes: only the modification time shows the change.
    await bed.fake.ui.call('dbfs/put', { path: PATH, contents: base64('ORIGINAL'), overwrite: true });
    await holds('original');
    expect(bed.fake.requestCount('dbfs/put')).toBe(3);
    await waitForEvent(bed, 'config', /^DriftCorrected: .* changed in Databricks/);
  });

  it('reports a missing ConfigMap, then a missing key, and uploads once both exist', async () => {
    await createFile('late', { contentsFrom: { configMapKeyRef: { name: 'later', key: 'data.csv' } } });
    const waiting = await bed.waitForCondition<DatabricksDbfsFile>(DBFS_FILES, 'late', {
      status: 'False',
      reason: 'WaitingForDependency',
    });
    expect(waiting.status?.conditions?.[0]?.message).toBe(
      `spec.contentsFrom.configMapKeyRef: ConfigMap later does not exist in namespace ${bed.namespace}`,
    );
    await putConfigMap(bed, 'later', { data: { 'other.csv': 'x' } });
    await waitForStatus<DatabricksDbfsFile>(bed, DBFS_FILES, 'late', 'the missing key reported', (status) =>
      (status.conditions ?? []).some((c) =>
        c.message.includes('ConfigMap later has no key data.csv (it has other.csv)'),
      ),
    );
    await putConfigMap(bed, 'later', { data: { 'data.csv': 'a,b' } });
    await bed.waitForCondition(DBFS_FILES, 'late');
    expect(dbfs().fileContent(PATH)?.toString()).toBe('a,b');
  });

  it('replaces a file it did not write only when overwrite allows it', async () => {
    await bed.fake.ui.call('dbfs/put', { path: PATH, contents: base64('theirs') });
    await createFile('guarded', { contents: base64('ours'), overwrite: false });
    const refused = await bed.waitForCondition<DatabricksDbfsFile>(DBFS_FILES, 'guarded', {
      status: 'False',
      reason: 'PathExists',
    });
    expect(refused.status?.conditions?.[0]?.message).toContain('spec.overwrite is false');
    expect(dbfs().fileContent(PATH)?.toString()).toBe('theirs');

    await bed.patchSpec(DBFS_FILES, 'guarded', { overwrite: true });
    await bed.waitForCondition(DBFS_FILES, 'guarded');
    expect(dbfs().fileContent(PATH)?.toString()).toBe('ours');
  });

  it('takes a file that already holds the content as is, even with overwrite false', async () => {
    await bed.fake.ui.call('dbfs/put', { path: PATH, contents: base64('same') });
    await createFile('same', { contents: base64('same'), overwrite: false });
    await bed.waitForCondition(DBFS_FILES, 'same');
    expect(bed.fake.requestCount('dbfs/put')).toBe(0);
    await waitForEvent(bed, 'same', /^Found: /);
  });

  it('deletes the file with deletionPolicy Delete and keeps it with Retain', async () => {
    await createFile('doomed', { contents: base64('a') });
    await createFile('kept', {
      path: '/FileStore/kept.txt',
      contents: base64('b'),
      deletionPolicy: 'Retain',
    });
    await bed.waitForCondition(DBFS_FILES, 'doomed');
    await bed.waitForCondition(DBFS_FILES, 'kept');
    await bed.delete(DBFS_FILES, 'doomed');
    await bed.delete(DBFS_FILES, 'kept');
    await bed.waitForGone(DBFS_FILES, 'doomed');
    await bed.waitForGone(DBFS_FILES, 'kept');
    expect(dbfs().fileContent(PATH)).toBeUndefined();
    expect(dbfs().fileContent('/FileStore/kept.txt')?.toString()).toBe('b');
  });

  it('finishes deleting a file that is already gone from DBFS', async () => {
    await createFile('gone', { contents: base64('a') });
    await bed.waitForCondition(DBFS_FILES, 'gone');
    await bed.stopOperator();
    await bed.fake.ui.call('dbfs/delete', { path: PATH });
    await bed.delete(DBFS_FILES, 'gone');
    await bed.startOperator();
    await bed.waitForGone(DBFS_FILES, 'gone');
  });

  it('uploads through 429 and 503 answers', async () => {
    bed.fake.setFaults([
      { endpoint: 'dbfs/get-status', kind: 'unavailable', times: 2 },
      { endpoint: 'dbfs/put', kind: 'rate-limit', times: 1 },
      { endpoint: 'dbfs/put', kind: 'unavailable', times: 1 },
    ]);
    try {
      await createFile('flaky', { contents: base64('through faults') });
      await bed.waitForCondition(DBFS_FILES, 'flaky');
    } finally {
      bed.fake.setFaults([]);
    }
    expect(dbfs().fileContent(PATH)?.toString()).toBe('through faults');
    expect(bed.fake.requestCount('dbfs/get-status', 503)).toBe(2);
    expect(bed.fake.requestCount('dbfs/put', 429)).toBe(1);
    expect(bed.fake.requestCount('dbfs/put', 503)).toBe(1);
    expect(bed.fake.requestCount('dbfs/put', 200)).toBe(1);
  });
});
