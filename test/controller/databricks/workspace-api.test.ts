import {
  AlreadyExistsError,
  DatabricksApiError,
  NotFoundError,
} from '../../../controller/databricks/errors.js';
import { startClientBed, type ClientBed } from './client-test-bed.js';

const source = (text: string) => Buffer.from(text).toString('base64');

describe('workspace API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('imports a notebook and exports the same source', async () => {
    await bed.client.workspace.mkdirs('/Shared/etl');
    const code = '# Databricks notebook source\nprint("hello")\n';
    await bed.client.workspace.import({
      path: '/Shared/etl/ingest',
      content: source(code),
      format: 'SOURCE',
      language: 'PYTHON',
    });
    const status = await bed.client.workspace.getStatus('/Shared/etl/ingest');
    expect(status).toMatchObject({ object_type: 'NOTEBOOK', language: 'PYTHON', path: '/Shared/etl/ingest' });
    const exported = await bed.client.workspace.export('/Shared/etl/ingest', 'SOURCE');
    expect(Buffer.from(exported.content ?? '', 'base64').toString()).toContain('print("hello")');
  });

  it('refuses to import over an existing path without overwrite, and overwrites with it', async () => {
    await bed.client.workspace.mkdirs('/Shared');
    const request = {
      path: '/Shared/nb',
      content: source('print(1)\n'),
      format: 'SOURCE',
      language: 'PYTHON',
    } as const;
    await bed.client.workspace.import(request);
    await expect(bed.client.workspace.import(request)).rejects.toBeInstanceOf(AlreadyExistsError);
    await bed.client.workspace.import({ ...request, content: source('print(2)\n'), overwrite: true });
    const exported = await bed.client.workspace.export('/Shared/nb');
    expect(Buffer.from(exported.content ?? '', 'base64').toString()).toContain('print(2)');
  });

  it('reports a missing path as NotFoundError and deletes folders recursively', async () => {
    await expect(bed.client.workspace.getStatus('/Shared/none')).rejects.toBeInstanceOf(NotFoundError);
    await bed.client.workspace.mkdirs('/Shared/dir/sub');
    expect((await bed.client.workspace.getStatus('/Shared/dir')).object_type).toBe('DIRECTORY');
    const refused = await bed.client.workspace.delete('/Shared/dir').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabricksApiError);
    expect((refused as DatabricksApiError).errorCode).toBe('DIRECTORY_NOT_EMPTY');
    await bed.client.workspace.delete('/Shared/dir', { recursive: true });
    await expect(bed.client.workspace.getStatus('/Shared/dir')).rejects.toBeInstanceOf(NotFoundError);
  });
});
