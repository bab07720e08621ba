import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chart, Testing } from 'cdk8s';
import {
  CONTENT_MAX_BYTES,
  DatabricksCluster,
  DatabricksDbfsFile,
  DatabricksJob,
  DatabricksNotebook,
  DatabricksRun,
  DatabricksSecretScope,
  DatabricksWorkspace,
  INLINE_CONTENT_MAX_BYTES,
  TaskType,
  WorkspaceAuth,
} from '../../lib/index.js';

const SETTINGS = { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 };

function setup(options: { namespace?: string } = { namespace: 'data' }) {
  const chart = new Chart(Testing.app(), 'app', options);
  return { chart, workspace: DatabricksWorkspace.fromName('prod') };
}

function manifest(chart: Chart, kind: string) {
  return Testing.synth(chart).find((o) => o.kind === kind);
}

function localFile(name: string, content: string | Buffer): string {
  const path = join(mkdtempSync(join(tmpdir(), 'cdk8s-databricks-')), name);
  writeFileSync(path, content);
  return path;
}

describe('DatabricksWorkspace', () => {
  it.each([
    [
      WorkspaceAuth.token({ name: 'pat', key: 'token' }),
      { token: { secretKeyRef: { name: 'pat', key: 'token' } } },
    ],
    [
      WorkspaceAuth.oauthM2M({ clientId: 'id', clientSecret: { name: 'sp', key: 'secret' } }),
      { oauthM2M: { clientId: 'id', clientSecret: { secretKeyRef: { name: 'sp', key: 'secret' } } } },
    ],
    [
      WorkspaceAuth.azureServicePrincipal({
        tenantId: 't',
        clientId: 'c',
        clientSecret: { name: 's', key: 'k' },
      }),
      {
        azureServicePrincipal: {
          tenantId: 't',
          clientId: 'c',
          clientSecret: { secretKeyRef: { name: 's', key: 'k' } },
        },
      },
    ],
  ])('synthesizes host, exactly one auth method and the rate limit (%#)', (auth, expected) => {
    const { chart } = setup();
    new DatabricksWorkspace(chart, 'ws', {
      host: 'https://example.cloud.databricks.com/',
      auth,
      rateLimit: 10,
    });
    expect(manifest(chart, 'DatabricksWorkspace').spec).toEqual({
      host: 'https://example.cloud.databricks.com',
      auth: expected,
      rateLimit: 10,
    });
  });

  it('rejects a host that is not an https workspace URL', () => {
    const { chart } = setup();
    new DatabricksWorkspace(chart, 'ws', {
      host: 'example.com/x',
      auth: WorkspaceAuth.token({ name: 'a', key: 'b' }),
    });
    expect(() => Testing.synth(chart)).toThrow(/\[app\/ws\] host "example.com\/x" is not a workspace URL/);
  });

  it('refuses plain http unless insecureHttp says so, and then synthesizes it', () => {
    const auth = WorkspaceAuth.token({ name: 'a', key: 'b' });
    const refused = setup().chart;
    new DatabricksWorkspace(refused, 'local', { host: 'http://127.0.0.1:8080', auth });
    expect(() => Testing.synth(refused)).toThrow(
      '[app/local] host "http://127.0.0.1:8080" uses plain http, which sends the credentials unencrypted; use the https URL of the workspace, or set insecureHttp: true for a local test workspace',
    );

    const allowed = setup().chart;
    new DatabricksWorkspace(allowed, 'local', { host: 'http://127.0.0.1:8080', auth, insecureHttp: true });
    expect(manifest(allowed, 'DatabricksWorkspace').spec).toMatchObject({
      host: 'http://127.0.0.1:8080',
      insecureHttp: true,
    });
  });

  it('refuses user:password@ in the host without repeating the password', () => {
    const { chart } = setup();
    new DatabricksWorkspace(chart, 'ws', {
      host: 'https://admin:hunter2@example.cloud.databricks.com',
      auth: WorkspaceAuth.token({ name: 'a', key: 'b' }),
    });
    expect(() => Testing.synth(chart)).toThrow(
      '[app/ws] host "https://[REDACTED]@example.cloud.databricks.com" contains user:password@ (or a user name); remove it',
    );
    expect(() => Testing.synth(chart)).not.toThrow(/hunter2/);
  });

  it('rejects a rate limit outside 1-1000', () => {
    const { chart } = setup();
    const auth = WorkspaceAuth.token({ name: 'a', key: 'b' });
    new DatabricksWorkspace(chart, 'ws', { host: 'https://x.cloud.databricks.com', auth, rateLimit: 0 });
    expect(() => Testing.synth(chart)).toThrow(
      'rateLimit 0 must be a whole number of requests per second from 1 to 1000',
    );
  });

  it('gives every other construct its name as workspaceRef', () => {
    const { chart } = setup();
    const ws = new DatabricksWorkspace(chart, 'ws', {
      host: 'https://x.cloud.databricks.com',
      auth: WorkspaceAuth.token({ name: 'a', key: 'b' }),
    });
    new DatabricksCluster(chart, 'c', { workspace: ws, settings: SETTINGS });
    expect(manifest(chart, 'DatabricksCluster').spec.workspaceRef).toEqual({ name: ws.name });
  });
});

