/**
 * The builder on its own: what `managedController` registers for a kind declaration (controller,
 * indexes, watches, context) against a recording manager, and what `managedReconciler` calls (the
 * `settled` shortcut, `apply`, `observe`) against an in-memory context. No API server.
 */
import { KINDS } from '../../../../lib/crds/index.js';
import {
  CONFIG_MAPS,
  SECRETS,
  type KindInformers,
  type ReferencedInformers,
} from '../../../../controller/reconcilers/managed/kind-informers.js';
import {
  resourceVersionChanged,
  secretWatch,
} from '../../../../controller/reconcilers/managed/source-watches.js';
import {
  managedController,
  managedReconciler,
  watchOf,
  type BaseContext,
  type KindSetup,
  type ManagedKind,
} from '../../../../controller/reconcilers/managed/managed-kind.js';
import {
  WORKSPACE_INDEX,
  workspaceReadinessChanged,
  type ManagedContext,
  type ManagedObject,
  type ManagedStatus,
} from '../../../../controller/reconcilers/managed/managed.js';
import type { OperatorSetup } from '../../../../controller/reconcilers/managed/setup.js';
import type { DatabricksWorkspace } from '../../../../controller/reconcilers/workspace/workspace.js';
import type { ReconcileContext } from '../../../../controller/runtime/controller.js';
import { Informer } from '../../../../controller/runtime/informer.js';
import type { ListWatchClient } from '../../../../controller/runtime/reflector.js';
import type { KubeObject, ResourceType } from '../../../../controller/runtime/kube-client.js';
import type { Manager } from '../../../../controller/runtime/manager.js';
import { done } from '../../../../controller/runtime/outcome.js';
import { StatusWriter } from '../../../../controller/runtime/status.js';
import { DATABRICKS_FINALIZER } from '../../../../controller/runtime/finalizer.js';
import { inMemoryContext, workspaceObject } from './in-memory-context.js';

const WIDGETS: ResourceType = { group: 'databricks.operator.dev', version: 'v1alpha1', plural: 'widgets' };

interface WidgetSpec {
  workspaceRef: { name: string };
  size: number;
  partnerRef?: { name: string };
  managementPolicy?: 'Manage' | 'Observe';
}
interface WidgetStatus extends ManagedStatus {
  widgetId?: string;
}
type Widget = ManagedObject<WidgetSpec, WidgetStatus>;
interface WidgetContext extends ManagedContext {
  readonly built: number;
  readonly enqueue: (key: string) => void;
}

function widget(name: string, spec: Partial<WidgetSpec> = {}, status?: WidgetStatus): Widget {
  return {
    metadata: {
      namespace: 'team',
      name,
      uid: `${name}-uid`,
      generation: 1,
      resourceVersion: '1',
      finalizers: [DATABRICKS_FINALIZER],
    },
    spec: { workspaceRef: { name: 'ws' }, size: 1, ...spec },
    ...(status ? { status } : {}),
  };
}

/** An informer that is never started: its store and indexes work, nothing is listed or watched. */
function idleInformer<T extends KubeObject>(resource: ResourceType): Informer<T> {
  const neverCalled: ListWatchClient = {
    list: () => Promise.reject(new Error('an idle informer lists nothing')),
    watch: () => Promise.reject(new Error('an idle informer watches nothing')),
  };
  return new Informer<T>(neverCalled, { resource });
}

/** Every kind's informer, idle, with the widgets' stood in for the jobs' (the builder only reads the one the kind picks). */
function informers(widgets: Informer<Widget>): KindInformers {
  const all: Record<string, Informer<KubeObject>> = Object.fromEntries(
    KINDS.map((definition) => [
      definition.kind,
      idleInformer({ group: 'databricks.operator.dev', version: 'v1alpha1', plural: definition.plural }),
    ]),
  );
  // The kind table types each informer by its schema; the widgets are a kind of the test's own.
  return { ...all, DatabricksJob: widgets } as unknown as KindInformers;
}

interface Registered {
  readonly name: string;
  readonly informer: unknown;
  readonly workers: number | undefined;
  readonly context: WidgetContext;
  readonly watches: {
    informer: unknown;
    mapToKeys: (object: KubeObject) => readonly string[];
    changed: unknown;
  }[];
  readonly enqueued: string[];
}

/** The operator's Secret and ConfigMap informers, idle. */
const referenced: ReferencedInformers = {
  Secret: idleInformer(SECRETS),
  ConfigMap: idleInformer(CONFIG_MAPS),
};

