/**
 * What to do with a DatabricksSqlWarehouse's warehouse once it is found, decided without any I/O: first
 * its settings (leave, or edit), then its state (Ready, wait, report a failure, start, stop).
 *
 * `sql/warehouses/{id}/edit` changes the fields it carries and keeps the others, and restarts a RUNNING
 * warehouse; a STOPPED one takes the settings on its next start. So only the fields `spec.settings` sets
 * are compared, and an edit sends them all.
 */
import { settingsEdit, type SettingsEdit } from '../managed/decision.js';
import type { Warehouse, WarehouseSettings } from '../../databricks/index.js';
import {
  WarehouseSettings as WarehouseSettingsSchema,
  type DesiredWarehouseState,
} from '../../../lib/crds/index.js';
import { warehouseDriftRules } from '../../drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../drift/settings-diff.js';

const warehouseDiff = new SettingsDiff(WarehouseSettingsSchema as SettableFieldsSchema, warehouseDriftRules);

/** The field paths where `remote` differs from `desired`, comparing only the fields `desired` sets. */
export function warehouseSettingsDifferences(desired: WarehouseSettings, remote: Warehouse): string[] {
  // Object.keys types its answer as string[]; these are the keys of desired, which remote shares.
  const fields = Object.keys(desired) as (keyof WarehouseSettings)[];
  const compared = Object.fromEntries(fields.map((field) => [field, remote[field]]));
  return warehouseDiff.differences(desired, compared).map((difference) => difference.path);
}

/** What to do with the warehouse's settings. */
export type WarehouseSettingsDecision = SettingsEdit;

/** Edit when a field the spec sets differs; no write when everything matches, whatever the hashes say. */
export function decideWarehouseSettings(facts: {
  readonly desired: WarehouseSettings;
  readonly desiredHash: string;
  readonly appliedHash?: string;
  readonly observed: Warehouse;
}): WarehouseSettingsDecision {
  return settingsEdit(warehouseSettingsDifferences(facts.desired, facts.observed), facts);
}

/** What to do about the warehouse's state, after its settings. */
export type WarehouseStateDecision =
  /** As `spec.state` asks: `Running`, `Stopped`, or `Idle` (stopped itself after auto_stop_mins; left so). */
  | { readonly step: 'ready'; readonly reason: 'Running' | 'Stopped' | 'Idle' }
  /** Moving on its own: look again soon. */
  | { readonly step: 'wait'; readonly until: 'RUNNING' | 'STOPPED' }
  /** It failed to start: say so (`WarehouseError`) and try again after the backoff. */
  | { readonly step: 'failed' }
  | { readonly step: 'start' }
  | { readonly step: 'stop' };

/** What the state decision looks at. */
export interface WarehouseStateFacts {
  readonly wanted: DesiredWarehouseState;
  /** The state now. */
  readonly state: string;
  /** `health.status`: FAILED after a start that failed. */
  readonly health?: string;
  /** `auto_stop_mins` as Databricks has it: 0 never stops on its own. */
  readonly autoStopMins: number;
  /**
   * Whether this object already saw the warehouse running (or idle) for the current spec: a warehouse that
   * stopped since then, with auto-stop on, stopped itself while idle, and a query starts it again.
   */
  readonly ranForThisSpec: boolean;
  /** Whether status already reports `WarehouseError` in this state: the backoff has been waited out. */
  readonly failureReported: boolean;
}

/** Reach the state `spec.state` asks for, one step at a time. */
export function decideWarehouseState(facts: WarehouseStateFacts): WarehouseStateDecision {
  const { wanted, state } = facts;
  if (wanted === 'Stopped') {
    if (state === 'STOPPED') return { step: 'ready', reason: 'Stopped' };
    if (state === 'STOPPING') return { step: 'wait', until: 'STOPPED' };
    return { step: 'stop' };
  }
  if (state === 'RUNNING') return { step: 'ready', reason: 'Running' };
  if (state === 'STARTING') return { step: 'wait', until: 'RUNNING' };
  if (state === 'STOPPING') return { step: 'wait', until: 'STOPPED' };
  if (facts.health === 'FAILED') return facts.failureReported ? { step: 'start' } : { step: 'failed' };
  if (facts.autoStopMins > 0 && facts.ranForThisSpec) return { step: 'ready', reason: 'Idle' };
  return { step: 'start' };
}
