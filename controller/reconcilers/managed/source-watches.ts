/**
 * Wakes an object when a Secret or ConfigMap it reads changes: a rotated Git token, an edited secret
 * scope value, a new version of a notebook's source. A kind declares what it reads in a line
 * (`watches: [secretWatch((object) => [names])]`); the builder indexes its objects by the
 * `namespace/name` of each, and a change of one (added, deleted, or a new resourceVersion: never a
 * resync) queues the objects that index it.
 *
 * Only the wake comes from here. The informers behind it hold metadata (no value ever enters the
 * controller's cache); the reconcile reads the Secret or ConfigMap itself, as it always did, and the
 * hash each kind keeps in status decides whether Databricks needs a write at all. A Secret whose labels
 * changed, or that was rewritten with the same value, wakes its readers for nothing more than a hash
 * comparison.
 */
import type { KubeObject } from '../../runtime/kube-client.js';
import { keysReferencing } from '../../runtime/controller.js';
import type { ContentSource } from '../content/content-source.js';
import type { ReferencedInformers } from './kind-informers.js';
import type { KindWatch } from './managed-kind.js';

/** The index of objects by the Secrets they read (`namespace/name`). */
export const SECRET_SOURCE_INDEX = 'secret-source';
/** The index of objects by the ConfigMaps they read (`namespace/name`). */
export const CONFIG_MAP_SOURCE_INDEX = 'configmap-source';

/** A new resourceVersion: the object was written. */
export function resourceVersionChanged(previous: KubeObject, current: KubeObject): boolean {
  return previous.metadata.resourceVersion !== current.metadata.resourceVersion;
}

/**
 * Wakes an object of the kind when a Secret it reads changes; `namesOf` lists the names of the Secrets
 * it reads, in its own namespace.
 */
export function secretWatch<T extends KubeObject>(namesOf: (object: T) => readonly string[]): KindWatch<T> {
  return sourceWatch(SECRET_SOURCE_INDEX, 'Secret', namesOf);
}

/**
 * Wakes an object of the kind when a ConfigMap it reads changes; `namesOf` lists the names of the
 * ConfigMaps it reads, in its own namespace.
 */
export function configMapWatch<T extends KubeObject>(
  namesOf: (object: T) => readonly string[],
): KindWatch<T> {
  return sourceWatch(CONFIG_MAP_SOURCE_INDEX, 'ConfigMap', namesOf);
}

/** The watches of a notebook's or DBFS file's content: its ConfigMap or its Secret, whichever it names. */
export function contentWatches<T extends KubeObject>(
  sourceOf: (object: T) => ContentSource | undefined,
): KindWatch<T>[] {
  return [
    configMapWatch((object: T) => namesOf(sourceOf(object)?.configMapKeyRef)),
    secretWatch((object: T) => namesOf(sourceOf(object)?.secretKeyRef)),
  ];
}

/** The keys of the sources `names` in the namespace of `object`. */
export function sourceKeys(object: KubeObject, names: readonly string[]): string[] {
  const namespace = object.metadata.namespace ?? '';
  return [...new Set(names)].map((name) => `${namespace}/${name}`);
}

function namesOf(selector: { readonly name: string } | undefined): string[] {
  return selector ? [selector.name] : [];
}

function sourceWatch<T extends KubeObject>(
  name: string,
  source: keyof ReferencedInformers,
  namesOf: (object: T) => readonly string[],
): KindWatch<T> {
  return {
    name,
    indexFunction: (object) => sourceKeys(object, namesOf(object)),
    attach: (controller, dependents, _informers, referenced) =>
      controller.watch(referenced[source], keysReferencing(dependents, name), resourceVersionChanged),
  };
}
