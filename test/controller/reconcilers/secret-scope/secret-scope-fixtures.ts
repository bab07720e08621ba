/** What the DatabricksSecretScope integration tests share: Kubernetes Secrets, and the fake's view of a scope. */
import { createHash } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DatabricksKind } from '../../../../lib/crds/index.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { RESOURCES, type OperatorTestBed } from '../../operator-test-bed.js';

export const SCOPES = RESOURCES.DatabricksSecretScope;

/** Only the controllers these tests need, so other kinds' work does not slow them. */
export const SCOPE_KINDS: readonly DatabricksKind[] = ['DatabricksWorkspace', 'DatabricksSecretScope'];

const core = testKubeConfig().makeApiClient(CoreV1Api);

/** Creates or replaces the Secret `name` in the test namespace with `data` (plain text). */
export async function putKubeSecret(
  bed: OperatorTestBed,
  name: string,
  data: Record<string, string>,
): Promise<void> {
  const body = { metadata: { name }, stringData: data };
  try {
    await core.createNamespacedSecret({ namespace: bed.namespace, body });
  } catch {
    await core.replaceNamespacedSecret({ namespace: bed.namespace, name, body });
  }
}

/** The Events recorded in the test namespace, as `reason: message`. */
export async function namespaceEvents(bed: OperatorTestBed): Promise<string[]> {
  const events = await core.listNamespacedEvent({ namespace: bed.namespace });
  return events.items.map((event) => `${event.reason}: ${event.message}`);
}

/** A scope as the fake holds it: SHA-256 of each value (never the value) and the ACLs. */
export interface FakeScope {
  readonly name: string;
  readonly backend_type: string;
  readonly secrets: Record<string, string>;
  readonly acls: Record<string, string>;
}

/** The scope `name` in the fake workspace, or undefined. */
export function fakeScope(bed: OperatorTestBed, name: string): FakeScope | undefined {
  const scopes = bed.fake.snapshot().secrets as {
    name: string;
    backend_type: string;
    secrets: { key: string; value_sha256: string }[];
    acls: Record<string, string>;
  }[];
  const scope = scopes.find((candidate) => candidate.name === name);
  return (
    scope && {
      name: scope.name,
      backend_type: scope.backend_type,
      secrets: Object.fromEntries(scope.secrets.map((secret) => [secret.key, secret.value_sha256])),
      acls: scope.acls,
    }
  );
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