describe('DatabricksCluster', () => {
  it('synthesizes settings, state, deletion policy and adoption', () => {
    const { chart, workspace } = setup();
    new DatabricksCluster(chart, 'c', {
      workspace,
      settings: SETTINGS,
      state: 'Terminated',
      deletionPolicy: 'Retain',
      clusterId: '0101-abc',
    });
    expect(manifest(chart, 'DatabricksCluster').spec).toEqual({
      workspaceRef: { name: 'prod' },
      settings: SETTINGS,
      state: 'Terminated',
      deletionPolicy: 'Retain',
      clusterId: '0101-abc',
    });
  });

  it('synthesizes permissions: the given list, then each grant, in the given mode', () => {
    const { chart, workspace } = setup();
    new DatabricksCluster(chart, 'c', {
      workspace,
      settings: SETTINGS,
      permissions: {
        mode: 'Authoritative',
        access_control_list: [{ group_name: 'admins-ops', permission_level: 'CAN_MANAGE' }],
      },
    })
      .grant({ group: 'analysts' }, 'CAN_ATTACH_TO')
      .grant({ servicePrincipal: '33333333-3333-3333-3333-333333333333' }, 'CAN_RESTART');
    expect(manifest(chart, 'DatabricksCluster').spec.permissions).toEqual({
      mode: 'Authoritative',
      access_control_list: [
        { group_name: 'admins-ops', permission_level: 'CAN_MANAGE' },
        { group_name: 'analysts', permission_level: 'CAN_ATTACH_TO' },
        { service_principal_name: '33333333-3333-3333-3333-333333333333', permission_level: 'CAN_RESTART' },
      ],
    });
  });

  it('grants alone are Additive', () => {
    const { chart, workspace } = setup();
    new DatabricksCluster(chart, 'c', { workspace, settings: SETTINGS }).grant(
      { user: 'a@example.com' },
      'CAN_MANAGE',
    );
    expect(manifest(chart, 'DatabricksCluster').spec.permissions).toEqual({
      mode: 'Additive',
      access_control_list: [{ user_name: 'a@example.com', permission_level: 'CAN_MANAGE' }],
    });
  });

  it.each([
    [
      { ...SETTINGS, autoscale: { min_workers: 1, max_workers: 2 } },
      'settings.num_workers and settings.autoscale are mutually exclusive',
    ],
    [
      { spark_version: 'x', autoscale: { min_workers: 5, max_workers: 2 } },
      'settings.autoscale.min_workers (5) is above max_workers (2); swap them or raise max_workers',
    ],
    [
      { ...SETTINGS, autotermination_minutes: 5 },
      'settings.autotermination_minutes 5 must be 10-10000, or 0 to never terminate',
    ],
    [
      { ...SETTINGS, instance_pool_id: 'pool' },
      'settings.instance_pool_id and settings.node_type_id are mutually exclusive',
    ],
  ])('rejects a cluster spec Databricks would reject (%#)', (settings, message) => {
    const { chart, workspace } = setup();
    new DatabricksCluster(chart, 'c', { workspace, settings });
    expect(() => Testing.synth(chart)).toThrow(message);
  });
});

