import { ManualClock } from './api.js';
import { RouteTableClient, routeTableContext } from './route-table-client.js';
import { WorkspaceService } from './workspace.js';
import { FakeHttpClient } from './fake-http-client.js';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

function workspace() {
  const clock = new ManualClock();
  const ctx = routeTableContext(clock);
  const service = new WorkspaceService(ctx);
  return { clock, service, api: new RouteTableClient(service) };
}

const b64 = (text: string) => Buffer.from(text).toString('base64');
const text = (base64: unknown) => Buffer.from(String(base64), 'base64').toString('utf8');

describe('workspace import and export', () => {
  it('stores SOURCE notebooks as given and exports them with the header line first', async () => {
    const { api, service } = workspace();
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/etl',
      format: 'SOURCE',
      language: 'PYTHON',
      content: b64('print(1)\n'),
    });
    expect(service.notebookSource('/Shared/etl')).toBe('print(1)\n');
    const exported = await api.ok('GET', '/api/2.0/workspace/export', { path: '/Shared/etl' });
    expect(exported.file_type).toBe('py');
    expect(text(exported.content)).toBe('# Databricks notebook source\nprint(1)\n');
  });

  it('does not add a second header when the imported source already has one', async () => {
    const { api } = workspace();
    const source = '-- Databricks notebook source\nSELECT 1\n';
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/q',
      format: 'SOURCE',
      language: 'SQL',
      content: b64(source),
    });
    const exported = await api.ok('GET', '/api/2.0/workspace/export', {
      path: '/Shared/q',
      format: 'SOURCE',
    });
    expect(text(exported.content)).toBe(source);
    expect(exported.file_type).toBe('sql');
  });

  it('requires a language for SOURCE, refuses a missing parent and an existing path without overwrite', async () => {
    const { api } = workspace();
    expect(
      await api.call('POST', '/api/2.0/workspace/import', {
        path: '/Shared/a',
        format: 'SOURCE',
        content: b64('x'),
      }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(
      await api.call('POST', '/api/2.0/workspace/import', {
        path: '/Nope/a',
        language: 'PYTHON',
        content: b64('x'),
      }),
    ).toEqual({
      status: 404,
      body: {
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: 'The parent folder (/Nope) does not exist. Create it with workspace/mkdirs first.',
      },
    });
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/a',
      language: 'PYTHON',
      content: b64('x'),
    });
    expect(
      await api.call('POST', '/api/2.0/workspace/import', {
        path: '/Shared/a',
        language: 'PYTHON',
        content: b64('y'),
      }),
    ).toEqual({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: 'Path (/Shared/a) already exists.' },
    });
  });

  it('overwrites in place, keeping the object id and created_at', async () => {
    const { api, clock, service } = workspace();
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/a',
      language: 'PYTHON',
      content: b64('1'),
    });
    const before = await api.ok('GET', '/api/2.0/workspace/get-status', { path: '/Shared/a' });
    clock.advance(1000);
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/a',
      language: 'PYTHON',
      content: b64('2'),
      overwrite: true,
    });
    const after = await api.ok('GET', '/api/2.0/workspace/get-status', { path: '/Shared/a' });
    expect(after).toEqual({ ...before, modified_at: (before.modified_at as number) + 1000 });
    expect(service.notebookSource('/Shared/a')).toBe('2');
  });

  it('rejects content over 10 MB with MAX_NOTEBOOK_SIZE_EXCEEDED', async () => {
    const { api } = workspace();
    const content = Buffer.alloc(10 * 1024 * 1024 + 1).toString('base64');
    const result = await api.call('POST', '/api/2.0/workspace/import', {
      path: '/Shared/big',
      language: 'PYTHON',
      content,
    });
    expect(result).toMatchObject({ status: 400, body: { error_code: 'MAX_NOTEBOOK_SIZE_EXCEEDED' } });
  });

  it('AUTO makes a notebook with the extension stripped from headed source, and a file otherwise', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/job.scala',
      format: 'AUTO',
      content: b64('// Databricks notebook source\nprintln(1)'),
    });
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/lib.py',
      format: 'AUTO',
      content: b64('x = 1'),
    });
    expect(await api.ok('GET', '/api/2.0/workspace/get-status', { path: '/Shared/job' })).toMatchObject({
      object_type: 'NOTEBOOK',
      language: 'SCALA',
    });
    const file = await api.ok('GET', '/api/2.0/workspace/get-status', { path: '/Shared/lib.py' });
    expect(file).toMatchObject({ object_type: 'FILE', size: 5 });
    expect(file.language).toBeUndefined();
    const exported = await api.ok('GET', '/api/2.0/workspace/export', { path: '/Shared/lib.py' });
    expect(text(exported.content)).toBe('x = 1');
  });

  it('imports Jupyter notebooks and exports notebooks as JUPYTER and HTML', async () => {
    const { api } = workspace();
    const ipynb = {
      nbformat: 4,
      metadata: { language_info: { name: 'python' } },
      cells: [
        { cell_type: 'code', source: ['a = 1\n', 'b = 2'] },
        { cell_type: 'code', source: 'print(a)' },
      ],
    };
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/nb.ipynb',
      format: 'JUPYTER',
      content: b64(JSON.stringify(ipynb)),
    });
    const source = await api.ok('GET', '/api/2.0/workspace/export', { path: '/Shared/nb' });
    expect(text(source.content)).toBe(
      '# Databricks notebook source\na = 1\nb = 2\n\n# COMMAND ----------\n\nprint(a)',
    );
    const jupyter = await api.ok('GET', '/api/2.0/workspace/export', {
      path: '/Shared/nb',
      format: 'JUPYTER',
    });
    expect(jupyter.file_type).toBe('ipynb');
    expect(
      (JSON.parse(text(jupyter.content)) as { cells: { source: string }[] }).cells.map((c) => c.source),
    ).toEqual(['a = 1\nb = 2', 'print(a)']);
    const html = await api.ok('GET', '/api/2.0/workspace/export', { path: '/Shared/nb', format: 'HTML' });
    expect(html.file_type).toBe('html');
    expect(text(html.content)).toContain('print(a)');
  });

  it('exports a folder only as DBC, SOURCE or AUTO', async () => {
    const { api } = workspace();
    expect(
      await api.ok('GET', '/api/2.0/workspace/export', { path: '/Shared', format: 'DBC' }),
    ).toMatchObject({
      file_type: 'dbc',
    });
    expect(
      await api.call('GET', '/api/2.0/workspace/export', { path: '/Shared', format: 'HTML' }),
    ).toMatchObject({
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE' },
    });
    expect(await api.call('GET', '/api/2.0/workspace/export', { path: '/Shared/none' })).toEqual({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: "Path (/Shared/none) doesn't exist." },
    });
  });

  it('imports a folder archive it exported as DBC, and refuses other archive content', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/workspace/mkdirs', { path: '/Shared/team/sub' });
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/team/sub/nb',
      content: b64('print(1)\n'),
      language: 'PYTHON',
    });
    const archive = await api.ok('GET', '/api/2.0/workspace/export', { path: '/Shared/team', format: 'DBC' });
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/copy',
      format: 'DBC',
      content: archive.content,
    });
    expect(
      await api.ok('GET', '/api/2.0/workspace/get-status', { path: '/Shared/copy/sub/nb' }),
    ).toMatchObject({ object_type: 'NOTEBOOK', language: 'PYTHON' });
    const copied = await api.ok('GET', '/api/2.0/workspace/export', { path: '/Shared/copy/sub/nb' });
    expect(text(copied.content)).toContain('print(1)');
    expect(
      await api.call('POST', '/api/2.0/workspace/import', {
        path: '/Shared/other',
        format: 'DBC',
        content: b64('not an archive'),
      }),
    ).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(await api.call('GET', '/api/2.0/workspace/get-status', { path: '/Shared/other' })).toMatchObject({
      status: 404,
    });
  });
});

