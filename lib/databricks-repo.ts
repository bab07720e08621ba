import type { Construct } from 'constructs';
import type { DatabricksRepoSpec } from './crds/databricks-repo.js';
import { providerOfUrl, type GitProvider } from './crds/git-providers.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksGitCredential } from './databricks-git-credential.js';
import type { IDatabricksWorkspace } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import { Grants, type Principal } from './permission-grants.js';
import { referenceScopeProblem } from './reference-scope.js';

/** A Git folder that tasks can run notebooks of: anything with the name of a `DatabricksRepo`. */
export interface IDatabricksRepo {
  /** The kind, so that only a DatabricksRepo (or its fromName) can stand here. */
  readonly kind: 'DatabricksRepo';
  /** The name of the `DatabricksRepo` object, in the same namespace. */
  readonly name: string;
  /** The workspace the Git folder lives in, if known: a job in another workspace cannot run from it. */
  readonly workspace?: IDatabricksWorkspace;
  /** A notebook inside the Git folder, for `TaskType.notebook` (`path` relative to its root, e.g. `etl/main`). */
  notebook(path: string): RepoNotebook;
  /** A Python file inside the Git folder, for `TaskType.sparkPython` (`path` relative to its root, e.g. `etl/main.py`). */
  pythonFile(path: string): RepoPythonFile;
}

/** A notebook inside a Git folder, as a notebook task names it (`notebook_task.repo_ref`). */
export interface RepoNotebook {
  /** The Git folder. */
  readonly repo: IDatabricksRepo;
  /** The notebook's path inside it, relative to its root, without extension (`etl/main`). */
  readonly repoPath: string;
}

/** A Python file inside a Git folder, as a Python task names it (`spark_python_task.repo_ref`). */
export interface RepoPythonFile {
  /** The Git folder. */
  readonly repo: IDatabricksRepo;
  /** The file's path inside it, relative to its root, with its extension (`etl/main.py`). */
  readonly pythonFile: string;
}

/** The permissions of a Git folder (`spec.permissions`). */
export type RepoPermissions = NonNullable<DatabricksRepoSpec['permissions']>;
/** What a principal may do with a Git folder. */
export type RepoPermissionLevel = RepoPermissions['access_control_list'][number]['permission_level'];

/** Props of {@link DatabricksRepo}. */
export interface DatabricksRepoProps extends DatabricksObjectProps {
  /** The workspace the Git folder lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /** Workspace path of the Git folder: `/Repos/{folder}/{name}`, or a folder elsewhere such as `/Workspace/Users/{user}/{name}`. */
  readonly path: string;
  /** Clone URL of the repository. */
  readonly url: string;
  /**
   * The Git provider.
   *
   * @default - the provider of the URL's host (github.com, gitlab.com, bitbucket.org, Azure DevOps, AWS CodeCommit)
   */
  readonly provider?: GitProvider;
  /**
   * The branch to keep the folder on (at most one of branch and tag).
   *
   * @default - none: the folder stays where it is (a new one on the default branch)
   */
  readonly branch?: string;
  /**
   * The tag to keep the folder on (at most one of branch and tag).
   *
   * @default - none
   */
  readonly tag?: string;
  /**
   * Check out only these folders (cone patterns); fixed when the folder is created.
   *
   * @default - the whole repository
   */
  readonly sparseCheckout?: readonly string[];
  /**
   * The Git credential to clone with; the controller waits until it is Ready.
   *
   * @default - the principal's credential for the provider, if any (a public repository needs none)
   */
  readonly gitCredential?: IDatabricksGitCredential;
  /**
   * Take over a Git folder of the same URL that already exists at `path`.
   *
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Who may read, run, edit or manage the Git folder; {@link DatabricksRepo.grant} adds entries.
   *
   * @default - permissions are left as Databricks has them
   */
  readonly permissions?: RepoPermissions;
  /**
   * What happens to the Git folder when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the Git folder and report where it differs from the spec.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
}

/**
 * A Databricks Git folder: a repository checked out at a workspace path and kept on a branch or tag.
 * Its notebooks and Python files can run as job tasks through {@link DatabricksRepo.notebook} and
 * {@link DatabricksRepo.pythonFile}.
 *
 * @example
 * const code = new DatabricksRepo(chart, 'code', {
 *   workspace,
 *   path: '/Repos/ci/etl',
 *   url: 'https://github.com/acme/etl.git',
 *   branch: 'main',
 * });
 * job.addTask('ingest', { type: TaskType.notebook(code.notebook('etl/ingest')), runOn: cluster });
 */
export class DatabricksRepo extends DatabricksApiObject<DatabricksRepoSpec> implements IDatabricksRepo {
  declare readonly kind: 'DatabricksRepo';

