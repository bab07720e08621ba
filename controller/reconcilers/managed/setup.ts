/**
 * What a kind's registration gets from the operator. It lives here, beside the reconcilers, so that no
 * reconciler imports `operator.ts` (which imports every kind to register it).
 */
import type { DatabricksKind } from '../../../lib/crds/index.js';
import type { Manager } from '../../runtime/manager.js';
import type { RuntimeConfig } from '../../runtime/runtime-config.js';
import type { KindInformers, ReferencedInformers } from './kind-informers.js';
import type { ManagedContext } from './managed.js';

/**
 * The manager, every kind's informer and the shared context. `Options` is the part of the operator's
 * options a kind reads (its timing, say); a kind that reads none leaves it `unknown`.
 */
export interface OperatorSetup<Options = unknown> {
  readonly manager: Manager;
  readonly config: RuntimeConfig;
  readonly informers: KindInformers;
  /** The Secrets and ConfigMaps objects read, as metadata-only informers (made on first use). */
  readonly referenced: ReferencedInformers;
  /** The context every managed kind's reconciler shares (its own `status` writer is added per kind). */
  readonly shared: Omit<ManagedContext, 'status'>;
  readonly options: Options;
}

/** A kind's entry in the registration list: its name, and how its controller is registered. */
export interface KindController<Options = unknown> {
  readonly kind: DatabricksKind;
  register(setup: OperatorSetup<Options>): void;
}
