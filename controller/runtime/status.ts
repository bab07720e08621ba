import type { KubeClient, KubeObject, ResourceType } from './kube-client.js';
import { mergePatchBetween } from './merge-patch.js';

/** An object with a `status` the controller owns. */
export type ObjectWithStatus<S> = KubeObject & { status?: S };

/**
 * Writes `status` through the status subresource with a merge patch, and only when it differs from what
 * the object already has: an unchanged status costs no API call and no watch event, so a reconcile
 * that changes nothing does not wake the controller again.
 */
export class StatusWriter {
  /** How many patches were sent (for tests and debugging). */
  writes = 0;

  constructor(
    private readonly kube: Pick<KubeClient, 'patchCustomObjectStatus'>,
    private readonly resource: ResourceType,
  ) {}

  /**
   * Makes `object.status` equal `desired` (fields absent from `desired` are removed). Returns whether a
   * write was needed. Build `desired` from the object's current status (e.g. with `setCondition`) so
   * unchanged conditions keep their transition times.
   */
  async update<S extends object>(object: ObjectWithStatus<S>, desired: S): Promise<boolean> {
    const patch = mergePatchBetween(object.status ?? {}, desired);
    if (patch === undefined) return false;
    const { namespace = '', name } = object.metadata;
    await this.kube.patchCustomObjectStatus(this.resource, namespace, name, { status: patch });
    this.writes++;
    return true;
  }
}
