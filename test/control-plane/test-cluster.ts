/**
 * What integration tests use to reach the cluster the Jest global setup provided (the local control
 * plane, or the one KUBECONFIG names), and to give every test its own namespace.
 */
import { randomBytes } from 'node:crypto';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';

/** Label on every namespace a test creates, so leftovers on a shared cluster are easy to find. */
export const TEST_NAMESPACE_LABEL = 'cdk8s-databricks.dev/test-namespace';

/** Kubeconfig of the test cluster, as admin. Throws when run outside the `integration` project. */
export function testKubeConfig(): KubeConfig {
  const path = process.env.KUBECONFIG;
  if (!path) {
    throw new Error(
      'KUBECONFIG is not set: integration tests get it from the Jest global setup. Run them with ' +
        '`--selectProjects integration` (or `npm test`), not on their own.',
    );
  }
  const config = new KubeConfig();
  config.loadFromFile(path);
  return config;
}

/** A name unique enough for one test: `prefix-` and 8 hex characters. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Creates a labelled namespace with a unique name and returns the name. */
export async function createTestNamespace(prefix = 'test'): Promise<string> {
  const name = uniqueName(prefix);
  await testKubeConfig()
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
  return name;
}

/**
 * Deletes a test namespace. On the local control plane (no kube-controller-manager, as with
 * envtest) it stays Terminating and its objects are not garbage-collected; names are unique, so
 * later tests are not affected.
 */
export async function deleteTestNamespace(name: string): Promise<void> {
  try {
    await testKubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name });
  } catch (error) {
    if (!(error instanceof ApiException && error.code === 404)) throw error;
  }
}

/**
 * Gives each test in the enclosing `describe` a fresh namespace: created before each test, deleted
 * after it. Read `.name` inside the test.
 */
export function useTestNamespace(prefix = 'test'): { readonly name: string } {
  let current: string | undefined;
  beforeEach(async () => {
    current = await createTestNamespace(prefix);
  });
  afterEach(async () => {
    if (current) await deleteTestNamespace(current);
    current = undefined;
  });
  return {
    get name(): string {
      if (!current) throw new Error('useTestNamespace().name is only available inside a test');
      return current;
    },
  };
}
