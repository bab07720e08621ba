/**
 * Builds the credentials provider a `DatabricksWorkspace` asks for. The reconciler reads the Secret keys
 * (it owns Kubernetes access); this decides which provider they become and checks the spec names exactly
 * one method, with errors that say which field to fix.
 */
import type { DatabricksWorkspaceSpec, SecretKeySelector } from '../../../lib/crds/index.js';
import { AzureServicePrincipalCredentials } from './azure-service-principal.js';
import type { CredentialsProvider } from './credentials-provider.js';
import { OAuthM2MCredentials } from './oauth-m2m.js';
import { PersonalAccessToken } from './token.js';

/** `spec.auth` does not name exactly one method; the message names the field. */
export class InvalidAuthSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAuthSpecError';
  }
}

export interface WorkspaceCredentialsOptions {
  /** Where Azure AD tokens come from; tests point it at a local identity provider. */
  readonly azureAuthorityHost?: string;
}

/**
 * The provider for `spec.auth`. `readSecret` returns the value of a Secret key (and throws, naming the
 * Secret and key, when it is missing).
 */
export async function credentialsForWorkspace(
  spec: Pick<DatabricksWorkspaceSpec, 'host' | 'auth'>,
  readSecret: (ref: SecretKeySelector) => Promise<string>,
  options: WorkspaceCredentialsOptions = {},
): Promise<CredentialsProvider> {
  const { token, oauthM2M, azureServicePrincipal } = spec.auth;
  const chosen = [
    token && 'token',
    oauthM2M && 'oauthM2M',
    azureServicePrincipal && 'azureServicePrincipal',
  ].filter((name): name is string => typeof name === 'string');
  if (chosen.length !== 1) {
    throw new InvalidAuthSpecError(
      `spec.auth must set exactly one of token, oauthM2M, azureServicePrincipal; it sets ${chosen.length === 0 ? 'none' : chosen.join(' and ')}`,
    );
  }
  if (token) return new PersonalAccessToken(await readSecret(token.secretKeyRef));
  if (oauthM2M) {
    return new OAuthM2MCredentials({
      host: spec.host,
      clientId: oauthM2M.clientId,
      clientSecret: await readSecret(oauthM2M.clientSecret.secretKeyRef),
    });
  }
  const azure = azureServicePrincipal as NonNullable<typeof azureServicePrincipal>;
  return new AzureServicePrincipalCredentials({
    tenantId: azure.tenantId,
    clientId: azure.clientId,
    clientSecret: await readSecret(azure.clientSecret.secretKeyRef),
    workspaceResourceId: azure.workspaceResourceId,
    authorityHost: options.azureAuthorityHost,
  });
}
