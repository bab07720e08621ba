/**
 * The whole operator in one process: a Manager, one informer per kind (shared, so a kind can resolve
 * references to another from its cache), one Databricks client per workspace, and each kind's
 * controller. `main.ts` builds it from flags; tests, the demo and the benchmarks build it in-process.
 */
import type { Registry } from 'prom-client';
import { KINDS, type DatabricksKind } from '../lib/crds/index.js';
import type { WorkspaceCredentialsOptions } from './databricks/index.js';
import { CONTROLLERS, type KindOptions } from './reconcilers/index.js';
import { kindInformers, referencedInformers } from './reconcilers/managed/kind-informers.js';
import type { NotReadyBackoff } from './reconcilers/managed/managed.js';
import type { OperatorSetup } from './reconcilers/managed/setup.js';
import { resourceOf } from './reconcilers/managed/resources.js';
import { WorkspaceClients, type SharedClientOptions } from './reconcilers/workspace/workspace-clients.js';
import type { KubeClient, ResourceType } from './runtime/kube-client.js';
import type { Logger } from './runtime/logger.js';
import { Manager } from './runtime/manager.js';
import { registerReadinessMetrics } from './runtime/readiness-metrics.js';
import { RESYNC_JITTER, type RuntimeConfig } from './runtime/runtime-config.js';

/** Options of {@link createOperator}. */
export interface OperatorOptions extends KindOptions {
  readonly config: RuntimeConfig;
  readonly kube?: KubeClient;
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Settings for every workspace's Databricks client (tests shorten retries). */
  readonly clientOptions?: SharedClientOptions;
  readonly credentialsOptions?: WorkspaceCredentialsOptions;
  readonly notReadyBackoff?: NotReadyBackoff;
  /** Kinds to run controllers for. @default all that have one */
  readonly kinds?: readonly DatabricksKind[];
}

/** The resource of each kind, by kind name. */
export const RESOURCES = Object.fromEntries(KINDS.map((kind) => [kind.kind, resourceOf(kind)])) as Record<
  DatabricksKind,
  ResourceType
>;

/** The kinds that have a controller. */
export function controlledKinds(): DatabricksKind[] {
  return CONTROLLERS.map(({ kind }) => kind);
}

/** A built operator: start it, and stop it (or wait for `manager.done`). */
export interface Operator {
  readonly manager: Manager;
  readonly clients: WorkspaceClients;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Builds the manager with an informer per kind and a controller per kind that has one. */
export function createOperator(options: OperatorOptions): Operator {
  const { config } = options;
  const manager = new Manager({
    kube: options.kube,
    logger: options.logger,
    registry: options.registry,
    metricsAddress: config.metricsAddress,
    leaderElection: config.leaderElection
      ? { namespace: config.leaderElectionNamespace, name: config.leaderElectionId }
      : false,
  });
  const clients = new WorkspaceClients(
    { metrics: manager.registry, ...options.clientOptions },
    options.credentialsOptions,
  );
  const informers = kindInformers(manager, {
    namespaces: config.namespaces,
    resyncPeriodMs: config.resyncPeriodMs,
    resyncJitter: RESYNC_JITTER,
  });
  const setup: OperatorSetup<OperatorOptions> = {
    manager,
    config,
    informers,
    referenced: referencedInformers(manager, { namespaces: config.namespaces }),
    options,
    shared: {
      kube: manager.kube,
      events: manager.events,
      workspaces: informers.DatabricksWorkspace.store,
      clients,
      notReadyBackoff: options.notReadyBackoff,
    },
  };
  registerReadinessMetrics(
    manager.registry,
    KINDS.map(({ kind }) => ({ kind, store: informers[kind].store })),
  );
  const kinds = options.kinds ?? controlledKinds();
  for (const kind of kinds) {
    const controller = CONTROLLERS.find((entry) => entry.kind === kind);
    if (!controller) throw new Error(`no controller for kind ${kind} yet`);
    controller.register(setup);
  }
  return {
    manager,
    clients,
    start: () => manager.start(),
    stop: async () => {
      await manager.stop();
      clients.closeAll();
    },
  };
}
