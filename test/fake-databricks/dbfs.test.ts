import { ManualClock } from './api.js';
import { DbfsService, type DbfsOptions } from './dbfs.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { FakeHttpClient } from './fake-http-client.js';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

function workspace(options: DbfsOptions = {}) {
  const clock = new ManualClock();
  const ctx = routeTableContext(clock);
  const service = new DbfsService(ctx, options);
  return { clock, service, api: new RouteTableClient(service) };
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
const MB = 1024 * 1024;

describe('dbfs put and read', () => {
  it('puts a file inline, creating parents, and reads it back by range', async () => {
    const { api, clock } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', {
      path: '/FileStore/app/config.json',
      contents: b64('hello world'),
    });
    expect(await api.ok('GET', '/api/2.0/dbfs/get-status', { path: '/FileStore/app/config.json' })).toEqual({
      path: '/FileStore/app/config.json',
      is_dir: false,
      file_size: 11,
      modification_time: clock.now(),
    });
    expect(await api.ok('GET', '/api/2.0/dbfs/get-status', { path: '/FileStore/app' })).toMatchObject({
      is_dir: true,
    });
    const ranged = await api.ok('GET', '/api/2.0/dbfs/read', {
      path: '/FileStore/app/config.json',
      offset: 6,
      length: 3,
    });
    expect(ranged).toEqual({ bytes_read: 3, data: b64('wor') });
    const pastEnd = await api.ok('GET', '/api/2.0/dbfs/read', {
      path: '/FileStore/app/config.json',
      offset: 9,
    });
    expect(pastEnd).toEqual({ bytes_read: 2, data: b64('ld') });
    expect(
      await api.ok('GET', '/api/2.0/dbfs/read', { path: '/FileStore/app/config.json', offset: 50 }),
    ).toEqual({
      bytes_read: 0,
      data: '',
    });
  });

  it('accepts the dbfs: prefix and answers with plain absolute paths', async () => {
    const { api, service } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', { path: 'dbfs:/tmp//x.txt/', contents: b64('x') });
    expect(service.fileContent('/tmp/x.txt')?.toString()).toBe('x');
    expect(await api.ok('GET', '/api/2.0/dbfs/list', { path: 'dbfs:/tmp' })).toEqual({
      files: [expect.objectContaining({ path: '/tmp/x.txt', is_dir: false })],
    });
    const relative = await api.call('POST', '/api/2.0/dbfs/put', { path: 'tmp/y.txt', contents: b64('y') });
    expect(relative).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
  });

  it('refuses to overwrite without overwrite=true, and overwrites with it', async () => {
    const { api, service } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/a.txt', contents: b64('one') });
    expect(await api.call('POST', '/api/2.0/dbfs/put', { path: '/a.txt', contents: b64('two') })).toEqual({
      status: 400,
      body: {
        error_code: 'RESOURCE_ALREADY_EXISTS',
        message: 'A file or directory already exists at the input path /a.txt.',
      },
    });
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/a.txt', contents: b64('two'), overwrite: true });
    expect(service.fileContent('/a.txt')?.toString()).toBe('two');
  });

  it('accepts 1 MB inline and rejects more with MAX_BLOCK_SIZE_EXCEEDED', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/big', contents: b64(Buffer.alloc(MB)) });
    const result = await api.call('POST', '/api/2.0/dbfs/put', {
      path: '/bigger',
      contents: b64(Buffer.alloc(MB + 1)),
    });
    expect(result).toMatchObject({ status: 400, body: { error_code: 'MAX_BLOCK_SIZE_EXCEEDED' } });
  });

  it('defaults reads to 0.5 MB, caps them at 1 MB and refuses negative ranges and directories', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/d/big', contents: b64(Buffer.alloc(MB)) });
    expect((await api.ok('GET', '/api/2.0/dbfs/read', { path: '/d/big' })).bytes_read).toBe(512 * 1024);
    expect(await api.call('GET', '/api/2.0/dbfs/read', { path: '/d/big', length: MB + 1 })).toMatchObject({
      status: 400,
      body: { error_code: 'MAX_READ_SIZE_EXCEEDED' },
    });
    for (const params of [{ path: '/d/big', offset: -1 }, { path: '/d' }]) {
      expect(await api.call('GET', '/api/2.0/dbfs/read', params)).toMatchObject({
        status: 400,
        body: { error_code: 'INVALID_PARAMETER_VALUE' },
      });
    }
    expect(await api.call('GET', '/api/2.0/dbfs/read', { path: '/nope' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });
});

