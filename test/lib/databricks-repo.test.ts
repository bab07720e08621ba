import { Chart, Testing } from 'cdk8s';
import {
  DatabricksGitCredential,
  DatabricksJob,
  DatabricksRepo,
  DatabricksWorkspace,
  TaskType,
} from '../../lib/index.js';

const CLUSTER = { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 };

function setup() {
  const chart = new Chart(Testing.app(), 'app', { namespace: 'data' });
  return { chart, workspace: DatabricksWorkspace.fromName('prod') };
}

function manifest(chart: Chart, kind: string) {
  return Testing.synth(chart).find((o) => o.kind === kind);
}

describe('DatabricksGitCredential', () => {
  it('synthesizes the provider, user and the Secret key of the token, never a token', () => {
    const { chart, workspace } = setup();
    new DatabricksGitCredential(chart, 'github', {
      workspace,
      provider: 'gitHub',
      username: 'etl-bot',
      token: { name: 'github-token', key: 'token' },
      deletionPolicy: 'Retain',
    });
    expect(manifest(chart, 'DatabricksGitCredential').spec).toEqual({
      workspaceRef: { name: 'prod' },
      git_provider: 'gitHub',
      git_username: 'etl-bot',
      personal_access_token: { secretKeyRef: { name: 'github-token', key: 'token' } },
      deletionPolicy: 'Retain',
    });
  });

  it('refuses AWS CodeCommit without a user name at synth', () => {
    const { chart, workspace } = setup();
    new DatabricksGitCredential(chart, 'cc', {
      workspace,
      provider: 'awsCodeCommit',
      token: { name: 's', key: 'k' },
    });
    expect(() => Testing.synth(chart)).toThrow(/username is required for awsCodeCommit/);
  });
});

