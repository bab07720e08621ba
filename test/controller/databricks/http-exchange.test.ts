import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { DatabricksClient } from '../../../controller/databricks/client.js';
import { PersonalAccessToken } from '../../../controller/databricks/auth/token.js';
import type { CredentialsProvider } from '../../../controller/databricks/auth/credentials-provider.js';
import {
  DatabricksApiError,
  DatabricksNetworkError,
  InvalidCredentialError,
} from '../../../controller/databricks/errors.js';
import { httpExchange } from '../../../controller/databricks/http-exchange.js';

/** A scratch server whose answer each test sets; it records what reached it. */
class ScratchServer {
  readonly received: IncomingMessage[] = [];
  answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end('{}');
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<ScratchServer> {
    const handlers: { scratch?: ScratchServer } = {};
    const server = createServer((req, res) => {
      handlers.scratch!.received.push(req);
      handlers.scratch!.answer(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    handlers.scratch = new ScratchServer(
      server,
      `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    );
    return handlers.scratch;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('HTTP on Node’s own http module', () => {
  let server: ScratchServer;
  let client: DatabricksClient;
  beforeEach(async () => {
    server = await ScratchServer.start();
    client = new DatabricksClient({
      host: server.url,
      auth: new PersonalAccessToken('dapi-scratch-token'),
      retry: { budgetMs: 200, initialBackoffMs: 10, maxBackoffMs: 20, jitterMs: [0, 1] },
    });
  });
  afterEach(async () => {
    client.close();
    await server.close();
  });

  it('asks for compressed bodies and reads a gzip answer as the JSON it holds', async () => {
    server.answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(JSON.stringify({ userName: 'someone@example.com' })));
    };
    await expect(client.currentUser.me()).resolves.toEqual({ userName: 'someone@example.com' });
    expect(server.received[0]?.headers['accept-encoding']).toMatch(/gzip/);
  });

  it('does not follow a redirect, which would carry the token elsewhere, and says to check the host', async () => {
    server.answer = (_req, res) => {
      res.writeHead(302, { Location: 'https://login.example.com/sign-in' });
      res.end();
    };
    const error = await client.currentUser.me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatabricksApiError);
    expect((error as DatabricksApiError).status).toBe(302);
    expect((error as Error).message).toContain(
      'redirect to https://login.example.com/sign-in; check that the host is the workspace URL',
    );
    expect(server.received).toHaveLength(1);
  });

  it('refuses a header Node cannot send as InvalidCredentialError naming neither the value nor sending anything', async () => {
    const careless: CredentialsProvider = {
      kind: 'pat',
      // A header name with a space: the credential-value check passes the value, Node refuses the name.
      authHeaders: async () => ({ 'X-Token dapi-secret-part': 'dapi-secret-part' }),
    };
    client.replaceCredentials(careless);
    const error = await client.currentUser.me().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidCredentialError);
    expect((error as Error).message).toContain('scim/me');
    expect((error as Error).message).not.toContain('dapi-secret-part');
    expect(server.received).toHaveLength(0);
  });

  it('ends an attempt whose body never finishes at the timeout, as a network error', async () => {
    const slow = new DatabricksClient({
      host: server.url,
      auth: new PersonalAccessToken('dapi-scratch-token'),
      timeoutMs: 100,
      retry: { budgetMs: 1 },
    });
    server.answer = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"userName": '); // and never the rest
    };
    const error = await slow.currentUser.me().catch((caught: unknown) => caught);
    slow.close();
    expect(error).toBeInstanceOf(DatabricksNetworkError);
    expect((error as DatabricksNetworkError).code).toBe('TIMEOUT');
  });

  it('reports a refused connection with its system code', async () => {
    const url = server.url;
    await server.close();
    await expect(httpExchange(`${url}/x`, { method: 'GET', headers: {} })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    server = await ScratchServer.start();
  });
});
