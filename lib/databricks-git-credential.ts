import type { Construct } from 'constructs';
import type { DatabricksGitCredentialSpec } from './crds/databricks-git-credential.js';
import type { GitProvider } from './crds/git-providers.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace, SecretKeyReference } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';

/** A Git credential that Git folders can use: anything with the name of a `DatabricksGitCredential`. */
export interface IDatabricksGitCredential {
  /** The kind, so that only a DatabricksGitCredential (or its fromName) can stand here. */
  readonly kind: 'DatabricksGitCredential';
  /** The name of the `DatabricksGitCredential` object, in the same namespace. */
  readonly name: string;
  /** The workspace whose principal the credential belongs to, if known. */
  readonly workspace?: IDatabricksWorkspace;
}

/** Props of {@link DatabricksGitCredential}. */
export interface DatabricksGitCredentialProps extends DatabricksObjectProps {
  /** The workspace whose principal (the one it authenticates as) gets the credential (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /** The Git provider the token is for. */
  readonly provider: GitProvider;
  /** The Kubernetes Secret key holding the personal access token (never inline). */
  readonly token: SecretKeyReference;
  /**
   * The user name at the provider; required for AWS CodeCommit.
   *
   * @default - none
   */
  readonly username?: string;
  /**
   * The Git user's email.
   *
   * @default - none
   */
  readonly email?: string;
  /**
   * Take over the credential the principal already has (Databricks keeps one per principal) instead of
   * refusing it; its provider, user name and token are replaced.
   *
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * What happens to the credential when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the credential and report where it differs from the spec.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
}

/**
 * The Git credential of the principal a DatabricksWorkspace authenticates as, with the token read from a
 * Kubernetes Secret (and sent again whenever the Secret's value changes). Databricks keeps one per
 * principal.
 *
 * @example
 * const git = new DatabricksGitCredential(chart, 'github', {
 *   workspace,
 *   provider: 'gitHub',
 *   username: 'etl-bot',
 *   token: { name: 'github-token', key: 'token' },
 * });
 */
export class DatabricksGitCredential
  extends DatabricksApiObject<DatabricksGitCredentialSpec>
  implements IDatabricksGitCredential
{
  declare readonly kind: 'DatabricksGitCredential';

  /** A credential defined elsewhere, by the name of its `DatabricksGitCredential` object. */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksGitCredential {
    return { kind: 'DatabricksGitCredential', name, workspace };
  }

  /** The workspace whose principal the credential belongs to. */
  readonly workspace: IDatabricksWorkspace;
  private readonly credentialProps: DatabricksGitCredentialProps;

  constructor(scope: Construct, id: string, props: DatabricksGitCredentialProps) {
    super(scope, id, 'DatabricksGitCredential', props);
    this.workspace = props.workspace;
    this.credentialProps = props;
    this.node.addValidation({
      validate: () =>
        props.provider === 'awsCodeCommit' && props.username === undefined
          ? ['username is required for awsCodeCommit: CodeCommit credentials are a user name and a password']
          : [],
    });
  }

  protected renderSpec(): DatabricksGitCredentialSpec {
    const { provider, token, username, email, adopt, deletionPolicy, managementPolicy } =
      this.credentialProps;
    return {
      workspaceRef: { name: this.workspace.name },
      git_provider: provider,
      git_username: username,
      git_email: email,
      personal_access_token: { secretKeyRef: { name: token.name, key: token.key } },
      adopt,
      deletionPolicy,
      managementPolicy,
    };
  }
}
