/** What the DatabricksDbfsFile and DatabricksNotebook integration tests share: sources, hashes, waits. */
import { createHash } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeObject, ResourceType } from '../../../../controller/runtime/kube-client.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import type { OperatorTestBed } from '../../operator-test-bed.js';

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function core(bed: OperatorTestBed): CoreV1Api {
  return bed.kube.config.makeApiClient(CoreV1Api);
}

/** Creates or replaces a ConfigMap in the test namespace (`binaryData` given as raw bytes). */
export async function putConfigMap(
  bed: OperatorTestBed,
  name: string,
  content: { data?: Record<string, string>; binaryData?: Record<string, Buffer> },
): Promise<void> {
  const body = {
    metadata: { name },
    ...(content.data ? { data: content.data } : {}),
    ...(content.binaryData
      ? {
          binaryData: Object.fromEntries(
            Object.entries(content.binaryData).map(([key, bytes]) => [key, bytes.toString('base64')]),
          ),
        }
      : {}),
  };
  const api = core(bed);
  const existing = await bed.kube.readConfigMap(bed.namespace, name);
  if (existing) await api.replaceNamespacedConfigMap({ namespace: bed.namespace, name, body });
  else await api.createNamespacedConfigMap({ namespace: bed.namespace, body });
}

export async function createSecret(
  bed: OperatorTestBed,
  name: string,
  stringData: Record<string, string>,
): Promise<void> {
  await core(bed).createNamespacedSecret({
    namespace: bed.namespace,
    body: { metadata: { name }, stringData },
  });
}

/** `reason: message` of every Event about `name`. */
export async function eventsAbout(bed: OperatorTestBed, name: string): Promise<string[]> {
  const { items } = await bed.kube.events.listNamespacedEvent({ namespace: bed.namespace });
  return items
    .filter((event) => event.regarding?.name === name)
    .map((event) => `${event.reason ?? ''}: ${event.note ?? ''}`);
}

/** Waits until an Event about `name` matches `pattern` (events are recorded just after the change). */
export function waitForEvent(bed: OperatorTestBed, name: string, pattern: RegExp): Promise<string> {
  return pollUntil(`an Event about ${name} matching ${String(pattern)}`, async () =>
    (await eventsAbout(bed, name)).find((event) => pattern.test(event)),
  );
}

/** Waits until the object's status satisfies `check`, and returns the object. */
export function waitForStatus<T extends KubeObject & { status?: object }>(
  bed: OperatorTestBed,
  resource: ResourceType,
  name: string,
  description: string,
  check: (status: NonNullable<T['status']>) => boolean,
): Promise<T> {
  return pollUntil(`${resource.plural} ${name}: ${description}`, async () => {
    const object = await bed.get<T>(resource, name);
    return object?.status && check(object.status as NonNullable<T['status']>) ? object : undefined;
  });
}

/**
 * Waits until `endpoint` was called `more` further times (the resyncs that look at the object), so a
 * test can assert what did not happen across them.
 */
export async function waitForCalls(bed: OperatorTestBed, endpoint: string, more: number): Promise<void> {
  const target = bed.fake.requestCount(endpoint) + more;
  await pollUntil(`${more} more ${endpoint} calls`, async () =>
    bed.fake.requestCount(endpoint) >= target ? true : undefined,
  );
}