/** Registers `kind` with a manager that records the controller it is asked for. */
function register(kind: ManagedKind<Widget, WidgetStatus, WidgetContext>, all: KindInformers) {
  let registered: Registered | undefined;
  const watches: Registered['watches'] = [];
  const enqueued: string[] = [];
  const manager = {
    kube: { name: 'the manager kube client' },
    controller: (options: { name: string; informer: unknown; workers?: number; context: WidgetContext }) => {
      registered = {
        name: options.name,
        informer: options.informer,
        workers: options.workers,
        context: options.context,
        watches,
        enqueued,
      };
      return {
        enqueue: (key: string) => enqueued.push(key),
        watch: (informer: unknown, mapToKeys: Registered['watches'][number]['mapToKeys'], changed: unknown) =>
          watches.push({ informer, mapToKeys, changed }),
      };
    },
  };
  const setup = {
    // A recording stand-in: the builder calls only `kube` and `controller` on it.
    manager: manager as unknown as Manager,
    config: { workers: 3, resyncPeriodMs: 60_000, slowResyncPeriodMs: 600_000 },
    informers: all,
    referenced,
    shared: { shared: 'from the operator' },
    options: {},
  } as unknown as OperatorSetup;
  managedController(kind).register(setup);
  if (!registered) throw new Error('no controller was registered');
  return registered;
}

/** A declaration with one index of its own and one watch of another kind (its partner, a notebook). */
function widgetKind(
  overrides: Partial<ManagedKind<Widget, WidgetStatus, WidgetContext>> = {},
): ManagedKind<Widget, WidgetStatus, WidgetContext> {
  let built = 0;
  return {
    kind: 'DatabricksJob',
    resource: WIDGETS,
    informer: ({ DatabricksJob }) => DatabricksJob as unknown as Informer<Widget>,
    context: (setup: KindSetup<Widget>, base: BaseContext) => ({
      ...base,
      built: ++built,
      enqueue: setup.enqueue,
    }),
    apply: async () => ({ status: { widgetId: 'w-1' }, message: 'widget w-1 is as the spec says' }),
    cleanup: async () => done,
    indexes: [{ name: 'bySize', indexFunction: (object) => [String(object.spec.size)] }],
    watches: [
      watchOf(
        ({ DatabricksNotebook }) => DatabricksNotebook,
        'partners',
        (object: Widget) => (object.spec.partnerRef ? [`team/${object.spec.partnerRef.name}`] : []),
        () => true,
      ),
    ],
    ...overrides,
  };
}

describe('managedController', () => {
  it('registers one controller named after the kind, on its informer, with the operator’s worker count', () => {
    const widgets = idleInformer<Widget>(WIDGETS);
    const registered = register(widgetKind(), informers(widgets));
    expect(registered.name).toBe('databricksjob');
    expect(registered.informer).toBe(widgets);
    expect(registered.workers).toBe(3);
  });

  it('builds the context once, from the shared parts, a status writer and the manager’s client, with an enqueue onto its controller', () => {
    const registered = register(widgetKind(), informers(idleInformer(WIDGETS)));
    const { context } = registered;
    expect(context.built).toBe(1);
    expect(context).toMatchObject({ shared: 'from the operator', kube: { name: 'the manager kube client' } });
    expect(context.status).toBeInstanceOf(StatusWriter);
    context.enqueue('team/a');
    expect(registered.enqueued).toEqual(['team/a']);
  });

  it('indexes the informer by workspace, by each watch and by each index the kind declares', () => {
    const widgets = idleInformer<Widget>(WIDGETS);
    register(widgetKind(), informers(widgets));
    widgets.store.upsert(widget('a', { size: 2, partnerRef: { name: 'nb' } }));
    widgets.store.upsert(widget('b', { size: 2 }));
    widgets.store.upsert(widget('c', { size: 5, workspaceRef: { name: 'other' } }));
    expect(widgets.store.keysByIndex(WORKSPACE_INDEX, 'team/ws').sort()).toEqual(['team/a', 'team/b']);
    expect(widgets.store.keysByIndex('partners', 'team/nb')).toEqual(['team/a']);
    expect(widgets.store.keysByIndex('bySize', '2').sort()).toEqual(['team/a', 'team/b']);
  });

  it('watches the workspace’s readiness first, then each kind the declaration names', () => {
    const widgets = idleInformer<Widget>(WIDGETS);
    const all = informers(widgets);
    const { watches } = register(widgetKind(), all);
    expect(watches.map((watch) => watch.informer)).toEqual([all.DatabricksWorkspace, all.DatabricksNotebook]);
    expect(watches[0].changed).toBe(workspaceReadinessChanged);

    widgets.store.upsert(widget('a', { partnerRef: { name: 'nb' } }));
    widgets.store.upsert(widget('b', { workspaceRef: { name: 'other' } }));
    const workspace: DatabricksWorkspace = workspaceObject();
    expect(watches[0].mapToKeys(workspace)).toEqual(['team/a']);
    expect(watches[1].mapToKeys({ metadata: { namespace: 'team', name: 'nb' } })).toEqual(['team/a']);
    expect(watches[1].mapToKeys({ metadata: { namespace: 'team', name: 'unrelated' } })).toEqual([]);
  });

  it('watches the operator’s Secrets for a kind that declares the Secrets it reads, waking on a new resourceVersion', () => {
    const widgets = idleInformer<Widget>(WIDGETS);
    const { watches } = register(
      widgetKind({ watches: [secretWatch<Widget>((object) => [`${object.metadata.name}-token`])] }),
      informers(widgets),
    );
    expect(watches.map((watch) => watch.informer)).toEqual([expect.anything(), referenced.Secret]);
    expect(watches[1].changed).toBe(resourceVersionChanged);
    widgets.store.upsert(widget('a'));
    widgets.store.upsert(widget('b'));
    expect(watches[1].mapToKeys({ metadata: { namespace: 'team', name: 'a-token' } })).toEqual(['team/a']);
  });

  it('registers a kind that declares no indexes or watches with the workspace watch alone', () => {
    const { watches } = register(
      widgetKind({ indexes: undefined, watches: undefined }),
      informers(idleInformer(WIDGETS)),
    );
    expect(watches).toHaveLength(1);
  });
});

