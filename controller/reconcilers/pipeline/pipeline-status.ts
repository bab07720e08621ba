/** What a DatabricksPipeline's status says of its pipeline, read from Databricks. */
import type { Pipeline, PipelineStateInfo } from '../../databricks/index.js';
import { isPipelineState, type DatabricksPipelineStatus } from '../../../lib/crds/index.js';

/** Every status field but `conditions` and `observedGeneration`. */
export type PipelineStatusFields = Omit<DatabricksPipelineStatus, 'conditions' | 'observedGeneration'>;

/** Every status field, absent ones as undefined so that a stale value is removed. */
export function pipelineStatus(
  info: PipelineStateInfo | Pipeline,
  state: string,
  host: string,
  settingsHash: string | undefined,
): PipelineStatusFields {
  const latest = info.latest_updates?.[0];
  return {
    pipelineId: info.pipeline_id,
    url: `${host}/pipelines/${info.pipeline_id}`,
    state: isPipelineState(state) ? state : 'UNKNOWN',
    health: info.health,
    cause: 'cause' in info ? info.cause || undefined : undefined,
    latestUpdate: latest
      ? { updateId: latest.update_id, state: latest.state, creationTime: latest.creation_time }
      : undefined,
    settingsHash,
  };
}
