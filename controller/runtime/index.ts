/**
 * controller/runtime: a small controller-runtime. Reconcilers import from here; each name lives in
 * the file named after its concept.
 */
export * from './conditions.js';
export * from './controller.js';
export * from './events.js';
export * from './finalizer.js';
export * from './informer.js';
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