describe('workspace folders', () => {
  it('starts with /Users/<user> and /Shared, and reports directory status', async () => {
    const { api } = workspace();
    const { objects } = await api.ok('GET', '/api/2.0/workspace/list', { path: '/Users' });
    expect(objects).toEqual([
      expect.objectContaining({
        object_type: 'DIRECTORY',
        path: '/Users/tester@example.com',
        object_id: expect.any(Number),
      }),
    ]);
    const status = await api.ok('GET', '/api/2.0/workspace/get-status', { path: '/Shared' });
    expect(status).toMatchObject({
      object_type: 'DIRECTORY',
      path: '/Shared',
      resource_id: String(status.object_id),
    });
  });

  it('mkdirs idempotently and refuses a notebook on the prefix', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/workspace/mkdirs', { path: '/Shared/a/b' });
    await api.ok('POST', '/api/2.0/workspace/mkdirs', { path: '/Shared/a/b' });
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/a/nb',
      language: 'R',
      content: b64('1'),
    });
    expect(await api.call('POST', '/api/2.0/workspace/mkdirs', { path: '/Shared/a/nb/c' })).toMatchObject({
      status: 400,
      body: { error_code: 'RESOURCE_ALREADY_EXISTS' },
    });
  });

  it('lists children, a notebook path as itself, and filters by notebooks_modified_after', async () => {
    const { api, clock } = workspace();
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/old',
      language: 'PYTHON',
      content: b64('1'),
    });
    const cutoff = clock.now();
    clock.advance(10);
    await api.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/new',
      language: 'PYTHON',
      content: b64('2'),
    });
    await api.ok('POST', '/api/2.0/workspace/mkdirs', { path: '/Shared/dir' });
    const all = await api.ok('GET', '/api/2.0/workspace/list', { path: '/Shared' });
    expect((all.objects as { path: string }[]).map((o) => o.path)).toEqual([
      '/Shared/dir',
      '/Shared/new',
      '/Shared/old',
    ]);
    const recent = await api.ok('GET', '/api/2.0/workspace/list', {
      path: '/Shared',
      notebooks_modified_after: cutoff,
    });
    expect((recent.objects as { path: string }[]).map((o) => o.path)).toEqual(['/Shared/dir', '/Shared/new']);
    expect(await api.ok('GET', '/api/2.0/workspace/list', { path: '/Shared/old' })).toEqual({
      objects: [
        expect.objectContaining({ path: '/Shared/old', object_type: 'NOTEBOOK', language: 'PYTHON' }),
      ],
    });
    expect(await api.ok('GET', '/api/2.0/workspace/list', { path: '/Shared/dir' })).toEqual({});
  });

  it('deletes a non-empty folder only when recursive', async () => {
    const { api } = workspace();
    await api.ok('POST', '/api/2.0/workspace/mkdirs', { path: '/Shared/p/q' });
    expect(await api.call('POST', '/api/2.0/workspace/delete', { path: '/Shared/p' })).toMatchObject({
      status: 400,
      body: { error_code: 'DIRECTORY_NOT_EMPTY' },
    });
    await api.ok('POST', '/api/2.0/workspace/delete', { path: '/Shared/p', recursive: true });
    expect(await api.call('GET', '/api/2.0/workspace/get-status', { path: '/Shared/p/q' })).toMatchObject({
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST' },
    });
    expect(await api.call('POST', '/api/2.0/workspace/delete', { path: '/Shared/p' })).toMatchObject({
      status: 404,
    });
  });
});

describe('workspace over HTTP', () => {
  let server: FakeWorkspace;
  let http: FakeHttpClient;
  beforeAll(async () => {
    server = await startFakeWorkspace({ rateLimits: false });
    http = new FakeHttpClient(server);
  });
  afterAll(() => server.close());

  it('exports with the format from the query string', async () => {
    await http.ok('POST', '/api/2.0/workspace/import', {
      path: '/Shared/nb',
      language: 'SCALA',
      format: 'SOURCE',
      content: b64('println(1)'),
    });
    const exported = await http.ok('GET', '/api/2.0/workspace/export', {
      path: '/Shared/nb',
      format: 'HTML',
    });
    expect(exported.file_type).toBe('html');
    const status = await http.ok('GET', '/api/2.0/workspace/get-status', { path: '/Shared/nb' });
    expect(status).toMatchObject({ object_type: 'NOTEBOOK', language: 'SCALA' });
  });

  it('answers a missing path with 404 RESOURCE_DOES_NOT_EXIST', async () => {
    const answer = await http.call('GET', '/api/2.0/workspace/list', { path: '/Shared/none' });
    expect(answer.status).toBe(404);
    expect(answer.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
