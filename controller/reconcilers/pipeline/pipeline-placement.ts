/**
 * Finding (or creating) the pipeline a DatabricksPipeline manages. Pipelines carry `tags`, so the
 * ownership marker is there; `pipelines/list` shows names but no tags, so a pipeline an earlier attempt
 * created (or an earlier object of this name left behind) is found by its name in the listing, then
 * read to see its marker. A pipeline that belongs to another live DatabricksPipeline is never taken, and a
 * name in use by a pipeline nobody here made is refused (unless `allow_duplicate_names`).
 */
import type {
  DatabricksClient,
  Pipeline,
  PipelineSettings,
  PipelineStateInfo,
} from '../../databricks/index.js';
import type { DatabricksPipelineStatus } from '../../../lib/crds/index.js';
import type { EventNote } from '../../runtime/events.js';
import { note, warning } from '../managed/event-notes.js';
import { NotReadyError, type Checkpoint } from '../managed/managed.js';
import {
  describeMarker,
  isLeftBehindFor,
  ownershipOf,
  refuseIfOwnedElsewhere,
} from '../managed/ownership.js';
import type { DatabricksPipeline, PipelineContext } from './pipeline-types.js';
import { PipelineView } from './pipeline-view.js';

/** Where the pipeline was found, and what is known of it. */
export interface PlacedPipeline {
  readonly pipelineId: string;
  /** From the listing (state only) or a read (with its settings). */
  readonly info: PipelineStateInfo | Pipeline;
  /** Created in this pass, with the desired settings: nothing to compare. */
  readonly created: boolean;
}

/** A pipeline's marker tags, from a read. */
export function pipelineTags(pipeline: Pipeline): Readonly<Record<string, string>> | undefined {
  return pipeline.spec?.tags;
}

/**
 * The pipeline this object manages: the one in status, the adopted one, the one an earlier attempt created
 * (its marker), one an earlier object of this name left behind, or a new one. A recorded pipeline deleted
 * in Databricks is created again.
 */
export async function locatePipeline(
  object: DatabricksPipeline,
  settings: PipelineSettings & { readonly name: string },
  client: DatabricksClient,
  context: PipelineContext,
  checkpoint: Checkpoint<DatabricksPipelineStatus>,
): Promise<PlacedPipeline> {
  const record = (pipelineId: string, event: EventNote) => checkpoint({ pipelineId }, [event]);
  const uid = object.metadata.uid ?? '';
  const view = PipelineView.of(client, context.view);
  const create = async (): Promise<PlacedPipeline> => {
    const { pipeline_id } = await client.pipelines.create(settings);
    view.created(uid, pipeline_id);
    const info = (await view.pipeline(pipeline_id)) ?? { pipeline_id, state: 'IDLE' };
    return { pipelineId: pipeline_id, info, created: true };
  };
  const recorded = object.status?.pipelineId;
  if (recorded !== undefined) {
    const info = await view.state(recorded);
    if (info) return { pipelineId: recorded, info, created: false };
    const replacement = (await markedPipelines(view, object, settings)).owned;
    if (replacement) return { pipelineId: replacement.pipeline_id, info: replacement, created: false };
    const created = await create();
    await record(
      created.pipelineId,
      warning(
        'Recreated',
        'CreatePipeline',
        `pipeline ${recorded} was deleted in Databricks; created pipeline ${created.pipelineId}`,
      ),
    );
    return created;
  }
  const adopted = object.spec.pipelineId;
  if (adopted !== undefined) {
    const observed = await view.pipeline(adopted);
    if (!observed) {
      throw new NotReadyError(
        'PipelineNotFound',
        `spec.pipelineId: pipeline ${adopted} does not exist in ${client.host}; point spec.pipelineId at an existing pipeline, or remove it to create a new one`,
      );
    }
    refuseIfTaken(observed, object, context, 'spec.pipelineId');
    await record(
      adopted,
      note('Adopted', 'AdoptPipeline', `adopted pipeline ${adopted}; spec.settings replace its settings`),
    );
    return { pipelineId: adopted, info: observed, created: false };
  }
  const { owned, leftBehind, taken } = await markedPipelines(view, object, settings);
  if (owned) {
    await record(
      owned.pipeline_id,
      note('Found', 'FindPipeline', `found pipeline ${owned.pipeline_id} this object created earlier`),
    );
    return { pipelineId: owned.pipeline_id, info: owned, created: false };
  }
  if (leftBehind) {
    await record(
      leftBehind.pipeline_id,
      note(
        'Reclaimed',
        'ReclaimPipeline',
        `took back pipeline ${leftBehind.pipeline_id}, left in Databricks by an earlier DatabricksPipeline ${describeMarker(pipelineTags(leftBehind))}, instead of creating a copy; spec.settings and this object's marker replace its settings`,
      ),
    );
    return { pipelineId: leftBehind.pipeline_id, info: leftBehind, created: false };
  }
  if (taken && !settings.allow_duplicate_names) {
    refuseIfTaken(taken, object, context, 'spec.settings.name');
    const ownership = ownershipOf(pipelineTags(taken), object);
    const whose = ownership.kind === 'other' ? `, made by ${describeMarker(pipelineTags(taken))}` : '';
    throw new NotReadyError(
      'NameInUse',
      `spec.settings.name: pipeline ${taken.pipeline_id} is already named '${settings.name}'${whose}; choose another name, set spec.pipelineId: ${taken.pipeline_id} to adopt it, or set allow_duplicate_names`,
    );
  }
  const created = await create();
  await record(
    created.pipelineId,
    note('Created', 'CreatePipeline', `created pipeline ${created.pipelineId}`),
  );
  return created;
}

/**
 * Among the pipelines named as the desired settings name them (read one by one to see their tags): the one
 * carrying this object's marker, one an earlier object of this name left behind, or another.
 */
async function markedPipelines(
  view: PipelineView,
  object: DatabricksPipeline,
  settings: { readonly name: string },
): Promise<{ owned?: Pipeline; leftBehind?: Pipeline; taken?: Pipeline }> {
  const uid = object.metadata.uid ?? '';
  const found: { owned?: Pipeline; leftBehind?: Pipeline; taken?: Pipeline } = {};
  for (const pipelineId of await view.named(settings.name, uid)) {
    const pipeline = await view.pipeline(pipelineId);
    if (!pipeline) continue;
    const tags = pipelineTags(pipeline);
    if (uid !== '' && ownershipOf(tags, object).kind === 'ours') return { owned: pipeline };
    if (isLeftBehindFor(tags, object)) found.leftBehind ??= pipeline;
    else found.taken ??= pipeline;
  }
  return found;
}

/** Throws `OwnedElsewhere` when the pipeline's marker names another DatabricksPipeline that still exists. */
export function refuseIfTaken(
  observed: Pipeline,
  object: DatabricksPipeline,
  context: Pick<PipelineContext, 'pipelines'>,
  field: string,
): void {
  refuseIfOwnedElsewhere(
    { tags: pipelineTags(observed), noun: 'pipeline', id: observed.pipeline_id, field },
    object,
    { kind: 'DatabricksPipeline', store: context.pipelines },
  );
}
