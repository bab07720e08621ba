import { FakeHttpClient } from './fake-http-client.js';
import { ManualClock, startFakeWorkspace, type FakeWorkspace } from './index.js';

async function requestToken(
  workspace: FakeWorkspace,
  clientId: string,
  clientSecret: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${workspace.url}/oidc/v1/token`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=client_credentials&scope=all-apis',
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('fake workspace auth', () => {
  let workspace: FakeWorkspace;
  let clock: ManualClock;
  beforeAll(async () => {
    clock = new ManualClock();
    workspace = await startFakeWorkspace({ clock, oauthTokenLifetimeSeconds: 60 });
  });
  afterAll(() => workspace.close());
  beforeEach(() => {
    workspace.reset();
    workspace.configureAuth({ azure: { enabled: false } });
  });

  it('issues an OAuth M2M access token for valid client credentials and accepts it as a bearer token', async () => {
    const { clientId, clientSecret } = workspace.oauthClient;
    const token = await requestToken(workspace, clientId, clientSecret);
    expect(token.status).toBe(200);
    expect(token.body).toMatchObject({ token_type: 'Bearer', expires_in: 60, scope: 'all-apis' });
    const me = await new FakeHttpClient(workspace, token.body['access_token'] as string).call(
      'GET',
      '/api/2.0/preview/scim/v2/Me',
    );
    expect(me.status).toBe(200);
    expect(me.body.userName).toBe(clientId);
  });

  it('refuses a wrong client secret with an OAuth invalid_client error', async () => {
    const token = await requestToken(workspace, workspace.oauthClient.clientId, 'wrong');
    expect(token.status).toBe(401);
    expect(token.body['error']).toBe('invalid_client');
  });

  it('refuses an OAuth token once it has expired, so clients must refresh', async () => {
    const { clientId, clientSecret } = workspace.oauthClient;
    const token = (await requestToken(workspace, clientId, clientSecret)).body['access_token'] as string;
    const api = new FakeHttpClient(workspace, token);
    expect((await api.call('GET', '/api/2.2/jobs/list')).status).toBe(200);
    clock.advance(60_000);
    const expired = await api.call('GET', '/api/2.2/jobs/list');
    expect(expired.status).toBe(403);
    expect(expired.body).toEqual({ error_code: 403, message: 'Invalid access token.' });
  });

  it('accepts Azure AD tokens with the SP management header only when Azure auth is on', async () => {
    const headers = {
      Authorization: 'Bearer eyJ-some-aad-token',
      'X-Databricks-Azure-SP-Management-Token': 'eyJ-management',
      'X-Databricks-Azure-Workspace-Resource-Id':
        '/subscriptions/s/resourceGroups/g/providers/Microsoft.Databricks/workspaces/w',
    };
    const list = (h: Record<string, string>) => fetch(`${workspace.url}/api/2.2/jobs/list`, { headers: h });
    expect((await list(headers)).status).toBe(403);
    workspace.configureAuth({ azure: { enabled: true } });
    expect((await list(headers)).status).toBe(200);
    const [entry] = workspace.requests({ endpoint: 'jobs/list', status: 200 });
    expect(entry.authMode).toBe('azure-sp');
    expect(entry.azureWorkspaceResourceId).toBe(headers['X-Databricks-Azure-Workspace-Resource-Id']);
    const { 'X-Databricks-Azure-SP-Management-Token': _m, ...withoutManagement } = headers;
    expect((await list(withoutManagement)).status).toBe(403);
    workspace.configureAuth({ azure: { enabled: true, requireManagementToken: false } });
    expect((await list(withoutManagement)).status).toBe(200);
  });

  it('accepts extra PATs and records who called', async () => {
    workspace.configureAuth({
      tokens: { dapiother: 'other@example.com', [workspace.token]: workspace.userName },
    });
    const me = await new FakeHttpClient(workspace, 'dapiother').ok('GET', '/api/2.0/preview/scim/v2/Me');
    expect(me.userName).toBe('other@example.com');
  });
});
