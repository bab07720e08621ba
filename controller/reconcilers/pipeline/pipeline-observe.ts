/**
 * A DatabricksPipeline under `managementPolicy: Observe`: the pipeline is read, never written or started.
 * It is the one `spec.pipelineId` names, else the one status recorded, else the one of the desired name
 * carrying this object's marker. Status says its ID, state and newest update, and `InSync` and
 * `driftedFields` say where its settings differ from `spec.settings` (the marker aside) and whether a
 * continuous pipeline is running.
 */
import type { DatabricksClient, Pipeline } from '../../databricks/index.js';
import type { DatabricksPipelineStatus } from '../../../lib/crds/index.js';
import { NotReadyError, type Applied } from '../managed/managed.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { ownershipOf, withoutOwnerTags } from '../managed/ownership.js';
import { pipelineSettingsDifferences } from './pipeline-decision.js';
import { pipelineTags, refuseIfTaken } from './pipeline-placement.js';
import { pipelineStatus } from './pipeline-status.js';
import type { DatabricksPipeline, PipelineContext } from './pipeline-types.js';
import { PipelineView } from './pipeline-view.js';

/** Reads the pipeline `object` observes and reports how it differs from its spec. */
export async function observePipeline(
  object: DatabricksPipeline,
  client: DatabricksClient,
  context: PipelineContext,
): Promise<Applied<DatabricksPipelineStatus>> {
  const view = PipelineView.of(client, context.view);
  const named = object.spec.pipelineId ?? object.status?.pipelineId;
  const field = object.spec.pipelineId !== undefined ? 'spec.pipelineId' : 'status.pipelineId';
  const name = object.spec.settings.name ?? object.metadata.name;
  let observed: Pipeline | undefined;
  if (named !== undefined) {
    observed = await view.pipeline(named);
  } else {
    for (const pipelineId of await view.named(name, object.metadata.uid ?? '')) {
      const pipeline = await view.pipeline(pipelineId);
      if (pipeline && ownershipOf(pipelineTags(pipeline), object).kind === 'ours') observed = pipeline;
    }
  }
  if (!observed) {
    throw new NotReadyError(
      'PipelineNotFound',
      named !== undefined
        ? `${field}: pipeline ${named} does not exist in ${client.host}; managementPolicy Observe never creates one: point spec.pipelineId at the pipeline to observe`
        : `no pipeline in ${client.host} carries this object's marker, and spec.pipelineId is not set; managementPolicy Observe never creates one: set spec.pipelineId to the pipeline to observe`,
    );
  }
  refuseIfTaken(observed, object, context, field);
  const { settings } = object.spec;
  const drifted = pipelineSettingsDifferences(
    { ...settings, name, tags: withoutOwnerTags(settings.tags) ?? {} },
    { ...observed.spec, tags: withoutOwnerTags(observed.spec?.tags) ?? {} },
  );
  const state = observed.state ?? 'UNKNOWN';
  const fields = settings.continuous === true && state !== 'RUNNING' ? [...drifted, 'state'] : drifted;
  const { settingsHash: _unused, ...status } = pipelineStatus(observed, state, client.host, undefined);
  return {
    status: { ...status, driftedFields: fields },
    reason: OBSERVED_REASON,
    message: observedMessage(`pipeline ${observed.pipeline_id} (${state})`),
    conditions: [
      inSyncCondition(
        `pipeline ${observed.pipeline_id}`,
        'spec.settings',
        fields,
        object.metadata.generation,
      ),
    ],
  };
}
