/**
 * The whole operator in one process: a Manager, one informer per kind (shared, so a kind can resolve
 * references to another from its cache), one Databricks client per workspace, and each kind's
 * controller. `main.ts` builds it from flags; tests, the demo and the benchmarks build it in-process.
 */
import type { Registry } from 'prom-client';
import { KINDS, type DatabricksKind } from '../lib/crds/index.js';
import type { WorkspaceCredentialsOptions } from './databricks/index.js';
import { registerClusterController } from './reconcilers/cluster/cluster.js';
import { registerDbfsFileController } from './reconcilers/dbfs-file/dbfs-file.js';
import { registerJobController, type JobTiming } from './reconcilers/job/job.js';
import { kindInformers } from './reconcilers/managed/kind-informers.js';
import type { NotReadyBackoff } from './reconcilers/managed/managed.js';
import type { OperatorSetup } from './reconcilers/managed/setup.js';
import { registerNotebookController } from './reconcilers/notebook/notebook.js';
import { registerRunController } from './reconcilers/run/run.js';
import { registerSecretScopeController } from './reconcilers/secret-scope/secret-scope.js';
import { resourceOf } from './reconcilers/managed/resources.js';
import { registerWorkspaceController, type WorkspaceProbeTiming } from './reconcilers/workspace/workspace.js';
import { WorkspaceClients, type SharedClientOptions } from './reconcilers/workspace/workspace-clients.js';
import type { KubeClient, ResourceType } from './runtime/kube-client.js';
import type { Logger } from './runtime/logger.js';
import { Manager } from './runtime/manager.js';
import { registerReadinessMetrics } from './runtime/readiness-metrics.js';
import { RESYNC_JITTER, type RuntimeConfig } from './runtime/runtime-config.js';

/** Options of {@link createOperator}. */
export interface OperatorOptions {
  readonly config: RuntimeConfig;
  readonly kube?: KubeClient;
  readonly logger?: Logger;
  readonly registry?: Registry;
  /** Settings for every workspace's Databricks client (tests shorten retries). */
  readonly clientOptions?: SharedClientOptions;
  readonly credentialsOptions?: WorkspaceCredentialsOptions;
  readonly notReadyBackoff?: NotReadyBackoff;
  readonly workspaceTiming?: WorkspaceProbeTiming;
  /** How often DatabricksJobs with an active run are looked at again (tests shorten it). */
  readonly jobTiming?: Partial<JobTiming>;
  /** Kinds to run controllers for. @default all that have one */
  readonly kinds?: readonly DatabricksKind[];
}

/** The resource of each kind, by kind name. */
export const RESOURCES = Object.fromEntries(KINDS.map((kind) => [kind.kind, resourceOf(kind)])) as Record<
  DatabricksKind,
  ResourceType
>;

/** A kind's controller registration. */
export type RegisterController = (setup: OperatorSetup<OperatorOptions>) => void;

/** Every kind that has a controller, in the order they are registered. */
const CONTROLLERS: Partial<Record<DatabricksKind, RegisterController>> = {
  DatabricksWorkspace: registerWorkspaceController,
  DatabricksJob: registerJobController,
  DatabricksSecretScope: registerSecretScopeController,
  DatabricksRun: registerRunController,
  DatabricksDbfsFile: registerDbfsFileController,
  DatabricksNotebook: registerNotebookController,
  DatabricksCluster: registerClusterController,
};

/** The kinds that have a controller. */
export function controlledKinds(): DatabricksKind[] {
  return Object.keys(CONTROLLERS) as DatabricksKind[];
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
    const register = CONTROLLERS[kind];
    if (!register) throw new Error(`no controller for kind ${kind} yet`);
    register(setup);
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