describe('DatabricksRun', () => {
  it('runs a job in the job workspace, with parameters', () => {
    const { chart, workspace } = setup();
    const job = new DatabricksJob(chart, 'job', { workspace });
    job.addTask('a', { type: TaskType.notebook('/a') });
    new DatabricksRun(chart, 'run', {
      job,
      jobParameters: { day: '2026-11-25' },
      runNow: { only: ['a'] },
      cancelOnDelete: false,
    });
    expect(manifest(chart, 'DatabricksRun').spec).toEqual({
      workspaceRef: { name: 'prod' },
      jobRef: { name: job.name },
      runNow: { only: ['a'], job_parameters: { day: '2026-11-25' } },
      cancelOnDelete: false,
    });
  });

  it('synthesizes a one-time run from the submit payload', () => {
    const { chart, workspace } = setup();
    const submit = { run_name: 'once', tasks: [{ task_key: 'a', notebook_task: { notebook_path: '/a' } }] };
    new DatabricksRun(chart, 'run', { workspace, submit });
    expect(manifest(chart, 'DatabricksRun').spec).toEqual({ workspaceRef: { name: 'prod' }, submit });
  });

  it('runs a job defined elsewhere in the workspace given with fromName', () => {
    const { chart, workspace } = setup();
    new DatabricksRun(chart, 'run', { job: DatabricksJob.fromName('nightly', workspace) });
    expect(manifest(chart, 'DatabricksRun').spec).toEqual({
      workspaceRef: { name: 'prod' },
      jobRef: { name: 'nightly' },
    });
  });

  it.each([
    [
      'job and submit',
      { job: DatabricksJob.fromName('j'), submit: { tasks: [] } },
      'job (spec.jobRef) and submit (spec.submit) are mutually exclusive',
    ],
    ['neither', {}, 'a run needs either job (a run of a DatabricksJob) or submit (a one-time run); set one'],
    [
      'parameters without a job',
      { submit: { tasks: [] }, jobParameters: { a: '1' } },
      'jobParameters and runNow only apply to a run of a job',
    ],
    [
      'two sources of job parameters',
      { job: DatabricksJob.fromName('j'), jobParameters: { a: '1' }, runNow: { job_parameters: { a: '2' } } },
      'jobParameters and runNow.job_parameters are mutually exclusive',
    ],
  ])('rejects %s', (_, props, message) => {
    const { chart, workspace } = setup();
    new DatabricksRun(chart, 'run', { workspace, ...props });
    expect(() => Testing.synth(chart)).toThrow(message);
  });

  it('rejects a run without a workspace', () => {
    const { chart } = setup();
    new DatabricksRun(chart, 'run', { job: DatabricksJob.fromName('j') });
    expect(() => Testing.synth(chart)).toThrow(
      'workspace is not set and the job does not say which workspace it is in',
    );
  });

  it('checks the task graph of a one-time run', () => {
    const { chart, workspace } = setup();
    const submit = {
      tasks: [
        { task_key: 'a', notebook_task: { notebook_path: '/a' } },
        { task_key: 'a', notebook_task: { notebook_path: '/b' } },
      ],
    };
    new DatabricksRun(chart, 'run', { workspace, submit });
    expect(() => Testing.synth(chart)).toThrow('submit.tasks has two tasks with task_key "a"');
  });
});

