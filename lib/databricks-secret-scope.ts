import type { Construct } from 'constructs';
import type { DatabricksSecretScopeSpec } from './crds/databricks-secret-scope.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace, SecretKeyReference } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';

/** One entry of `spec.secrets`. */
export type SecretScopeSecret = NonNullable<DatabricksSecretScopeSpec['secrets']>[number];
/** One entry of `spec.acls`. */
export type SecretScopeAcl = NonNullable<DatabricksSecretScopeSpec['acls']>[number];
/** Where the secrets of a scope live (`spec.backend`). */
export type SecretScopeBackend = NonNullable<DatabricksSecretScopeSpec['backend']>;

/** Props of {@link DatabricksSecretScope}. */
export interface DatabricksSecretScopeProps extends DatabricksObjectProps {
  /** The workspace the scope lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The scope's name in Databricks.
   *
   * @default - `<namespace>.<name>` of this object, which cannot clash between namespaces
   */
  readonly scopeName?: string;
  /**
   * Take over a scope of this name that already exists in Databricks, instead of refusing it. Its
   * secrets listed here are managed from then on, keys it already held are left alone, its ACLs are
   * made to match `acls` when given, and `deletionPolicy` Delete deletes the whole scope. A scope that
   * another DatabricksSecretScope holds is still refused.
   *
   * @default false
   */
  readonly adopt?: boolean;
  /**
   * Where the secrets live; a Databricks-backed scope can take `secrets`, a Key Vault-backed one cannot.
   *
   * @default - Databricks
   */
  readonly backend?: SecretScopeBackend;
  /**
   * Secrets written into the scope, verbatim; {@link addSecretFrom} and {@link addSecretsFrom} add more.
   *
   * @default - none
   */
  readonly secrets?: readonly SecretScopeSecret[];
  /**
   * Who may read, write or manage the scope.
   *
   * @default - only the controller's principal
   */
  readonly acls?: readonly SecretScopeAcl[];
  /**
   * What happens to the scope when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the scope and report in status where it differs from the spec, never writing
   * to Databricks.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
}

/** A secret of a scope, as Spark configuration and cluster environment variables refer to it. */
export class ScopeSecretReference {
  /** @internal use DatabricksSecretScope.secret */
  constructor(
    /** The scope's name in Databricks. */
    readonly scopeName: string,
    /** The secret key. */
    readonly key: string,
  ) {}

  /** `{{secrets/<scope>/<key>}}`, the form `spark_conf` and `spark_env_vars` values take. */
  toString(): string {
    return `{{secrets/${this.scopeName}/${this.key}}}`;
  }
}

/**
 * A Databricks secret scope, fed from Kubernetes Secrets so that values never sit in the manifest.
 *
 * @example
 * const scope = new DatabricksSecretScope(chart, 'etl', { workspace })
 *   .addSecretsFrom('warehouse-credentials');              // every key of a Kubernetes Secret
 * const password = scope.secret('password');                // `{{secrets/<scope>/password}}`
 */
export class DatabricksSecretScope extends DatabricksApiObject<DatabricksSecretScopeSpec> {
  /** The workspace the scope lives in. */
  readonly workspace: IDatabricksWorkspace;
  /**
   * The scope's name in Databricks: `scopeName`, or `<namespace>.<name>` when the namespace is known at
   * synth time; `undefined` otherwise (the controller then names it).
   */
  readonly scopeName?: string;
  private readonly scopeProps: DatabricksSecretScopeProps;
  private readonly secrets: SecretScopeSecret[];
  private readonly referencedKeys: string[] = [];

  constructor(scope: Construct, id: string, props: DatabricksSecretScopeProps) {
    super(scope, id, 'DatabricksSecretScope', props);
    this.workspace = props.workspace;
    this.scopeProps = props;
    this.secrets = [...(props.secrets ?? [])];
    const namespace = this.metadata.namespace;
    this.scopeName = props.scopeName ?? (namespace ? `${namespace}.${this.name}` : undefined);
    this.node.addValidation({ validate: () => this.problems() });
  }

  /** Writes one key of a Kubernetes Secret into the scope. */
  addSecretFrom(key: string, secret: SecretKeyReference): this {
    this.secrets.push({ key, valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } });
    return this;
  }

  /**
   * Writes every key of a Kubernetes Secret into the scope, under the same names.
   *
   * @param prefix added to every key
   */
  addSecretsFrom(secretName: string, prefix?: string): this {
    this.secrets.push({
      fromSecret: prefix === undefined ? { name: secretName } : { name: secretName, prefix },
    });
    return this;
  }

  /**
   * A secret of this scope for `spark_conf` or `spark_env_vars`: its string form is
   * `{{secrets/<scope>/<key>}}`. Needs the scope name at synth time: set `scopeName` or a namespace.
   */
  secret(key: string): ScopeSecretReference {
    this.referencedKeys.push(key);
    return new ScopeSecretReference(this.scopeName ?? '<unknown scope>', key);
  }

  private problems(): string[] {
    const problems: string[] = [];
    if (this.referencedKeys.length > 0 && this.scopeName === undefined) {
      problems.push(
        `secret("${this.referencedKeys[0]}") needs the scope name at synth time, but scopeName is not set and ` +
          `the object has no namespace; set scopeName, or a namespace on the chart or in metadata`,
      );
    }
    const name = this.scopeName;
    if (name !== undefined && !/^[\w.-]{1,128}$/.test(name)) {
      problems.push(
        `scopeName "${name}" may only hold letters, digits, "-", "_" and "." and be at most 128 characters; rename it`,
      );
    }
    if (this.scopeProps.backend?.type === 'AzureKeyVault' && this.secrets.length > 0) {
      problems.push(
        'secrets cannot be written to a scope backed by Azure Key Vault (backend.type AzureKeyVault); ' +
          'put them in the key vault and remove them here',
      );
    }
    const keys = new Set<string>();
    for (const secret of this.secrets) {
      if (secret.key === undefined) continue;
      if (keys.has(secret.key)) {
        problems.push(
          `secrets has two secrets with key "${secret.key}"; each key holds one value, so keep one`,
        );
      }
      keys.add(secret.key);
    }
    return problems;
  }

  protected renderSpec(): DatabricksSecretScopeSpec {
    const props = this.scopeProps;
    return {
      workspaceRef: { name: this.workspace.name },
      scopeName: this.scopeName,
      adopt: props.adopt,
      backend: props.backend,
      secrets: this.secrets.length > 0 ? this.secrets : undefined,
      acls: props.acls ? [...props.acls] : undefined,
      deletionPolicy: props.deletionPolicy,
      managementPolicy: props.managementPolicy,
    };
  }
}
