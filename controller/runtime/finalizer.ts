import { done, type Outcome } from './outcome.js';
import type { JsonPatchOperation, KubeClient, KubeObject, ResourceType } from './kube-client.js';

/** The finalizer this operator puts on every object that owns something in Databricks. */
export const DATABRICKS_FINALIZER = 'databricks.operator.dev/finalizer';

/** What "make it so" and "clean up" mean for one kind; {@link withFinalizer} decides which runs. */
export interface FinalizerActions<T extends KubeObject> {
  /** Makes the outside world match `object`. Runs only once the finalizer is in place. */
  apply(object: T): Promise<Outcome>;
  /**
   * Removes (or releases) what `object` owns outside the cluster. Return `done` only when that is
   * confirmed: the finalizer is removed then, and not before. Any other outcome keeps the object.
   */
  cleanup(object: T): Promise<Outcome>;
}

/**
 * kube-rs's finalizer dance, written once:
 * - object alive, no finalizer: add it (JSON patch guarded by a resourceVersion test, so a stale copy
 *   cannot overwrite finalizers someone else added meanwhile), then `apply`;
 * - object alive with the finalizer: `apply`;
 * - object being deleted with the finalizer: `cleanup`, and when it returns `done`, remove exactly our
 *   entry (guarded by a test that the entry is still at that index);
 * - object being deleted without our finalizer: nothing left to do.
 */
export async function withFinalizer<T extends KubeObject>(
  kube: Pick<KubeClient, 'patchCustomObject'>,
  resource: ResourceType,
  object: T,
  actions: FinalizerActions<T>,
  finalizer: string = DATABRICKS_FINALIZER,
): Promise<Outcome> {
  const { namespace = '', name, finalizers = [], deletionTimestamp, resourceVersion } = object.metadata;
  const index = finalizers.indexOf(finalizer);

  if (deletionTimestamp) {
    if (index < 0) return done;
    const outcome = await actions.cleanup(object);
    if ((outcome.requeueAfterMs ?? 0) > 0) return outcome;
    const remove: JsonPatchOperation[] = [
      { op: 'test', path: `/metadata/finalizers/${index}`, value: finalizer },
      { op: 'remove', path: `/metadata/finalizers/${index}` },
    ];
    await kube.patchCustomObject(resource, namespace, name, remove);
    return outcome;
  }

  if (index >= 0) return actions.apply(object);
  const add: JsonPatchOperation[] = [
    { op: 'test', path: '/metadata/resourceVersion', value: resourceVersion },
    { op: 'add', path: '/metadata/finalizers', value: [...finalizers, finalizer] },
  ];
  const patched = await kube.patchCustomObject<T>(resource, namespace, name, add);
  return actions.apply(patched);
}
