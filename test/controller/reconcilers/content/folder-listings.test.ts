import type { FileInfo, ObjectInfo } from '../../../../controller/databricks/index.js';
import { FolderListings } from '../../../../controller/reconcilers/content/folder-listings.js';
import { startClientBed, type ClientBed } from '../../databricks/client-test-bed.js';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('FolderListings: one listing per folder per resync', () => {
  let bed: ClientBed;
  let resyncedAt = 0;
  const resync = async () => {
    await new Promise((resolve) => setTimeout(resolve, 2));
    resyncedAt = Date.now();
  };
  const freshness = { maxAgeMs: 600_000, resyncedAt: () => resyncedAt };

  beforeAll(async () => {
    bed = await startClientBed();
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    bed.fake.reset();
  });

  describe('workspace folders (notebooks)', () => {
    const notebooks = () =>
      new FolderListings<ObjectInfo>(
        {
          list: (folder) => bed.client.workspace.list(folder),
          pathOf: (item) => item.path,
          normalize: (path) => `/${path.split('/').filter(Boolean).join('/')}`,
        },
        freshness,
      );
    const importNotebook = (path: string, source: string) =>
      bed.fake.ui.call('workspace/import', {
        path,
        format: 'SOURCE',
        language: 'PYTHON',
        content: base64(source),
        overwrite: true,
      });
    const paths = [
      ...Array.from({ length: 5 }, (_, i) => `/Shared/etl/step-${i}`),
      ...Array.from({ length: 3 }, (_, i) => `/Shared/ml/model-${i}`),
    ];

    beforeEach(async () => {
      await bed.fake.ui.call('workspace/mkdirs', { path: '/Shared/etl' });
      await bed.fake.ui.call('workspace/mkdirs', { path: '/Shared/ml' });
      for (const path of paths) await importNotebook(path, `print("${path}")`);
      bed.fake.clearRequests();
    });

    it('answers eight notebooks in two folders with two listings, and lists again after a resync', async () => {
      const folders = notebooks();
      for (const path of paths) expect((await folders.find(path))?.object_type).toBe('NOTEBOOK');
      expect(bed.fake.requestCounts()).toEqual({ 'workspace/list 200': 2 });
      await resync();
      for (const path of paths) await folders.find(`${path}/`);
      expect(bed.fake.requestCounts()).toEqual({ 'workspace/list 200': 4 });
    });

    it('shows a notebook replaced in the UI by its new object ID and time, and none for one deleted', async () => {
      const folders = notebooks();
      const before = await folders.find(paths[0]);
      await bed.fake.ui.call('workspace/delete', { path: paths[0] });
      await new Promise((resolve) => setTimeout(resolve, 2));
      await importNotebook(paths[0], 'print("replaced")');
      await bed.fake.ui.call('workspace/delete', { path: paths[1] });
      await resync();
      const after = await folders.find(paths[0]);
      expect(after?.object_id).not.toBe(before?.object_id);
      expect(after?.modified_at).toBeGreaterThan(before?.modified_at ?? Infinity);
      expect(await folders.find(paths[1])).toBeUndefined();
      expect(bed.fake.requestCount('workspace/get-status')).toBe(0);
    });

    it('leaves a notebook it wrote since the listing, and one in a folder that is gone, to a read of their own', async () => {
      const folders = notebooks();
      await folders.find(paths[0]);
      folders.wrote(paths[0]);
      expect(await folders.find(paths[0])).toBeUndefined();
      expect(await folders.find(paths[2])).toBeDefined();
      expect(await folders.find('/Shared/nowhere/x')).toBeUndefined();
      expect(bed.fake.requestCounts()).toEqual({ 'workspace/list 200': 1, 'workspace/list 404': 1 });
    });
  });

  describe('DBFS directories (files)', () => {
    const files = () =>
      new FolderListings<FileInfo>(
        {
          list: (directory) => bed.client.dbfs.list(directory),
          pathOf: (item) => item.path,
          normalize: (path) =>
            path
              .replace(/^dbfs:/, '')
              .replace(/\/+/g, '/')
              .replace(/(.)\/$/, '$1'),
        },
        freshness,
      );
    const paths = ['/FileStore/a.conf', '/FileStore/b.conf', '/FileStore/c.conf', '/jars/lib.jar'];

    beforeEach(async () => {
      for (const path of paths) {
        await bed.fake.ui.call('dbfs/put', { path, contents: base64(path), overwrite: true });
      }
      bed.fake.clearRequests();
    });

    it('answers four files in two directories with two listings, and shows one replaced by its size and time', async () => {
      const directories = files();
      const before = await directories.find('dbfs:/FileStore/a.conf');
      for (const path of paths) expect((await directories.find(path))?.is_dir).toBe(false);
      expect(bed.fake.requestCounts()).toEqual({ 'dbfs/list 200': 2 });

      await new Promise((resolve) => setTimeout(resolve, 2));
      await bed.fake.ui.call('dbfs/put', {
        path: '/FileStore/a.conf',
        contents: base64('replaced in the UI'),
        overwrite: true,
      });
      await resync();
      const after = await directories.find('/FileStore/a.conf');
      expect(after?.file_size).not.toBe(before?.file_size);
      expect(after?.modification_time).toBeGreaterThan(before?.modification_time ?? Infinity);
      expect(bed.fake.requestCounts()).toEqual({ 'dbfs/list 200': 3 });
    });
  });
});
