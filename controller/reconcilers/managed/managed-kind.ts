/**
 * One builder for every kind that owns something in Databricks, in the spirit of controller-runtime's
 * `NewControllerManagedBy(mgr).For(kind).Watches(..).Complete(r)`: a kind declares its resource, its
 * `apply` and `cleanup`, the context its reconciles share, its extra indexes and what else it watches;
 * {@link managedController} does the rest, the same way for each kind: the informer, the workspace index
 * and the watch of the workspace's readiness, the controller with its status writer, and the reconcile
 * through {@link reconcileManaged} (finalizer, workspace client, status, Events, error policy).
 */
import type { DatabricksKind } from '../../../lib/crds/index.js';
import type { DatabricksClient } from '../../databricks/index.js';
import {
  keysReferencing,
  type KeyMapper,
  type ReconcileContext,
  type Reconciler,
} from '../../runtime/controller.js';
import type { Informer } from '../../runtime/informer.js';
import type { KubeClient, KubeObject, ResourceType } from '../../runtime/kube-client.js';
import type { IndexFunction } from '../../runtime/object-store.js';
import { done } from '../../runtime/outcome.js';
import { StatusWriter } from '../../runtime/status.js';
import {
  WORKSPACE_INDEX,
  reconcileManaged,
  workspaceKeyOf,
  workspaceReadinessChanged,
  type Applied,
  type Checkpoint,
  type CleanedUp,
  type ManagedContext,
  type ManagedObject,
  type ManagedStatus,
} from './managed.js';
import type { KindInformers, ReferencedInformers } from './kind-informers.js';
import type { KindController, OperatorSetup } from './setup.js';

/** What a kind's {@link ManagedKind.context} is built from: the operator's setup and the kind's own informer. */
export interface KindSetup<T extends KubeObject, Options = unknown> extends OperatorSetup<Options> {
  readonly informer: Informer<T>;
  /** Queues an object of this kind for a reconcile (for wakes from outside the informers, e.g. a poller). */
  readonly enqueue: (key: string) => void;
}

/** The context every managed kind's reconciles get from the builder; a kind's context extends it. */
export type BaseContext = ManagedContext & { readonly kube: KubeClient };

/** A secondary index on the kind's informer. */
export interface KindIndex<T extends KubeObject> {
  readonly name: string;
  readonly indexFunction: IndexFunction<T>;
}

/** What a watch is attached to: the kind's controller (only its `watch`). */
interface Watcher {
  watch<R extends KubeObject>(
    informer: Informer<R>,
    mapToKeys: KeyMapper<R>,
    changed: (previous: R, current: R) => boolean,
  ): unknown;
}

/**
 * Another kind whose changes wake objects of this one: the index (declared with it) maps each object of
 * this kind to the keys of the objects it depends on. Made by {@link watchOf}, or for the Secrets and
 * ConfigMaps an object reads by `secretWatch` and `configMapWatch` (source-watches.ts).
 */
export interface KindWatch<T extends KubeObject> extends KindIndex<T> {
  attach(
    controller: Watcher,
    dependents: Informer<T>,
    informers: KindInformers,
    referenced: ReferencedInformers,
  ): void;
}

/**
 * A watch of the kind `target` picks: a change of one of its objects for which `changed` holds wakes
 * the objects of this kind whose index `name` lists that object's key.
 */
export function watchOf<T extends KubeObject, R extends KubeObject>(
  target: (informers: KindInformers) => Informer<R>,
  name: string,
  indexFunction: IndexFunction<T>,
  changed: (previous: R, current: R) => boolean,
): KindWatch<T> {
  return {
    name,
    indexFunction,
    attach: (controller, dependents, informers) =>
      controller.watch(target(informers), keysReferencing(dependents, name), changed),
  };
}

/**
 * A kind that owns something in Databricks. `C` is the context its reconciles share: the
 * {@link BaseContext} the builder supplies, extended by {@link context}.
 */
export interface ManagedKind<
  T extends ManagedObject<{ workspaceRef: { name: string } }, S>,
  S extends ManagedStatus,
  C extends ManagedContext,
  Options = unknown,
