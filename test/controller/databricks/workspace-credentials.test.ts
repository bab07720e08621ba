import { credentialsForWorkspace } from '../../../controller/databricks/auth/workspace-credentials.js';

describe('credentials for a DatabricksWorkspace spec', () => {
  const secrets: Record<string, string> = {
    'db/token': 'dapi-1',
    'db/oauth': 'oauth-secret',
    'db/azure': 'az-secret',
  };
  const read = async (ref: { name: string; key: string }) => {
    const value = secrets[`${ref.name}/${ref.key}`];
    if (value === undefined) throw new Error(`Secret ${ref.name} has no key ${ref.key}`);
    return value;
  };
  const host = 'https://adb-1.azuredatabricks.net';

  it('builds a PAT provider from auth.token', async () => {
    const auth = await credentialsForWorkspace(
      { host, auth: { token: { secretKeyRef: { name: 'db', key: 'token' } } } },
      read,
    );
    expect(auth.kind).toBe('pat');
    expect(await auth.authHeaders()).toEqual({ Authorization: 'Bearer dapi-1' });
  });

  it('builds OAuth M2M and Azure providers, reporting the authType status values', async () => {
    const m2m = await credentialsForWorkspace(
      {
        host,
        auth: { oauthM2M: { clientId: 'c', clientSecret: { secretKeyRef: { name: 'db', key: 'oauth' } } } },
      },
      read,
    );
    expect(m2m.kind).toBe('oauth-m2m');
    const azure = await credentialsForWorkspace(
      {
        host,
        auth: {
          azureServicePrincipal: {
            tenantId: 't',
            clientId: 'c',
            clientSecret: { secretKeyRef: { name: 'db', key: 'azure' } },
          },
        },
      },
      read,
    );
    expect(azure.kind).toBe('azure-client-secret');
    expect(JSON.stringify([m2m, azure])).not.toMatch(/oauth-secret|az-secret/);
  });

  it('names the field when no method or two methods are set', async () => {
    await expect(credentialsForWorkspace({ host, auth: {} }, read)).rejects.toThrow(
      'spec.auth must set exactly one of token, oauthM2M, azureServicePrincipal; it sets none',
    );
    await expect(
      credentialsForWorkspace(
        {
          host,
          auth: {
            token: { secretKeyRef: { name: 'db', key: 'token' } },
            oauthM2M: { clientId: 'c', clientSecret: { secretKeyRef: { name: 'db', key: 'oauth' } } },
          },
        },
        read,
      ),
    ).rejects.toThrow(/it sets token and oauthM2M/);
  });

  it('passes on a missing Secret key as the reader reports it', async () => {
    await expect(
      credentialsForWorkspace({ host, auth: { token: { secretKeyRef: { name: 'db', key: 'gone' } } } }, read),
    ).rejects.toThrow('Secret db has no key gone');
  });
});