describe('DatabricksSecretScope', () => {
  it('synthesizes secrets from Kubernetes Secrets, ACLs and a scope name that cannot clash', () => {
    const { chart, workspace } = setup();
    const scope = new DatabricksSecretScope(chart, 'creds', {
      workspace,
      acls: [{ principal: 'data-engineers', permission: 'READ' }],
      deletionPolicy: 'Retain',
    })
      .addSecretsFrom('warehouse', 'wh-')
      .addSecretFrom('token', { name: 'api', key: 'token' });
    expect(manifest(chart, 'DatabricksSecretScope').spec).toEqual({
      workspaceRef: { name: 'prod' },
      scopeName: `data.${scope.name}`,
      secrets: [
        { fromSecret: { name: 'warehouse', prefix: 'wh-' } },
        { key: 'token', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
      ],
      acls: [{ principal: 'data-engineers', permission: 'READ' }],
      deletionPolicy: 'Retain',
    });
    expect(`${scope.secret('token')}`).toBe(`{{secrets/data.${scope.name}/token}}`);
  });

  it('asks to adopt an existing scope only when adopt is set', () => {
    const { chart, workspace } = setup();
    new DatabricksSecretScope(chart, 'taken', { workspace, scopeName: 'team', adopt: true });
    new DatabricksSecretScope(chart, 'fresh', { workspace, scopeName: 'fresh' });
    const scopes = Testing.synth(chart).filter((o) => o.kind === 'DatabricksSecretScope');
    expect(scopes.map((o) => [o.spec.scopeName, o.spec.adopt])).toEqual([
      ['team', true],
      ['fresh', undefined],
    ]);
  });

  it('rejects a secret reference when the scope name is unknown at synth time', () => {
    const { chart, workspace } = setup({});
    new DatabricksSecretScope(chart, 'creds', { workspace }).secret('token');
    expect(() => Testing.synth(chart)).toThrow(
      'secret("token") needs the scope name at synth time, but scopeName is not set and the object has no namespace',
    );
  });

  it('rejects an invalid scope name', () => {
    const { chart, workspace } = setup();
    new DatabricksSecretScope(chart, 'creds', { workspace, scopeName: 'has space' });
    expect(() => Testing.synth(chart)).toThrow('scopeName "has space" may only hold letters, digits');
  });

  it('rejects secrets in an Azure Key Vault backed scope', () => {
    const { chart, workspace } = setup();
    new DatabricksSecretScope(chart, 'creds', {
      workspace,
      backend: {
        type: 'AzureKeyVault',
        azureKeyVault: { resourceId: 'r', dnsName: 'https://v.vault.azure.net/' },
      },
    }).addSecretsFrom('x');
    expect(() => Testing.synth(chart)).toThrow(
      'secrets cannot be written to a scope backed by Azure Key Vault',
    );
  });

  it('rejects two secrets with the same key', () => {
    const { chart, workspace } = setup();
    new DatabricksSecretScope(chart, 'creds', {
      workspace,
      secrets: [{ key: 'a', value: '1' }],
    }).addSecretFrom('a', {
      name: 's',
      key: 'k',
    });
    expect(() => Testing.synth(chart)).toThrow('secrets has two secrets with key "a"');
  });
});

describe('DatabricksNotebook', () => {
  it('reads a local file at synth time, infers language and format, and inlines small content', () => {
    const { chart, workspace } = setup();
    const localPath = localFile('ingest.py', 'print("hello")\n');
    DatabricksNotebook.fromFile(chart, 'nb', { workspace, localPath, path: '/Shared/ingest' });
    expect(manifest(chart, 'DatabricksNotebook').spec).toEqual({
      workspaceRef: { name: 'prod' },
      path: '/Shared/ingest',
      language: 'PYTHON',
      format: 'SOURCE',
      content: Buffer.from('print("hello")\n').toString('base64'),
    });
  });

  it('puts content above the inline limit into a ConfigMap it emits', () => {
    const { chart, workspace } = setup();
    const source = '# big\n'.repeat(INLINE_CONTENT_MAX_BYTES / 6 + 10);
    const notebook = DatabricksNotebook.fromFile(chart, 'nb', {
      workspace,
      localPath: localFile('big.sql', source),
      path: '/Shared/big',
    });
    const manifests = Testing.synth(chart);
    const configMap = manifests.find((o) => o.kind === 'ConfigMap');
    expect(configMap.data).toEqual({ content: source });
    expect(manifests.find((o) => o.kind === 'DatabricksNotebook').spec).toMatchObject({
      language: 'SQL',
      contentFrom: { configMapKeyRef: { name: configMap.metadata.name, key: 'content' } },
    });
    expect(notebook.node.tryFindChild('Content')).toBeDefined();
  });

  it('names a ConfigMap or Secret key that holds the content, and asks to overwrite only when told', () => {
    const { chart, workspace } = setup();
    const base = { workspace, language: 'PYTHON' as const };
    new DatabricksNotebook(chart, 'secret', {
      ...base,
      path: '/Shared/secret',
      content: { secretKey: { name: 'notebooks', key: 'secret.py' } },
      overwrite: true,
    });
    new DatabricksNotebook(chart, 'shared', {
      ...base,
      path: '/Shared/shared',
      content: { configMapKey: { name: 'notebooks', key: 'shared.py' } },
    });
    const specs = Testing.synth(chart)
      .filter((o) => o.kind === 'DatabricksNotebook')
      .map((o) => o.spec);
    expect(specs).toEqual([
      {
        workspaceRef: { name: 'prod' },
        path: '/Shared/secret',
        language: 'PYTHON',
        contentFrom: { secretKeyRef: { name: 'notebooks', key: 'secret.py' } },
        overwrite: true,
      },
      {
        workspaceRef: { name: 'prod' },
        path: '/Shared/shared',
        language: 'PYTHON',
        contentFrom: { configMapKeyRef: { name: 'notebooks', key: 'shared.py' } },
      },
    ]);
    expect(Testing.synth(chart).some((o) => o.kind === 'ConfigMap')).toBe(false);
  });

  it('rejects content above the maximum', () => {
    const { chart, workspace } = setup();
    new DatabricksNotebook(chart, 'nb', {
      workspace,
      path: '/Shared/huge',
      language: 'PYTHON',
      content: Buffer.alloc(CONTENT_MAX_BYTES + 1),
    });
    expect(() => Testing.synth(chart)).toThrow(
      `content is ${CONTENT_MAX_BYTES + 1} bytes, above the ${CONTENT_MAX_BYTES} bytes a manifest can carry safely`,
    );
  });

  it('fails clearly when the local file is missing', () => {
    const { chart, workspace } = setup();
    expect(() =>
      DatabricksNotebook.fromFile(chart, 'nb', {
        workspace,
        localPath: '/nonexistent/x.py',
        path: '/Shared/x',
      }),
    ).toThrow('app/nb: cannot read local file "/nonexistent/x.py"');
  });

  it.each([
    [{ path: 'relative', language: 'PYTHON' as const }, 'path "relative" must be an absolute workspace path'],
    [{ path: '/Shared/x' }, 'language is required for SOURCE content'],
    [
      { path: '/Shared/x', format: 'DBC' as const, language: 'PYTHON' as const },
      'language is not allowed with format DBC',
    ],
  ])('rejects an invalid notebook (%#)', (props, message) => {
    const { chart, workspace } = setup();
    new DatabricksNotebook(chart, 'nb', { workspace, content: 'x', ...props });
    expect(() => Testing.synth(chart)).toThrow(message);
  });
});

describe('DatabricksDbfsFile', () => {
  it('reads a local file at synth time and inlines it base64-encoded', () => {
    const { chart, workspace } = setup();
    const localPath = localFile('config.json', '{"a":1}');
    DatabricksDbfsFile.fromFile(chart, 'f', {
      workspace,
      localPath,
      path: '/FileStore/config.json',
      overwrite: false,
    });
    expect(manifest(chart, 'DatabricksDbfsFile').spec).toEqual({
      workspaceRef: { name: 'prod' },
      path: '/FileStore/config.json',
      contents: Buffer.from('{"a":1}').toString('base64'),
      overwrite: false,
    });
  });

  it('puts large content into a ConfigMap binaryData key it emits', () => {
    const { chart, workspace } = setup();
    const bytes = Buffer.alloc(INLINE_CONTENT_MAX_BYTES + 1, 7);
    new DatabricksDbfsFile(chart, 'f', {
      workspace,
      path: 'dbfs:/FileStore/blob',
      content: { contents: bytes },
    });
    const manifests = Testing.synth(chart);
    const configMap = manifests.find((o) => o.kind === 'ConfigMap');
    expect(configMap.binaryData).toEqual({ contents: bytes.toString('base64') });
    expect(manifests.find((o) => o.kind === 'DatabricksDbfsFile').spec.contentsFrom).toEqual({
      configMapKeyRef: { name: configMap.metadata.name, key: 'contents' },
    });
  });

  it.each([
    [{ configMapKey: { name: 'cm', key: 'k' } }, { configMapKeyRef: { name: 'cm', key: 'k' } }],
    [{ secretKey: { name: 's', key: 'k' } }, { secretKeyRef: { name: 's', key: 'k' } }],
  ])('reads content from a ConfigMap or Secret key (%#)', (content, contentsFrom) => {
    const { chart, workspace } = setup();
    new DatabricksDbfsFile(chart, 'f', { workspace, path: '/FileStore/x', content });
    expect(manifest(chart, 'DatabricksDbfsFile').spec).toEqual({
      workspaceRef: { name: 'prod' },
      path: '/FileStore/x',
      contentsFrom,
    });
  });

  it('rejects a relative path', () => {
    const { chart, workspace } = setup();
    new DatabricksDbfsFile(chart, 'f', { workspace, path: 'FileStore/x', content: { contents: 'x' } });
    expect(() => Testing.synth(chart)).toThrow('path "FileStore/x" must be an absolute DBFS path');
  });

  it('rejects content above the maximum', () => {
    const { chart, workspace } = setup();
    new DatabricksDbfsFile(chart, 'f', {
      workspace,
      path: '/x',
      content: { contents: Buffer.alloc(CONTENT_MAX_BYTES + 1) },
    });
    expect(() => Testing.synth(chart)).toThrow(`contents is ${CONTENT_MAX_BYTES + 1} bytes`);
  });
});
