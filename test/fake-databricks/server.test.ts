import { request } from 'node:http';
import { startFakeWorkspace, type FakeWorkspace } from './index.js';

async function call(
  workspace: FakeWorkspace,
  method: string,
  path: string,
  init: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const token = init.token === undefined ? workspace.token : init.token;
  const response = await fetch(`${workspace.url}${path}`, {
    method,
    headers: {
      ...(token === null ? {} : { Authorization: `Bearer ${token}` }),
      ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

/** A POST with exactly the headers given (no Content-Type unless one is given), as curl would send it. */
function rawPost(
  workspace: FakeWorkspace,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${workspace.url}${path}`,
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${workspace.token}`,
          'Content-Length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('fake workspace HTTP server', () => {
  let workspace: FakeWorkspace;
  beforeAll(async () => {
    workspace = await startFakeWorkspace({ rateLimits: false });
  });
  afterAll(() => workspace.close());
  beforeEach(() => {
    workspace.reset();
    workspace.setFaults([]);
  });

  it('listens on a loopback URL with a free port', () => {
    expect(workspace.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers an unknown route with 404 ENDPOINT_NOT_FOUND as JSON', async () => {
    const res = await call(workspace, 'GET', '/api/2.0/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body['error_code']).toBe('ENDPOINT_NOT_FOUND');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('refuses a request without credentials with 401', async () => {
    const res = await call(workspace, 'GET', '/api/2.0/preview/scim/v2/Me', { token: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error_code: 'PERMISSION_DENIED', message: 'Unauthorized access.' });
  });

  it('refuses a bad token with 403, a numeric error_code and the reason-phrase header', async () => {
    const res = await call(workspace, 'GET', '/api/2.0/preview/scim/v2/Me', { token: 'dapi-wrong' });
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ error_code: 403, message: 'Invalid access token.' });
    expect(res.headers.get('x-databricks-reason-phrase')).toBe('Invalid access token');
  });

  it('describes the token owner at SCIM Me', async () => {
    const res = await call(workspace, 'GET', '/api/2.0/preview/scim/v2/Me');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userName: workspace.userName, active: true });
    expect(typeof res.body['id']).toBe('string');
    expect(typeof res.body['displayName']).toBe('string');
  });

  it('answers malformed JSON with 400 MALFORMED_REQUEST', async () => {
    const response = await fetch(`${workspace.url}/telemetry-ext`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Record<string, unknown>)['error_code']).toBe('MALFORMED_REQUEST');
  });

  it('reads the body of an /api/ request as JSON when curl --data labels it a form', async () => {
    const job = JSON.stringify({
      name: 'from-curl',
      tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }],
    });
    const created = await rawPost(workspace, '/api/2.2/jobs/create', job, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(created.status).toBe(200);
    const got = await call(workspace, 'GET', `/api/2.2/jobs/get?job_id=${String(created.body['job_id'])}`);
    expect(got.body).toMatchObject({ settings: { name: 'from-curl', tasks: [{ task_key: 'a' }] } });

    const unlabelled = await rawPost(workspace, '/api/2.0/secrets/scopes/create', '{"scope":"plain"}', {});
    expect(unlabelled.status).toBe(200);
    // A real form body is not JSON, so the API refuses it rather than reading fields from it.
    const form = await rawPost(workspace, '/api/2.0/secrets/scopes/create', 'scope=from-form', {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(form).toMatchObject({ status: 400, body: { error_code: 'MALFORMED_REQUEST' } });
  });

  it('serves host metadata, OIDC discovery and the telemetry sink without credentials', async () => {
    const config = await call(workspace, 'GET', '/.well-known/databricks-config', { token: null });
    expect(config.body).toEqual({
      oidc_endpoint: `${workspace.url}/oidc`,
      workspace_id: workspace.workspaceId,
    });
    const discovery = await call(workspace, 'GET', '/oidc/.well-known/oauth-authorization-server', {
      token: null,
    });
    expect(discovery.body['token_endpoint']).toBe(`${workspace.url}/oidc/v1/token`);
    expect(typeof discovery.body['authorization_endpoint']).toBe('string');
    const telemetry = await call(workspace, 'POST', '/telemetry-ext', { token: null, body: { items: [] } });
    expect(telemetry.body).toEqual({ errors: [], numProtoSuccess: 1 });
  });

  it('logs every request with counts per endpoint and status', async () => {
    await call(workspace, 'GET', '/api/2.0/preview/scim/v2/Me');
    await call(workspace, 'GET', '/api/2.0/preview/scim/v2/Me', { token: 'bad' });
    await call(workspace, 'GET', '/nowhere');
    expect(workspace.requestCounts()).toEqual({ 'scim/me 200': 1, 'scim/me 403': 1, 'unknown 404': 1 });
    expect(workspace.requestCount('scim/me')).toBe(2);
    const [first] = workspace.requests({ endpoint: 'scim/me', status: 200 });
    expect(first).toMatchObject({ method: 'GET', principal: workspace.userName, authMode: 'pat' });
  });

  it('serves the same control surface over HTTP under /__fake/', async () => {
    await call(workspace, 'GET', '/api/2.0/preview/scim/v2/Me');
    const counts = await call(workspace, 'GET', '/__fake/requests/counts', { token: null });
    expect(counts.body).toEqual({ counts: { 'scim/me 200': 1 } });
    await call(workspace, 'PUT', '/__fake/faults', {
      token: null,
      body: { faults: [{ endpoint: 'scim/me', kind: 'unavailable' }] },
    });
    expect((await call(workspace, 'GET', '/api/2.0/preview/scim/v2/Me')).status).toBe(503);
    await call(workspace, 'POST', '/__fake/reset', { token: null });
    const afterReset = await call(workspace, 'GET', '/__fake/requests', { token: null });
    expect(afterReset.body).toEqual({ requests: [] });
  });
});

describe('fake workspace shutdown', () => {
  it('drops a hung request when it closes, instead of waiting for it forever', async () => {
    const workspace = await startFakeWorkspace({ faults: [{ endpoint: 'jobs/list', kind: 'hang' }] });
    const pending = fetch(`${workspace.url}/api/2.2/jobs/list`, {
      headers: { Authorization: `Bearer ${workspace.token}` },
    });
    const deadline = Date.now() + 15_000;
    while (workspace.requestCount('jobs/list', 0) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(workspace.requestCount('jobs/list', 0)).toBe(1);
    await workspace.close();
    await expect(pending).rejects.toThrow();
  });
});