> {
  readonly kind: DatabricksKind;
  readonly resource: ResourceType;
  /** The kind's informer among the operator's (`(informers) => informers.DatabricksJob`). */
  informer(informers: KindInformers): Informer<T>;
  /** What this kind's reconciles share: `base` and the kind's own caches and views; built once. */
  context(setup: KindSetup<T, Options>, base: BaseContext): C;
  /** Makes Databricks match the object (see {@link ManagedActions.apply}). */
  apply(
    object: T,
    client: DatabricksClient,
    context: C & ReconcileContext,
    checkpoint: Checkpoint<S>,
  ): Promise<Applied<S>>;
  /** Honours the deletion policy (see {@link ManagedActions.cleanup}). */
  cleanup(
    object: T,
    connect: () => Promise<DatabricksClient>,
    context: C & ReconcileContext,
  ): Promise<CleanedUp>;
  /** Reports the Databricks object without writing to it, for `managementPolicy: Observe` (see {@link ManagedActions.observe}). */
  observe?(object: T, client: DatabricksClient, context: C & ReconcileContext): Promise<Applied<S>>;
  /**
   * For an object that needs no reconcile at all (a run that has ended): what to keep in its status, if
   * anything, decided before the finalizer or the workspace is looked at; `undefined` to reconcile as
   * usual. The builder writes it: a kind writes no status and records no Event itself.
   */
  settled?(object: T): Settled<S> | undefined;
  /** Indexes besides the workspace index (e.g. a scope's name), for the kind's own lookups. */
  readonly indexes?: readonly KindIndex<T>[];
  /** Kinds besides the workspace whose changes wake this one (e.g. referenced objects). */
  readonly watches?: readonly KindWatch<T>[];
}

/** What a settled object still needs: its status rewritten (e.g. a new `observedGeneration`), or nothing. */
export interface Settled<S extends ManagedStatus> {
  readonly status?: S;
}

/** The reconcile of a managed kind: its `settled` shortcut, else {@link reconcileManaged} with its halves. */
export function managedReconciler<
  T extends ManagedObject<{ workspaceRef: { name: string } }, S>,
  S extends ManagedStatus,
  C extends ManagedContext,
  Options,
>(kind: ManagedKind<T, S, C, Options>): Reconciler<T, C> {
  const observe = kind.observe?.bind(kind);
  return async (object, context) => {
    const settled = kind.settled?.(object);
    if (settled) {
      if (settled.status) await context.status.update<S>(object, settled.status);
      return done;
    }
    return reconcileManaged<T, S>(kind.resource, object, context, {
      apply: (current, client, checkpoint) => kind.apply(current, client, context, checkpoint),
      cleanup: (current, connect) => kind.cleanup(current, connect, context),
      observe: observe && ((current, client) => observe(current, client, context)),
    });
  };
}

/**
 * Registers a managed kind's controller: indexes its informer by workspace (and by whatever it
 * declares), reconciles it with a status writer of its own, and wakes its objects when their
 * workspace's readiness changes and when an object they watch changes.
 */
export function managedController<
  T extends ManagedObject<{ workspaceRef: { name: string } }, S>,
  S extends ManagedStatus,
  C extends ManagedContext,
  Options,
>(kind: ManagedKind<T, S, C, Options>): KindController<Options> {
  return {
    kind: kind.kind,
    register: (setup) => {
      const { manager, informers } = setup;
      const informer = kind.informer(informers);
      // The very function the workspace controller indexes dependents with: an informer takes a second
      // registration of an index only if it is the same function.
      const byWorkspace: IndexFunction<T> = workspaceKeyOf;
      const watches: KindWatch<T>[] = [
        watchOf(
          ({ DatabricksWorkspace }) => DatabricksWorkspace,
          WORKSPACE_INDEX,
          byWorkspace,
          workspaceReadinessChanged,
        ),
        ...(kind.watches ?? []),
      ];
      for (const { name, indexFunction } of [...watches, ...(kind.indexes ?? [])]) {
        informer.addIndex(name, indexFunction);
      }
      const base: BaseContext = {
        ...setup.shared,
        kube: manager.kube,
        status: new StatusWriter(manager.kube, kind.resource),
      };
      const context = kind.context({ ...setup, informer, enqueue: (key) => controller.enqueue(key) }, base);
      const controller = manager.controller<T, C>({
        name: kind.kind.toLowerCase(),
        informer,
        reconcile: managedReconciler(kind),
        workers: setup.config.workers,
        context,
      });
      for (const watch of watches) watch.attach(controller, informer, informers, setup.referenced);
    },
  };
}
