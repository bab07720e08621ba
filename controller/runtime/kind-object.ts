import type { KindDefinition, SpecOf, StatusOf } from '../../lib/crds/index.js';
import type { KubeObject } from './kube-client.js';

/** An object of a custom resource as the informer holds it: metadata, and its spec and status as typed. */
export type KindObject<Spec, Status> = KubeObject & { spec: Spec; status?: Status };

/** An object of the kind `D` defines, with the static types of that kind's spec and status schemas. */
export type ObjectOfKind<D extends KindDefinition> = KindObject<SpecOf<D>, StatusOf<D>>;
