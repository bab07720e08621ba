import { AlreadyExistsError, NotFoundError } from '../../../controller/databricks/errors.js';
import { startClientBed, type ClientBed } from './client-test-bed.js';

describe('secrets API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('creates, lists and deletes a scope', async () => {
    await bed.client.secrets.createScope({ scope: 'team-a' });
    expect(await bed.client.secrets.listScopes()).toEqual([
      expect.objectContaining({ name: 'team-a', backend_type: 'DATABRICKS' }),
    ]);
    await bed.client.secrets.deleteScope('team-a');
    expect(await bed.client.secrets.listScopes()).toEqual([]);
  });

  it('reports a duplicate scope (HTTP 400 RESOURCE_ALREADY_EXISTS) as AlreadyExistsError', async () => {
    await bed.client.secrets.createScope({ scope: 'dup' });
    const error = await bed.client.secrets.createScope({ scope: 'dup' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect((error as AlreadyExistsError).status).toBe(400);
  });

  it('reports a missing scope as NotFoundError', async () => {
    await expect(bed.client.secrets.deleteScope('nope')).rejects.toBeInstanceOf(NotFoundError);
    await expect(bed.client.secrets.listSecrets('nope')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('puts (upserts), lists and deletes secrets without ever reading values back', async () => {
    await bed.client.secrets.createScope({ scope: 's' });
    await bed.client.secrets.putSecret({ scope: 's', key: 'password', string_value: 'v1' });
    await bed.client.secrets.putSecret({ scope: 's', key: 'password', string_value: 'v2' });
    await bed.client.secrets.putSecret({
      scope: 's',
      key: 'blob',
      bytes_value: Buffer.from([1, 2, 3]).toString('base64'),
    });
    const listed = await bed.client.secrets.listSecrets('s');
    expect(listed.map((s) => s.key).sort()).toEqual(['blob', 'password']);
    expect(JSON.stringify(listed)).not.toContain('v2');
    await bed.client.secrets.deleteSecret('s', 'blob');
    expect((await bed.client.secrets.listSecrets('s')).map((s) => s.key)).toEqual(['password']);
    await expect(bed.client.secrets.deleteSecret('s', 'blob')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('treats an empty scope as an empty list, not a missing one', async () => {
    await bed.client.secrets.createScope({ scope: 'empty' });
    expect(await bed.client.secrets.listSecrets('empty')).toEqual([]);
  });

  it('puts, lists and deletes ACLs', async () => {
    await bed.client.secrets.createScope({ scope: 'acl' });
    await bed.client.secrets.putAcl('acl', 'data-eng', 'READ');
    await bed.client.secrets.putAcl('acl', 'data-eng', 'WRITE');
    expect(await bed.client.secrets.listAcls('acl')).toContainEqual({
      principal: 'data-eng',
      permission: 'WRITE',
    });
    await bed.client.secrets.deleteAcl('acl', 'data-eng');
    expect((await bed.client.secrets.listAcls('acl')).map((a) => a.principal)).not.toContain('data-eng');
  });
});
