import http from 'node:http';
import https from 'node:https';
import {
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type RequestContext,
  type SecurityAuthentication,
} from '@kubernetes/client-node';

/**
 * One keep-alive agent for all of a {@link KubeClient}'s requests to the API server.
 *
 * client-node 1.x builds a new `https.Agent` for every request, so every call opened a new TLS
 * connection: a handshake with the client certificate on both ends (milliseconds of CPU each, far more
 * on a busy machine) and a new native TLS context, which made the controller's RSS grow with its call
 * rate (10,000 objects reconciled once: 337 MiB). The shared agent carries the TLS settings client-node
 * would have used (CA, client certificate, `skipTLSVerify`, `tlsServerName`); credentials sent as
 * headers (tokens, exec plugins) are still applied to each request by the kubeconfig. A client
 * certificate is read once: a process that must follow a rotated certificate file builds a new client.
 * With a proxy in the kubeconfig, client-node's own agent is kept.
 */
export class KubeConnections {
  private agent: Promise<http.Agent | undefined> | undefined;

  constructor(private readonly config: KubeConfig) {}

  /** The shared agent, or undefined where client-node's own must be used (a proxy). */
  sharedAgent(): Promise<http.Agent | undefined> {
    this.agent ??= this.buildAgent();
    return this.agent;
  }

  /** What `KubeConfig.makeApiClient` builds, with the shared agent on every request. */
  apiConfiguration(): Configuration {
    const cluster = this.config.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster: set its current-context');
    const authentication: SecurityAuthentication = {
      getName: () => 'kubeconfig with a keep-alive agent',
      applySecurityAuthentication: async (context: RequestContext) => {
        await this.config.applySecurityAuthentication(context);
        const agent = await this.sharedAgent();
        if (agent) context.setAgent(agent);
      },
    };
    return createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: authentication },
    });
  }

  private async buildAgent(): Promise<http.Agent | undefined> {
    const cluster = this.config.getCurrentCluster();
    if (!cluster || cluster.proxyUrl) return undefined;
    if (cluster.server.startsWith('http:')) return new http.Agent({ keepAlive: true });
    const options: https.RequestOptions = {};
    await this.config.applyToHTTPSOptions(options);
    const tls = Object.fromEntries(
      (['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const)
        .filter((name) => options[name] !== undefined)
        .map((name) => [name, options[name]]),
    );
    return new https.Agent({ ...tls, keepAlive: true });
  }
}
