import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DatabricksClient } from '../../../controller/databricks/client.js';
import {
  AZURE_DATABRICKS_RESOURCE_ID,
  AzureServicePrincipalCredentials,
} from '../../../controller/databricks/auth/azure-service-principal.js';
import { OAuthM2MCredentials } from '../../../controller/databricks/auth/oauth-m2m.js';
import { PersonalAccessToken } from '../../../controller/databricks/auth/token.js';
import { requestClientCredentialsToken } from '../../../controller/databricks/auth/token-endpoint.js';
import type { CredentialsProvider } from '../../../controller/databricks/auth/credentials-provider.js';
import { knownCredentials } from '../../../controller/databricks/credential-redaction.js';
import { InvalidCredentialError, UnauthenticatedError } from '../../../controller/databricks/errors.js';
import { awkwardTokens, partsOf } from './awkward-tokens.js';
import { fastRetries, startClientBed, type ClientBed } from './client-test-bed.js';

/** Everything an error carries that could reach a log, an Event or a status message. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  for (let current = error; current instanceof Error; current = current.cause) {
    parts.push(current.message, current.stack ?? '', JSON.stringify(current));
  }
  return parts.join('\n');
}

describe('credentials that cannot be sent', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => {
    knownCredentials.clear();
    await bed.close();
  });

  // Visible ASCII only, after the whitespace around the value: quotes and JSON pass this check (and are
  // Databricks' to refuse), anything else is refused here, saying what and where.
  const unsendable = awkwardTokens.filter(([, token]) => /[^\x21-\x7e]/.test(token.trim()));

  it.each(unsendable)(
    'refuses a token with %s before any request, naming the problem, not the value',
    (_what, token) => {
      const error = (() => {
        try {
          return new PersonalAccessToken(token);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(InvalidCredentialError);
      expect((error as Error).message).toMatch(/^the personal access token contains .+ at character \d+; /);
      for (const part of partsOf(token)) expect(errorText(error)).not.toContain(part);
    },
  );

  it('refuses OAuth and Azure client secrets the same way', () => {
    const secret = 'dose0a1b2c3d4e5f\n6a7b8c9d0e1f2a3b';
    expect(() => new OAuthM2MCredentials({ host: 'https://x', clientId: 'c', clientSecret: secret })).toThrow(
      'the OAuth client secret contains a line break (U+000A) at character 17',
    );
    expect(
      () => new AzureServicePrincipalCredentials({ tenantId: 't', clientId: 'c', clientSecret: secret }),
    ).toThrow('the Azure client secret contains a line break (U+000A) at character 17');
  });

  it.each(unsendable)(
    'never passes on a header node-fetch would refuse with the value in its message (%s): a provider that skips the check gets InvalidCredentialError',
    async (_what, token) => {
      const careless: CredentialsProvider = {
        kind: 'pat',
        authHeaders: async () => ({ Authorization: `Bearer ${token}` }),
      };
      bed.client.replaceCredentials(careless);
      const error = await bed.client.currentUser.me().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(InvalidCredentialError);
      expect((error as Error).message).toMatch(
        /^the credentials for scim\/me cannot be sent: the Authorization header's credential contains/,
      );
      for (const part of partsOf(token)) expect(errorText(error)).not.toContain(part);
      expect(bed.fake.requestCount('scim/me')).toBe(0);
    },
  );

  it('cuts known credentials out of any error the client throws, whatever raised it', async () => {
    const token = 'dapi-sent-and-echoed-0123456789';
    // As the providers do with every value they are given or fetch.
    knownCredentials.add(token);
    const echoing: CredentialsProvider = {
      kind: 'pat',
      authHeaders: async () => {
        throw new Error(`could not build headers for Bearer ${token} (${token})`);
      },
    };
    bed.client.replaceCredentials(echoing);
    const error = await bed.client.currentUser.me().catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('could not build headers for Bearer [REDACTED] ([REDACTED])');
  });
});

describe('a token endpoint that hands out an unsendable access token', () => {
  let server: Server;
  let url: string;
  const issued = 'eyJhbGciOiJub25lIn0\nsecond-half-of-the-token';
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ access_token: issued, expires_in: 3600 }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => knownCredentials.clear());

  it('is refused as UnauthenticatedError that says what is wrong with it, not what it is', async () => {
    const error = await requestClientCredentialsToken({
      endpoint: 'oidc/token',
      url,
      form: { grant_type: 'client_credentials', client_secret: 'form-secret-123' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect((error as Error).message).toContain(
      'token endpoint answered with an access_token that cannot be sent as a bearer token: it contains a line break (U+000A) at character 20',
    );
    for (const part of partsOf(issued)) expect(errorText(error)).not.toContain(part);
  });
});

describe('personal access token', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('authenticates as the token user', async () => {
    const me = await bed.client.currentUser.me();
    expect(me.userName).toBe(bed.fake.userName);
    expect(bed.fake.requests({ endpoint: 'scim/me' })[0].authMode).toBe('pat');
  });

  it('switches to new credentials without a new client when the Secret changes', async () => {
    bed.client.replaceCredentials(new PersonalAccessToken('dapi-old-and-revoked'));
    await expect(bed.client.currentUser.me()).rejects.toBeInstanceOf(UnauthenticatedError);
    bed.client.replaceCredentials(new PersonalAccessToken(bed.fake.token));
    expect((await bed.client.currentUser.me()).userName).toBe(bed.fake.userName);
  });

  it('keeps the token out of JSON and error messages', async () => {
    const secret = 'dapi-never-print-me';
    expect(JSON.stringify({ auth: new PersonalAccessToken(secret) })).not.toContain(secret);
    bed.client.replaceCredentials(new PersonalAccessToken(secret));
    const error = (await bed.client.currentUser.me().catch((e: unknown) => e)) as Error;
    expect(`${error.message} ${error.stack ?? ''}`).not.toContain(secret);
  });
});

describe('OAuth M2M', () => {
  let bed: ClientBed;
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;

  beforeEach(async () => {
    offsetMs = 0;
    bed = await startClientBed({ oauthTokenLifetimeSeconds: 100 });
    bed.client.replaceCredentials(
      new OAuthM2MCredentials({
        host: bed.fake.url,
        clientId: bed.fake.oauthClient.clientId,
        clientSecret: bed.fake.oauthClient.clientSecret,
        now,
      }),
    );
  });
  afterEach(async () => bed.close());

  it('discovers the token endpoint and fetches one token for 100 concurrent calls', async () => {
    const users = await Promise.all(Array.from({ length: 100 }, () => bed.client.currentUser.me()));
    expect(new Set(users.map((u) => u.userName))).toEqual(new Set([bed.fake.oauthClient.clientId]));
    expect(bed.fake.issuedOAuthTokens()).toBe(1);
    expect(bed.fake.requestCount('oidc/discovery')).toBe(1);
    expect(bed.fake.requestCount('oidc/token')).toBe(1);
    expect(bed.fake.requests({ endpoint: 'scim/me' }).every((e) => e.authMode === 'oauth-m2m')).toBe(true);
  });

  it('reuses the cached token until 40 s before expiry, then refreshes it', async () => {
    await bed.client.currentUser.me();
    // 43 s left, less the real time since the token came: a few ms, but a stalled machine can take
    // more than the 1 s this once had to spare. Still good.
    offsetMs = 57_000;
    await bed.client.currentUser.me();
    expect(bed.fake.issuedOAuthTokens()).toBe(1);
    offsetMs = 61_000; // 39 s left: too close, Databricks would reject it soon
    await bed.client.currentUser.me();
    expect(bed.fake.issuedOAuthTokens()).toBe(2);
    expect(bed.fake.requestCount('oidc/discovery')).toBe(1);
  });

  it('fetches a fresh token once when the cached one is rejected', async () => {
    await bed.client.currentUser.me();
    bed.fake.reset(); // forgets issued tokens: the cached one is now invalid
    await bed.client.currentUser.me();
    expect(bed.fake.requests({ endpoint: 'scim/me' }).map((e) => e.status)).toEqual([403, 200]);
    expect(bed.fake.requestCount('oidc/token')).toBe(1);
  });

  it('fails with UnauthenticatedError for a wrong client secret, without the secret in the message', async () => {
    const secret = 'wrong-secret-do-not-print';
    bed.client.replaceCredentials(
      new OAuthM2MCredentials({
        host: bed.fake.url,
        clientId: bed.fake.oauthClient.clientId,
        clientSecret: secret,
      }),
    );
    const error = (await bed.client.currentUser.me().catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(UnauthenticatedError);
    expect(error.message).toMatch(/oidc\/token failed with HTTP 401: invalid_client/);
    expect(error.message).not.toContain(secret);
    expect(bed.fake.requestCount('scim/me')).toBe(0);
  });
});

describe('Azure AD service principal', () => {
  interface TokenCall {
    path: string;
    form: Record<string, string>;
  }
  let bed: ClientBed;
  let aad: Server;
  let aadUrl: string;
  const tokenCalls: TokenCall[] = [];

  beforeAll(async () => {
    // A tiny identity provider standing in for login.microsoftonline.com (not for Databricks).
    aad = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = Object.fromEntries(new URLSearchParams(body));
        tokenCalls.push({ path: req.url ?? '', form });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({ token_type: 'Bearer', expires_in: '3599', access_token: `aad-${form.scope}` }),
        );
      });
    });
    await new Promise<void>((resolve) => aad.listen(0, '127.0.0.1', resolve));
    aadUrl = `http://127.0.0.1:${(aad.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => aad.close(() => resolve())));

  beforeEach(async () => {
    tokenCalls.length = 0;
    bed = await startClientBed({ azure: { enabled: true } });
  });
  afterEach(async () => bed.close());

  const resourceId = '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Databricks/workspaces/ws';

  it('gets the Databricks and management tokens from the authority once and sends the Azure headers', async () => {
    const client = new DatabricksClient({
      host: bed.fake.url,
      retry: fastRetries,
      auth: new AzureServicePrincipalCredentials({
        tenantId: 'tenant-1',
        clientId: 'sp-client',
        clientSecret: 'sp-secret',
        workspaceResourceId: resourceId,
        authorityHost: aadUrl,
      }),
    });
    await Promise.all(Array.from({ length: 20 }, () => client.currentUser.me()));
    client.close();

    expect(tokenCalls.map((c) => c.form.scope).sort()).toEqual(
      [`${AZURE_DATABRICKS_RESOURCE_ID}/.default`, 'https://management.core.windows.net/.default'].sort(),
    );
    for (const call of tokenCalls) {
      expect(call.path).toBe('/tenant-1/oauth2/v2.0/token');
      expect(call.form).toMatchObject({
        grant_type: 'client_credentials',
        client_id: 'sp-client',
        client_secret: 'sp-secret',
      });
    }
    const log = bed.fake.requests({ endpoint: 'scim/me' });
    expect(log).toHaveLength(20);
    expect(log.every((e) => e.status === 200 && e.authMode === 'azure-sp')).toBe(true);
    expect(log[0].azureWorkspaceResourceId).toBe(resourceId);
  });

  it('builds the token URL from the public authority by default', () => {
    const credentials = new AzureServicePrincipalCredentials({
      tenantId: 't-9',
      clientId: 'c',
      clientSecret: 's',
    });
    expect(credentials.tokenUrl).toBe('https://login.microsoftonline.com/t-9/oauth2/v2.0/token');
    expect(JSON.stringify(credentials)).not.toContain('"s"');
  });
});