describe('managedReconciler', () => {
  async function contextFor(object: Widget): Promise<{
    context: WidgetContext & ReconcileContext;
    journal: string[];
  }> {
    const bed = await inMemoryContext(WIDGETS, () => object);
    return { context: { ...bed.context, built: 1, enqueue: () => undefined }, journal: bed.journal };
  }

  it('answers a settled object without a reconcile, writing only the status it asks for', async () => {
    const calls: string[] = [];
    const kind = widgetKind({
      settled: (object) => {
        if (object.metadata.name === 'ended') return { status: { widgetId: 'w-1', observedGeneration: 2 } };
        return object.metadata.name === 'quiet' ? {} : undefined;
      },
      apply: async () => {
        calls.push('apply');
        return { status: {}, message: 'applied' };
      },
    });
    const ended = widget('ended');
    const bed = await contextFor(ended);
    await expect(managedReconciler(kind)(ended, bed.context)).resolves.toEqual(done);
    expect(bed.journal).toEqual(['status {"widgetId":"w-1","observedGeneration":2}']);

    const quiet = widget('quiet');
    const quietBed = await contextFor(quiet);
    await expect(managedReconciler(kind)(quiet, quietBed.context)).resolves.toEqual(done);
    // No finalizer, no workspace, no status: nothing left the process.
    expect(quietBed.journal).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('applies with the kind’s context and a checkpoint, and writes what apply returns', async () => {
    const seen: unknown[] = [];
    const kind = widgetKind({
      settled: () => undefined,
      apply: async (_object, _client, context, checkpoint) => {
        seen.push(context.built);
        await checkpoint({ widgetId: 'w-7' });
        return { status: { widgetId: 'w-7' }, message: 'widget w-7 is as the spec says' };
      },
    });
    const object = widget('fresh');
    const { context, journal } = await contextFor(object);
    await managedReconciler(kind)(object, context);
    expect(seen).toEqual([1]);
    expect(journal[0]).toBe('status {"widgetId":"w-7"}');
    // The result's status went out with the checkpoint already; the last write adds Ready.
    expect(journal.at(-1)).toMatch(
      /^status .*"reason":"Reconciled","message":"widget w-7 is as the spec says"/,
    );
  });

  it('observes instead of applying under managementPolicy Observe, and applies when the kind has no observe', async () => {
    const calls: string[] = [];
    const kind = widgetKind({
      apply: async () => {
        calls.push('apply');
        return { status: {}, message: 'applied' };
      },
      observe: async () => {
        calls.push('observe');
        return { status: { widgetId: 'w-9' }, message: 'observed', reason: 'Observed' };
      },
    });
    const observed = widget('watched', { managementPolicy: 'Observe' });
    await managedReconciler(kind)(observed, (await contextFor(observed)).context);
    expect(calls).toEqual(['observe']);

    const managed = widget('managed');
    await managedReconciler(kind)(managed, (await contextFor(managed)).context);
    expect(calls).toEqual(['observe', 'apply']);
  });
});