  /** A Git folder defined elsewhere, by the name of its `DatabricksRepo` object. */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksRepo {
    const repo: IDatabricksRepo = {
      kind: 'DatabricksRepo',
      name,
      workspace,
      notebook: (path) => ({ repo, repoPath: path }),
      pythonFile: (path) => ({ repo, pythonFile: path }),
    };
    return repo;
  }

  /** The workspace the Git folder lives in. */
  readonly workspace: IDatabricksWorkspace;
  /** The workspace path of the Git folder. */
  readonly path: string;
  private readonly repoProps: DatabricksRepoProps;
  private readonly grants: Grants<RepoPermissionLevel>;

  constructor(scope: Construct, id: string, props: DatabricksRepoProps) {
    super(scope, id, 'DatabricksRepo', props);
    this.workspace = props.workspace;
    this.path = props.path;
    this.repoProps = props;
    this.grants = new Grants(props.permissions);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /**
   * A notebook in this Git folder, for `TaskType.notebook`: the controller runs it at the folder's path
   * followed by `path`.
   *
   * @param path relative to the repository root, without extension, e.g. `etl/main`
   */
  notebook(path: string): RepoNotebook {
    return { repo: this, repoPath: path };
  }

  /**
   * A Python file in this Git folder, for `TaskType.sparkPython`: the controller runs it at the folder's
   * path followed by `path`, read from the workspace even when the job has a `git_source`.
   *
   * @param path relative to the repository root, with its extension, e.g. `etl/main.py`
   */
  pythonFile(path: string): RepoPythonFile {
    return { repo: this, pythonFile: path };
  }

  /**
   * Grants a permission on the Git folder (`spec.permissions.access_control_list`).
   *
   * @example
   * repo.grant({ group: 'analysts' }, 'CAN_RUN');
   */
  grant(principal: Principal, level: RepoPermissionLevel): this {
    this.grants.add(principal, level);
    return this;
  }

  private problems(): string[] {
    const { branch, tag, provider, url, path, gitCredential } = this.repoProps;
    const problems: string[] = [];
    if (branch !== undefined && tag !== undefined) {
      problems.push('branch and tag are mutually exclusive: a Git folder is kept on one ref');
    }
    if (provider === undefined && providerOfUrl(url) === undefined) {
      problems.push(`the provider of ${url} is not known from its host; set provider`);
    }
    if (path.startsWith('/Repos/') && !/^\/Repos\/[^/]+\/[^/]+$/.test(path)) {
      problems.push(`path ${path}: a Git folder under /Repos must be at /Repos/{folder}/{name}`);
    }
    if (gitCredential) {
      const referrer = { construct: this, kind: 'DatabricksRepo', workspace: this.workspace };
      const problem = referenceScopeProblem(referrer, 'gitCredential (spec.gitCredentialRef)', gitCredential);
      if (problem) problems.push(problem);
    }
    return problems;
  }

  protected renderSpec(): DatabricksRepoSpec {
    const p = this.repoProps;
    return {
      workspaceRef: { name: this.workspace.name },
      path: p.path,
      url: p.url,
      provider: p.provider,
      branch: p.branch,
      tag: p.tag,
      sparse_checkout: p.sparseCheckout ? { patterns: [...p.sparseCheckout] } : undefined,
      gitCredentialRef: p.gitCredential ? { name: p.gitCredential.name } : undefined,
      adopt: p.adopt,
      permissions: this.grants.render(),
      deletionPolicy: p.deletionPolicy,
      managementPolicy: p.managementPolicy,
    };
  }
}
