import { type Static } from '@sinclair/typebox';
import { atMostOneOf, celValidations, unchanged } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { GIT_PROVIDERS, KNOWN_GIT_HOSTS, urlOnHost } from './git-providers.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { localReference, WorkspaceReference } from './object-references.js';
import { objectPermissions, PermissionsHash } from './permissions.js';
import { Bool, Int64, Opt, Str, StringEnum, StringList, Struct } from './schema-types.js';

/** A repository URL: HTTPS (or SSH) clone URL, or `git@host:owner/name`. */
export const GIT_URL_PATTERN = '^((https?|ssh|git)://[^/\\s]+/\\S+|git@[^:\\s]+:\\S+)$';

/** The CEL condition: the URL is on a host whose provider is known (KNOWN_GIT_HOSTS). */
const KNOWN_HOST_RULE = `self.url.matches('(?i)${KNOWN_GIT_HOSTS.map(({ pattern }) => urlOnHost(pattern))
  .join('|')
  .replace(/\\/g, '\\\\')}')`;

/** `spec` of a DatabricksRepo: the Git folder's path, repository, ref and sparse checkout. */
export const DatabricksRepoSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    path: Str(
      'Workspace path of the Git folder: /Repos/{folder}/{name}, or a folder elsewhere such as /Workspace/Users/{user}/{name} (whose parent must exist). Immutable.',
      { minLength: 2, maxLength: 1024, pattern: '^/\\S.*[^/]$' },
    ),
    url: Str('Clone URL of the Git repository, e.g. https://github.com/org/repo.git. Immutable.', {
      maxLength: 2048,
      pattern: GIT_URL_PATTERN,
    }),
    provider: Opt(
      StringEnum(
        GIT_PROVIDERS,
        "The repository's Git provider, as the Repos API spells it. Defaults to the provider of the URL's host (github.com, gitlab.com, bitbucket.org, dev.azure.com, *.visualstudio.com, git-codecommit.*.amazonaws.com); required for any other host. Immutable.",
      ),
    ),
    branch: Opt(
      Str(
        'Branch to keep the Git folder on: checked out when it changes, and again when someone switched the folder to another branch or tag. At most one of branch and tag; with neither, the folder stays where it is (a new one on the default branch).',
        { minLength: 1, maxLength: 255 },
      ),
    ),
    tag: Opt(
      Str(
        'Tag to keep the Git folder on (detached), checked out like branch. At most one of branch and tag.',
        {
          minLength: 1,
          maxLength: 255,
        },
      ),
    ),
    sparse_checkout: Opt(
      Struct(
        {
          patterns: StringList(
            'Cone patterns: the folders checked out.',
            { minItems: 1, maxItems: 100 },
            { minLength: 1, maxLength: 1024 },
          ),
        },
        'Check out only these folders. Databricks takes sparse checkout only when the Git folder is created: it cannot be added or removed later, only its patterns changed.',
      ),
    ),
    gitCredentialRef: Opt(localReference('DatabricksGitCredential')),
    adopt: Opt(
      Bool(
        'Take over a Git folder that already exists at path, of the same URL, instead of refusing it (RepoExists). From then on it is checked out as the spec says, and deletionPolicy Delete deletes it. A Git folder another DatabricksRepo holds is still refused. Defaults to false.',
        { default: false },
      ),
    ),
    permissions: Opt(
      objectPermissions('repos', {
        level: 'Permission level. Git folders have no owner level.',
        permissions: 'Who may read, run, edit or manage the Git folder.',
      }),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
  },
  'The desired Git folder: where it is, which repository, and which branch or tag it is kept on.',
  celValidations(
    atMostOneOf(['branch', 'tag']),
    {
      rule: "!self.path.startsWith('/Repos/') || self.path.matches('^/Repos/[^/]+/[^/]+$')",
      message: 'path: a Git folder under /Repos must be at /Repos/{folder}/{name}',
      fieldPath: '.path',
    },
    {
      rule: `has(self.provider) || ${KNOWN_HOST_RULE}`,
      message:
        'provider is required: the URL is not on github.com, gitlab.com, bitbucket.org, dev.azure.com, *.visualstudio.com or git-codecommit.*.amazonaws.com, so its provider is unknown',
      fieldPath: '.provider',
    },
    unchanged('path', 'create a new DatabricksRepo for a Git folder elsewhere'),
    unchanged('url', 'create a new DatabricksRepo for another repository'),
    {
      rule: 'has(self.sparse_checkout) == has(oldSelf.sparse_checkout)',
      message:
        'sparse_checkout can only be set when the Git folder is created (Databricks cannot add or remove it later); create a new DatabricksRepo',
      fieldPath: '.sparse_checkout',
    },
  ),
);
export type DatabricksRepoSpec = Static<typeof DatabricksRepoSpec>;

/** `status` of a DatabricksRepo, written by the controller. */
export const DatabricksRepoStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    driftedFields: Opt(DriftedFields),
    repoId: Opt(Int64('ID of the Git folder in Databricks (its workspace object ID).')),
    repoCreatePending: Opt(
      Bool(
        'True while the Git folder is being created and Databricks has not yet confirmed it: one found at path then is the one this object created before a crash.',
      ),
    ),
    path: Opt(Str('Workspace path of the Git folder: what a task refers to through repo_ref.')),
    provider: Opt(Str('The Git provider of the repository.')),
    branch: Opt(Str('The branch checked out; absent while on a tag.')),
    tag: Opt(Str('The tag checked out (as the spec asked: Databricks does not report it).')),
    headCommitId: Opt(Str('The commit checked out.')),
    permissionsHash: Opt(PermissionsHash),
  },
  'What the controller observed about the Git folder.',
);
export type DatabricksRepoStatus = Static<typeof DatabricksRepoStatus>;

/** The DatabricksRepo kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_REPO: KindDefinition<'DatabricksRepo', DatabricksRepoSpec, DatabricksRepoStatus> = {
  kind: 'DatabricksRepo',
  plural: 'databricksrepos',
  singular: 'databricksrepo',
  shortName: 'dbrepo',
  description:
    'DatabricksRepo is a Databricks Git folder: a Git repository checked out at a workspace path and kept on a branch or tag.',
  spec: DatabricksRepoSpec,
  status: DatabricksRepoStatus,
  printerColumns: [
    {
      name: 'Path',
      type: 'string',
      jsonPath: '.status.path',
      description: 'Workspace path of the Git folder.',
    },
    { name: 'Branch', type: 'string', jsonPath: '.status.branch', description: 'Branch checked out.' },
    { name: 'Tag', type: 'string', jsonPath: '.status.tag', description: 'Tag checked out.', priority: 1 },
    {
      name: 'Commit',
      type: 'string',
      jsonPath: '.status.headCommitId',
      description: 'Commit checked out.',
      priority: 1,
    },
    READY_COLUMN,
    REASON_COLUMN,
  ],
};
