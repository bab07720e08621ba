import type { Construct } from 'constructs';
import type { DatabricksWorkspaceSpec } from './crds/databricks-workspace.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';

/** A key of a Kubernetes Secret in the same namespace. */
export interface SecretKeyReference {
  /** Name of the Secret. */
  readonly name: string;
  /** Key within the Secret. */
  readonly key: string;
}

/** A Databricks workspace that other constructs live in: anything with the name of a `DatabricksWorkspace`. */
export interface IDatabricksWorkspace {
  /** The kind, so that only a DatabricksWorkspace (or its fromName) can stand here. */
  readonly kind: 'DatabricksWorkspace';
  /** The name of the `DatabricksWorkspace` object, in the same namespace. */
  readonly name: string;
}

/** Options of OAuth machine-to-machine authentication with a Databricks service principal. */
export interface OAuthM2MAuthOptions {
  /** The service principal's application (client) ID. */
  readonly clientId: string;
  /** The Secret key holding the OAuth secret. */
  readonly clientSecret: SecretKeyReference;
}

/** Options of Microsoft Entra ID (Azure AD) service principal authentication. */
export interface AzureServicePrincipalAuthOptions {
  /** The Entra ID tenant. */
  readonly tenantId: string;
  /** The application (client) ID of the service principal. */
  readonly clientId: string;
  /** The Secret key holding the client secret. */
  readonly clientSecret: SecretKeyReference;
  /**
   * The Azure resource ID of the workspace, needed when the service principal is not a workspace user yet.
   *
   * @default - none
   */
  readonly workspaceResourceId?: string;
}

/** The `spec.auth` of a `DatabricksWorkspace`: exactly one method. */
export type WorkspaceAuthSpec = DatabricksWorkspaceSpec['auth'];

/** How the controller authenticates to a workspace. Each factory gives one method, so only one can be set. */
export class WorkspaceAuth {
  /** A personal access token (or any bearer token) kept in a Secret key. */
  static token(secret: SecretKeyReference): WorkspaceAuth {
    return new WorkspaceAuth({ token: { secretKeyRef: { name: secret.name, key: secret.key } } });
  }

  /** OAuth machine-to-machine with a Databricks service principal's client ID and secret. */
  static oauthM2M(options: OAuthM2MAuthOptions): WorkspaceAuth {
    return new WorkspaceAuth({
      oauthM2M: { clientId: options.clientId, clientSecret: { secretKeyRef: { ...options.clientSecret } } },
    });
  }

  /** A Microsoft Entra ID (Azure AD) service principal, for Azure Databricks. */
  static azureServicePrincipal(options: AzureServicePrincipalAuthOptions): WorkspaceAuth {
    return new WorkspaceAuth({
      azureServicePrincipal: {
        tenantId: options.tenantId,
        clientId: options.clientId,
        clientSecret: { secretKeyRef: { ...options.clientSecret } },
        workspaceResourceId: options.workspaceResourceId,
      },
    });
  }

  private constructor(
    /** The manifest form. */
    readonly spec: WorkspaceAuthSpec,
  ) {}
}

/** Props of {@link DatabricksWorkspace}. */
export interface DatabricksWorkspaceProps extends DatabricksObjectProps {
  /** The workspace URL, e.g. `https://adb-1234567890123456.7.azuredatabricks.net`. */
  readonly host: string;
  /** How the controller authenticates. */
  readonly auth: WorkspaceAuth;
  /**
   * Allow a plain `http://` host, which sends the credentials unencrypted: only for a local stand-in of a
   * workspace (tests, demos). The controller records a Warning Event when it is used.
   *
   * @default false
   */
  readonly insecureHttp?: boolean;
  /**
   * The most requests per second the controller sends to this workspace, 1-1000.
   *
   * @default 15
   */
  readonly rateLimit?: number;
}

/**
 * A connection to a Databricks workspace (host and credentials). Every other construct names one with its
 * `workspace` prop, which synthesizes `spec.workspaceRef`.
 *
 * @example
 * const workspace = new DatabricksWorkspace(chart, 'prod', {
 *   host: 'https://adb-1234567890123456.7.azuredatabricks.net',
 *   auth: WorkspaceAuth.token({ name: 'databricks-token', key: 'token' }),
 * });
 */
export class DatabricksWorkspace
  extends DatabricksApiObject<DatabricksWorkspaceSpec>
  implements IDatabricksWorkspace
{
  declare readonly kind: 'DatabricksWorkspace';

  /** A workspace defined elsewhere (another app or `kubectl`), by the name of its `DatabricksWorkspace`. */
  static fromName(name: string): IDatabricksWorkspace {
    return { kind: 'DatabricksWorkspace', name };
  }

  /** The workspace URL. */
  readonly host: string;
  /** How the controller authenticates. */
  readonly auth: WorkspaceAuth;
  /** The request rate limit, if one was set. */
  readonly rateLimit?: number;
  /** Whether a plain `http://` host is allowed. */
  readonly insecureHttp: boolean;

  constructor(scope: Construct, id: string, props: DatabricksWorkspaceProps) {
    super(scope, id, 'DatabricksWorkspace', props);
    this.host = props.host;
    this.auth = props.auth;
    this.rateLimit = props.rateLimit;
    this.insecureHttp = props.insecureHttp ?? false;
    this.node.addValidation({ validate: () => this.problems() });
  }

  private problems(): string[] {
    const problems: string[] = [];
    // Never repeat a password from the host in a synth error (CI logs keep them).
    const shown = this.host.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#\s]*@/i, '$1[REDACTED]@');
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*@/i.test(this.host)) {
      problems.push(
        `host "${shown}" contains user:password@ (or a user name); remove it and keep the credentials in the Secret that auth names`,
      );
    } else if (/^http:\/\//.test(this.host)) {
      if (!this.insecureHttp) {
        problems.push(
          `host "${shown}" uses plain http, which sends the credentials unencrypted; use the https URL of the workspace, ` +
            `or set insecureHttp: true for a local test workspace`,
        );
      } else if (!/^http:\/\/[^/\s]+\/?$/.test(this.host)) {
        problems.push(
          `host "${shown}" is not a URL; give scheme and host without a path, e.g. "http://127.0.0.1:8080"`,
        );
      }
    } else if (!/^https:\/\/[^/\s]+\/?$/.test(this.host)) {
      problems.push(
        `host "${shown}" is not a workspace URL; give the https URL of the workspace without a path, ` +
          `e.g. "https://adb-1234567890123456.7.azuredatabricks.net"`,
      );
    }
    const rateLimit = this.rateLimit;
    if (rateLimit !== undefined && !(Number.isInteger(rateLimit) && rateLimit >= 1 && rateLimit <= 1000)) {
      problems.push(
        `rateLimit ${rateLimit} must be a whole number of requests per second from 1 to 1000, e.g. 15`,
      );
    }
    return problems;
  }

  protected renderSpec(): DatabricksWorkspaceSpec {
    return {
      host: this.host.replace(/\/$/, ''),
      ...(this.insecureHttp ? { insecureHttp: true } : {}),
      auth: this.auth.spec,
      rateLimit: this.rateLimit,
    };
  }
}