describe('DatabricksRepo', () => {
  it('synthesizes the Git folder, its ref, sparse checkout, credential and grants', () => {
    const { chart, workspace } = setup();
    const git = new DatabricksGitCredential(chart, 'github', {
      workspace,
      provider: 'gitHub',
      token: { name: 'github-token', key: 'token' },
    });
    new DatabricksRepo(chart, 'code', {
      workspace,
      path: '/Repos/ci/etl',
      url: 'https://github.com/acme/etl.git',
      branch: 'main',
      sparseCheckout: ['etl'],
      gitCredential: git,
    }).grant({ group: 'analysts' }, 'CAN_RUN');
    expect(manifest(chart, 'DatabricksRepo').spec).toEqual({
      workspaceRef: { name: 'prod' },
      path: '/Repos/ci/etl',
      url: 'https://github.com/acme/etl.git',
      branch: 'main',
      sparse_checkout: { patterns: ['etl'] },
      gitCredentialRef: { name: git.name },
      permissions: {
        mode: 'Additive',
        access_control_list: [{ group_name: 'analysts', permission_level: 'CAN_RUN' }],
      },
    });
  });

  it('gives a notebook inside it to a job task as notebook_task.repo_ref', () => {
    const { chart, workspace } = setup();
    const code = new DatabricksRepo(chart, 'code', {
      workspace,
      path: '/Repos/ci/etl',
      url: 'https://github.com/acme/etl.git',
    });
    const job = new DatabricksJob(chart, 'etl', { workspace });
    job.addTask('main', {
      type: TaskType.notebook(code.notebook('etl/main'), { base_parameters: { day: 'today' } }),
      runOn: job.addJobCluster('c', CLUSTER),
    });
    const task = manifest(chart, 'DatabricksJob').spec.settings.tasks[0];
    expect(task.notebook_task).toEqual({
      repo_ref: { name: code.name, path: 'etl/main' },
      base_parameters: { day: 'today' },
    });
  });

  it('gives a Python file inside it to a job task as spark_python_task.repo_ref, and a path as python_file', () => {
    const { chart, workspace } = setup();
    const code = new DatabricksRepo(chart, 'code', {
      workspace,
      path: '/Repos/ci/etl',
      url: 'https://github.com/acme/etl.git',
    });
    const job = new DatabricksJob(chart, 'etl', { workspace });
    const cluster = job.addJobCluster('c', CLUSTER);
    job.addTask('main', {
      type: TaskType.sparkPython(code.pythonFile('etl/main.py'), { parameters: ['--day', 'today'] }),
      runOn: cluster,
    });
    job.addTask('fromName', {
      type: TaskType.sparkPython(DatabricksRepo.fromName('shared', workspace).pythonFile('jobs/x.py')),
      runOn: cluster,
    });
    job.addTask('git', { type: TaskType.sparkPython('jobs/run.py', { source: 'GIT' }), runOn: cluster });
    job.addTask('verbatim', { type: TaskType.sparkPython({ python_file: '/Shared/a.py' }), runOn: cluster });
    const tasks = manifest(chart, 'DatabricksJob').spec.settings.tasks as Record<string, unknown>[];
    expect(tasks.map((task) => task.spark_python_task)).toEqual([
      { repo_ref: { name: code.name, path: 'etl/main.py' }, parameters: ['--day', 'today'] },
      { repo_ref: { name: 'shared', path: 'jobs/x.py' } },
      { python_file: 'jobs/run.py', source: 'GIT' },
      { python_file: '/Shared/a.py' },
    ]);
  });

  it('refuses at synth a Python file of a Git folder in another workspace, and a python_file beside repo_ref', () => {
    const { chart, workspace } = setup();
    const staging = DatabricksRepo.fromName('other', DatabricksWorkspace.fromName('staging'));
    const job = new DatabricksJob(chart, 'etl', { workspace });
    job.addTask('far', { type: TaskType.sparkPython(staging.pythonFile('x.py')) });
    job.addTask('both', {
      type: TaskType.of('spark_python_task', {
        python_file: '/a.py',
        repo_ref: { name: 'code', path: 'a.py' },
      }),
    });
    expect(() => Testing.synth(chart)).toThrow(
      /task "far" spark_python_task.repo_ref refers to DatabricksRepo other in DatabricksWorkspace staging/,
    );
    expect(() => Testing.synth(chart)).toThrow(
      /task "both" sets spark_python_task.python_file and spark_python_task.repo_ref, which are mutually exclusive/,
    );
  });

  it('refuses at synth what Databricks or the schema would: branch and tag, an unknown host without provider, a repo of another workspace', () => {
    const { chart, workspace } = setup();
    new DatabricksRepo(chart, 'both', {
      workspace,
      path: '/Repos/ci/both',
      url: 'https://github.com/acme/etl.git',
      branch: 'main',
      tag: 'v1',
    });
    new DatabricksRepo(chart, 'codeberg', {
      workspace,
      path: '/Repos/ci/cb',
      url: 'https://codeberg.org/acme/etl',
    });
    const other = new DatabricksRepo(chart, 'other', {
      workspace: DatabricksWorkspace.fromName('staging'),
      path: '/Repos/ci/other',
      url: 'https://github.com/acme/etl.git',
    });
    new DatabricksJob(chart, 'etl', { workspace }).addTask('main', {
      type: TaskType.notebook(other.notebook('x')),
    });
    expect(() => Testing.synth(chart)).toThrow(/branch and tag are mutually exclusive/);
    expect(() => Testing.synth(chart)).toThrow(
      /the provider of https:\/\/codeberg.org\/acme\/etl is not known/,
    );
    expect(() => Testing.synth(chart)).toThrow(
      /notebook_task.repo_ref refers to DatabricksRepo app\/other in DatabricksWorkspace staging/,
    );
  });

  it('uses a repo of its own workspace with a cluster', () => {
    const { chart, workspace } = setup();
    const code = DatabricksRepo.fromName('code', workspace);
    const job = new DatabricksJob(chart, 'etl', { workspace });
    job.addTask('main', {
      type: TaskType.notebook(code.notebook('etl/main')),
      runOn: job.addJobCluster('c', CLUSTER),
    });
    expect(manifest(chart, 'DatabricksJob').spec.settings.tasks[0].notebook_task).toEqual({
      repo_ref: { name: 'code', path: 'etl/main' },
    });
  });
});
