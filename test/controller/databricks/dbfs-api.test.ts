import { createHash, randomBytes } from 'node:crypto';
import { AlreadyExistsError, NotFoundError } from '../../../controller/databricks/errors.js';
import { startClientBed, type ClientBed } from './client-test-bed.js';

// Jest's deep equality walks a Buffer byte by byte (seconds per MB); compare digests instead.
const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('DBFS API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('puts a small file inline and reads it back', async () => {
    const contents = Buffer.from('hello, dbfs');
    await bed.client.dbfs.put('/tmp/hello.txt', contents.toString('base64'), { overwrite: true });
    const status = await bed.client.dbfs.getStatus('/tmp/hello.txt');
    expect(status).toMatchObject({ path: '/tmp/hello.txt', is_dir: false, file_size: contents.length });
    const read = await bed.client.dbfs.read('/tmp/hello.txt');
    expect(Buffer.from(read.data ?? '', 'base64')).toEqual(contents);
  });

  it('refuses to overwrite without overwrite=true (AlreadyExistsError)', async () => {
    await bed.client.dbfs.put('/f', Buffer.from('a').toString('base64'));
    await expect(bed.client.dbfs.put('/f', Buffer.from('b').toString('base64'))).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
  });

  it('uploads a 2.5 MB file in 1 MB blocks and downloads it intact', async () => {
    const bytes = randomBytes(2.5 * 1024 * 1024);
    await bed.client.dbfs.upload('/data/big.bin', bytes);
    expect(bed.fake.requestCount('dbfs/create')).toBe(1);
    expect(bed.fake.requestCount('dbfs/add-block')).toBe(3);
    expect(bed.fake.requestCount('dbfs/close')).toBe(1);
    expect((await bed.client.dbfs.getStatus('/data/big.bin')).file_size).toBe(bytes.length);
    expect(digest(await bed.client.dbfs.download('/data/big.bin'))).toBe(digest(bytes));
    expect(bed.fake.requestCount('dbfs/read')).toBeGreaterThanOrEqual(3);
  });

  it('finishes an upload whose block requests were dropped and retried', async () => {
    bed.fake.setFaults([{ endpoint: 'dbfs/add-block', kind: 'reset', times: 2 }]);
    const bytes = randomBytes(1.5 * 1024 * 1024);
    await bed.client.dbfs.upload('/data/retried.bin', bytes);
    expect(digest(await bed.client.dbfs.download('/data/retried.bin'))).toBe(digest(bytes));
  });

  it('uploads an empty file', async () => {
    await bed.client.dbfs.upload('/data/empty', new Uint8Array(0));
    expect((await bed.client.dbfs.getStatus('/data/empty')).file_size).toBe(0);
  });

  it('reports a missing path as NotFoundError', async () => {
    await expect(bed.client.dbfs.getStatus('/nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('makes directories and deletes them recursively, retrying a 503 on the way', async () => {
    await bed.client.dbfs.mkdirs('/a/b/c');
    expect((await bed.client.dbfs.getStatus('/a/b')).is_dir).toBe(true);
    await bed.client.dbfs.put('/a/b/c/f', Buffer.from('x').toString('base64'));
    bed.fake.setFaults([{ endpoint: 'dbfs/delete', kind: 'unavailable', times: 1 }]);
    await bed.client.dbfs.delete('/a', { recursive: true });
    await expect(bed.client.dbfs.getStatus('/a')).rejects.toBeInstanceOf(NotFoundError);
    expect(bed.fake.requests({ endpoint: 'dbfs/delete' }).map((e) => e.status)).toEqual([503, 200]);
  });
});