describe('dbfs streaming upload', () => {
  it('assembles a file from blocks between create and close', async () => {
    const { api, service } = workspace();
    const { handle } = await api.ok('POST', '/api/2.0/dbfs/create', { path: '/FileStore/jars/app.jar' });
    expect(service.fileContent('/FileStore/jars/app.jar')?.length).toBe(0);
    await api.ok('POST', '/api/2.0/dbfs/add-block', { handle, data: b64('part1-') });
    await api.ok('POST', '/api/2.0/dbfs/add-block', { handle, data: b64('part2') });
    await api.ok('POST', '/api/2.0/dbfs/close', { handle });
    expect(service.fileContent('/FileStore/jars/app.jar')?.toString()).toBe('part1-part2');
    expect(await api.call('POST', '/api/2.0/dbfs/close', { handle })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });

  it('expires a handle after 10 idle minutes by the workspace clock', async () => {
    const { api, clock } = workspace();
    const { handle } = await api.ok('POST', '/api/2.0/dbfs/create', { path: '/f' });
    clock.advance(9 * 60_000);
    await api.ok('POST', '/api/2.0/dbfs/add-block', { handle, data: b64('x') });
    clock.advance(10 * 60_000 + 1);
    expect(await api.call('POST', '/api/2.0/dbfs/add-block', { handle, data: b64('y') })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });

  it('rejects an oversized block and an existing path without overwrite', async () => {
    const { api } = workspace();
    const { handle } = await api.ok('POST', '/api/2.0/dbfs/create', { path: '/f' });
    expect(
      await api.call('POST', '/api/2.0/dbfs/add-block', { handle, data: b64(Buffer.alloc(MB + 1)) }),
    ).toMatchObject({
      status: 400,
      body: { error_code: 'MAX_BLOCK_SIZE_EXCEEDED' },
    });
    expect(await api.call('POST', '/api/2.0/dbfs/create', { path: '/f' })).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
    await api.ok('POST', '/api/2.0/dbfs/create', { path: '/f', overwrite: true });
  });
});

describe('dbfs directories', () => {
  it('mkdirs like mkdir -p, idempotently, and refuses a file on the prefix', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/mkdirs', { path: '/a/b/c' });
    await api.ok('POST', '/api/2.0/dbfs/mkdirs', { path: '/a/b/c' });
    expect(await api.ok('GET', '/api/2.0/dbfs/list', { path: '/a' })).toEqual({
      files: [{ path: '/a/b', is_dir: true, file_size: 0, modification_time: expect.any(Number) }],
    });
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/a/file', contents: '' });
    expect(await api.call('POST', '/api/2.0/dbfs/mkdirs', { path: '/a/file/sub' })).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
  });

  it('lists a file path as that one file and a missing path as RESOURCE_DOES_NOT_EXIST', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/x/f', contents: b64('1') });
    expect(await api.ok('GET', '/api/2.0/dbfs/list', { path: '/x/f' })).toEqual({
      files: [expect.objectContaining({ path: '/x/f', file_size: 1 })],
    });
    expect(await api.call('GET', '/api/2.0/dbfs/list', { path: '/y' })).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'No file or directory exists on path /y.' },
    });
  });

  it('moves a directory with its contents and refuses an existing destination or a missing source', async () => {
    const { api, service } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/src/a/f', contents: b64('f') });
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/taken', contents: '' });
    await api.ok('POST', '/api/2.0/dbfs/move', { source_path: '/src', destination_path: '/dst/moved' });
    expect(service.fileContent('/dst/moved/a/f')?.toString()).toBe('f');
    expect(await api.call('GET', '/api/2.0/dbfs/get-status', { path: '/src' })).toMatchObject({
      status: 404,
    });
    expect(
      await api.call('POST', '/api/2.0/dbfs/move', { source_path: '/dst/moved', destination_path: '/taken' }),
    ).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
    expect(
      await api.call('POST', '/api/2.0/dbfs/move', { source_path: '/gone', destination_path: '/z' }),
    ).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
  });

  it('deletes recursively only when asked, and treats a missing path as already deleted', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/dbfs/put', { path: '/dir/sub/f', contents: b64('f') });
    expect(await api.call('POST', '/api/2.0/dbfs/delete', { path: '/dir' })).toMatchObject({
      status: 400,
      body: { error_code: 'IO_ERROR' },
    });
    await api.ok('POST', '/api/2.0/dbfs/delete', { path: '/dir', recursive: true });
    expect(await api.call('GET', '/api/2.0/dbfs/get-status', { path: '/dir/sub/f' })).toMatchObject({
      status: 404,
    });
    await api.ok('POST', '/api/2.0/dbfs/delete', { path: '/dir' });
    await api.ok('POST', '/api/2.0/dbfs/mkdirs', { path: '/empty' });
    await api.ok('POST', '/api/2.0/dbfs/delete', { path: '/empty' });
    expect(await api.ok('GET', '/api/2.0/dbfs/list', { path: '/' })).toEqual({});
  });
});

describe('dbfs large deletes', () => {
  it('answers 503 part-way through a large recursive delete and finishes when called again', async () => {
    const { api } = workspace({ deleteBatchSize: 3 });
    for (let i = 0; i < 5; i++)
      await api.ok('POST', '/api/2.0/dbfs/put', { path: `/big/f${i}`, contents: '' });
    expect(await api.call('POST', '/api/2.0/dbfs/delete', { path: '/big', recursive: true })).toMatchObject({
      status: 503,
      body: { error_code: 'TEMPORARILY_UNAVAILABLE' },
    });
    expect((await api.ok('GET', '/api/2.0/dbfs/list', { path: '/big' })).files).toHaveLength(2);
    await api.ok('POST', '/api/2.0/dbfs/delete', { path: '/big', recursive: true });
    expect(await api.call('GET', '/api/2.0/dbfs/get-status', { path: '/big' })).toMatchObject({
      status: 404,
    });
  });
});

describe('dbfs over HTTP', () => {
  let server: FakeWorkspace;
  let http: FakeHttpClient;
  beforeAll(async () => {
    server = await startFakeWorkspace({ rateLimits: false });
    http = new FakeHttpClient(server);
  });
  afterAll(() => server.close());

  it('reads offset and length from the query string', async () => {
    await http.ok('POST', '/api/2.0/dbfs/put', { path: '/q.txt', contents: b64('0123456789') });
    expect(await http.ok('GET', '/api/2.0/dbfs/read', { path: '/q.txt', offset: 2, length: 3 })).toEqual({
      bytes_read: 3,
      data: b64('234'),
    });
  });

  it('answers an oversized put with 400 MAX_BLOCK_SIZE_EXCEEDED', async () => {
    const answer = await http.call('POST', '/api/2.0/dbfs/put', {
      path: '/big',
      contents: b64(Buffer.alloc(MB + 1)),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error_code).toBe('MAX_BLOCK_SIZE_EXCEEDED');
  });
});
