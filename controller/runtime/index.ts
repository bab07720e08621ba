/**
 * controller/runtime: a small controller-runtime. Reconcilers import from here; each name lives in
 * the file named after its concept.
 *
 * A reconciler is one function of (object, context) to an {@link Outcome}; it never sees the queue:
 *
 * ```ts
 * export const reconcileJob: Reconciler<DatabricksJob, JobContext> = (job, ctx) =>
 *   withFinalizer(ctx.kube, JOBS, job, {
 *     apply: async (current) => {
 *       const jobId = await makeDatabricksMatch(current, ctx); // throws to retry with backoff
 *       await ctx.events.record(current, { type: 'Normal', reason: 'Created', action: 'CreateJob', note: `created job ${jobId}` });
 *       await ctx.status.update(current, { jobId, conditions: setCondition(current.status?.conditions, { type: 'Ready', status: 'True', reason: 'Created', message: '', observedGeneration: current.metadata.generation }) });
 *       return done;
 *     },
 *     cleanup: async (current) => ((await deleteFromDatabricks(current, ctx)) ? done : requeueAfter(5_000)),
 *   });
 *
 * const manager = new Manager({ leaderElection: { namespace: 'databricks-system' } });
 * const jobs = manager.informer<DatabricksJob>({ resource: JOBS, resyncPeriodMs: 600_000 });
 * manager.controller({ name: 'databricksjob', informer: jobs, reconcile: reconcileJob,
 *   context: { kube: manager.kube, status: new StatusWriter(manager.kube, JOBS), events: manager.events } });
 * manager.handleSignals();
 * await manager.start();
 * ```
 */
export * from './conditions.js';
export * from './controller.js';
export * from './events.js';
export * from './finalizer.js';
export * from './informer.js';
export * from './kind-object.js';
export * from './kube-client.js';
export * from './leader-election.js';
export * from './logger.js';
export * from './manager.js';
export * from './merge-patch.js';
export * from './object-store.js';
export * from './outcome.js';
export * from './rate-limiter.js';
export * from './reflector.js';
export * from './runtime-config.js';
export * from './status.js';
export * from './work-queue.js';
