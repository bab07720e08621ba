/**
 * What to do with a DatabricksPipeline's pipeline once it is found, decided without any I/O: its
 * settings (compare, edit), and, for a continuous pipeline, its update (Ready, wait, report a failure,
 * start one). A triggered pipeline's updates are never started here: jobs (`pipeline_task`) and users
 * start them, and a spec change must not process data as a side effect.
 */
import type { Pipeline, PipelineSettings } from '../../databricks/index.js';
import { PipelineSettings as PipelineSettingsSchema } from '../../../lib/crds/index.js';
import { pipelineDriftRules } from '../../drift/drift-rules.js';
import { SettingsDiff, type SettableFieldsSchema } from '../../drift/settings-diff.js';

const pipelineDiff = new SettingsDiff(PipelineSettingsSchema as SettableFieldsSchema, pipelineDriftRules);

/** A configuration key the backend adds to every pipeline (the Databricks CLI observed it). */
export const BACKEND_CONFIGURATION: Readonly<Record<string, string>> = { 'spark.sql.ansi.enabled': 'true' };
/** Fields create and edit take that Databricks does not return in `spec`. */
const WRITE_ONLY = ['allow_duplicate_names', 'run_as'] as const;

/** The field paths where the pipeline's `spec` differs from `desired`, as the drift rules judge them. */
export function pipelineSettingsDifferences(desired: PipelineSettings, remote: Pipeline['spec']): string[] {
  const compared: Record<string, unknown> = { ...desired };
  for (const field of WRITE_ONLY) delete compared[field];
  const observed: Record<string, unknown> = { ...remote };
  const configuration = { ...(remote?.configuration ?? {}) };
  for (const [key, value] of Object.entries(BACKEND_CONFIGURATION)) {
    if (desired.configuration?.[key] === undefined && configuration[key] === value) delete configuration[key];
  }
  observed.configuration = configuration;
  return pipelineDiff.differences(compared, observed).map((difference) => difference.path);
}

/** What to do about a continuous pipeline's update, after its settings. */
export type PipelineRunDecision =
  /** Ready: `Running` (continuous, an update running), `Idle` or `Updating` (triggered). */
  | { readonly step: 'ready'; readonly reason: 'Running' | 'Idle' | 'Updating' | 'UpdateFailed' }
  /** Its update is starting, stopping or recovering on its own: look again soon. */
  | { readonly step: 'wait' }
  /** A continuous pipeline failed: say so (`PipelineFailed`) and start it again after the backoff. */
  | { readonly step: 'failed' }
  /** A continuous pipeline with no update running: start one. */
  | { readonly step: 'start' };

/** States in which an update is active and moving on its own. */
const MOVING: ReadonlySet<string> = new Set(['STARTING', 'DEPLOYING', 'RESETTING', 'STOPPING', 'RECOVERING']);

/** What the run decision looks at. */
export interface PipelineRunFacts {
  readonly continuous: boolean;
  /** The pipeline's state now. */
  readonly state: string;
  /** Whether this pass edited it: Databricks restarts a running continuous pipeline to apply the edit. */
  readonly edited: boolean;
  /** Whether status already reports `PipelineFailed` in this very state: the backoff has been waited out. */
  readonly failureReported: boolean;
}

/** Keep a continuous pipeline's update running; report a triggered pipeline as it is. */
export function decidePipelineRun(facts: PipelineRunFacts): PipelineRunDecision {
  const { state } = facts;
  if (!facts.continuous) {
    if (state === 'IDLE') return { step: 'ready', reason: 'Idle' };
    if (state === 'FAILED') return { step: 'ready', reason: 'UpdateFailed' };
    return { step: 'ready', reason: 'Updating' };
  }
  if (facts.edited && state === 'RUNNING') return { step: 'wait' };
  if (state === 'RUNNING') return { step: 'ready', reason: 'Running' };
  if (MOVING.has(state)) return { step: 'wait' };
  if (state === 'FAILED') return facts.failureReported ? { step: 'start' } : { step: 'failed' };
  return { step: 'start' };
}
