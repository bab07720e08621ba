/**
 * Test bed for the client: a fake workspace and a client pointed at it with short retry waits, so retry
 * tests finish in well under a second unless they exercise a real `Retry-After`.
 */
import { Registry } from 'prom-client';
import { registerApiMetrics } from '../../../controller/databricks/api-metrics.js';
import { DatabricksClient, type DatabricksClientOptions } from '../../../controller/databricks/client.js';
import { PersonalAccessToken } from '../../../controller/databricks/auth/token.js';
import {
  startFakeWorkspace,
  type FakeWorkspace,
  type FakeWorkspaceOptions,
} from '../../fake-databricks/index.js';

export interface ClientBed {
  readonly fake: FakeWorkspace;
  readonly client: DatabricksClient;
  readonly registry: Registry;
  close(): Promise<void>;
}

export const fastRetries = {
  initialBackoffMs: 20,
  maxBackoffMs: 100,
  jitterMs: [0, 10] as const,
  budgetMs: 10_000,
};

export async function startClientBed(
  fakeOptions: FakeWorkspaceOptions = {},
  clientOptions: Partial<DatabricksClientOptions> = {},
): Promise<ClientBed> {
  const fake = await startFakeWorkspace({ rateLimits: false, ...fakeOptions });
  const registry = new Registry();
  const client = new DatabricksClient({
    host: fake.url,
    auth: new PersonalAccessToken(fake.token),
    rateLimit: 1000,
    metrics: registerApiMetrics(registry),
    retry: fastRetries,
    ...clientOptions,
  });
  return {
    fake,
    client,
    registry,
    close: async () => {
      client.close();
      await fake.close();
    },
  };
}

/** Waits until `condition` holds, polling; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
