import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { expectApiFailure } from './api-error.js';
import { pollUntil } from './poll-until.js';
import {
  createTestNamespace,
  deleteTestNamespace,
  testKubeConfig,
  useTestNamespace,
} from './test-cluster.js';

/**
 * A kubeconfig for service account `name` in `namespace`, authenticated by a short-lived token from
 * the TokenRequest API: the way the operator itself will be authorised, and it works the same on
 * the local control plane and on any existing cluster.
 */
async function serviceAccountKubeConfig(
  admin: KubeConfig,
  namespace: string,
  name: string,
): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
  const token = await core.createNamespacedServiceAccountToken({
    namespace,
    name,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const cluster = admin.getCurrentCluster();
  if (!cluster || !token.status?.token)
    throw new Error(`no token was issued for service account ${namespace}/${name}`);
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name, token: token.status.token }],
    contexts: [{ name, cluster: cluster.name, user: name }],
    currentContext: name,
  });
  return config;
}

describe('RBAC on the test cluster', () => {
  const namespace = useTestNamespace('rbac');
  const admin = testKubeConfig();

  it('lets a user bound to a narrow Role do what the Role allows and nothing else', async () => {
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: namespace.name,
      body: {
        metadata: { name: 'configmap-reader' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: namespace.name,
      body: {
        metadata: { name: 'reader-reads-configmaps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'configmap-reader' },
        subjects: [{ kind: 'ServiceAccount', name: 'reader', namespace: namespace.name }],
      },
    });
    await admin.makeApiClient(CoreV1Api).createNamespacedConfigMap({
      namespace: namespace.name,
      body: { metadata: { name: 'settings' }, data: { a: '1' } },
    });
    const reader = (await serviceAccountKubeConfig(admin, namespace.name, 'reader')).makeApiClient(CoreV1Api);

    // Allowed: get and list config maps in the bound namespace. The authorizer reads Roles and bindings
    // through informers of its own, so the grant can take a moment (longer under load) to take effect.
    const settings = await pollUntil('the Role binding to take effect', () =>
      reader.readNamespacedConfigMap({ namespace: namespace.name, name: 'settings' }),
    );
    expect(settings).toMatchObject({ data: { a: '1' } });
    const list = await reader.listNamespacedConfigMap({ namespace: namespace.name });
    expect(list.items.map((item) => item.metadata?.name)).toContain('settings');

    // Denied: another verb, another resource, another namespace.
    const user = `system:serviceaccount:${namespace.name}:reader`;
    const write = await expectApiFailure(() =>
      reader.createNamespacedConfigMap({ namespace: namespace.name, body: { metadata: { name: 'extra' } } }),
    );
    expect(write.code).toBe(403);
    expect(write.message).toContain(`User "${user}" cannot create resource "configmaps"`);

    const secrets = await expectApiFailure(() => reader.listNamespacedSecret({ namespace: namespace.name }));
    expect(secrets.code).toBe(403);
    expect(secrets.message).toContain(`cannot list resource "secrets"`);

    const elsewhere = await createTestNamespace('rbac-other');
    try {
      const other = await expectApiFailure(() => reader.listNamespacedConfigMap({ namespace: elsewhere }));
      expect(other.code).toBe(403);
      expect(other.message).toContain(
        `cannot list resource "configmaps" in API group "" in the namespace "${elsewhere}"`,
      );
    } finally {
      await deleteTestNamespace(elsewhere);
    }
  });

  it('rejects a request without credentials as anonymous', async () => {
    const cluster = admin.getCurrentCluster();
    if (!cluster) throw new Error('the test kubeconfig has no current cluster');
    const anonymous = new KubeConfig();
    anonymous.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'nobody' }],
      contexts: [{ name: 'nobody', cluster: cluster.name, user: 'nobody' }],
      currentContext: 'nobody',
    });
    const failure = await expectApiFailure(() => anonymous.makeApiClient(CoreV1Api).listNamespace());
    expect(failure.code).toBe(403);
    expect(failure.message).toContain('User "system:anonymous" cannot list resource "namespaces"');
  });
});
