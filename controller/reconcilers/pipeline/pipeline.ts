/**
 * The DatabricksPipeline reconciler: one Lakeflow Declarative Pipeline per object, equal to
 * `spec.settings` (the name defaulted to the object's, the ownership marker added to `tags`).
 *
 * - Finding the pipeline: `status.pipelineId`; else adopt `spec.pipelineId`; else the pipeline of the
 *   desired name carrying this object's marker (created by an attempt that died before writing status);
 *   else one an earlier object of this name left behind; else `pipelines/create`. A pipeline that belongs
 *   to another live DatabricksPipeline is never taken; a name in use by another pipeline is refused.
 * - Settings: `spec.settings` changed (hash) → `PUT /pipelines/{id}` at once, without a read. Otherwise the
 *   pipeline is compared with the spec when its name in the listing differs, when it was read anyway, and
 *   at its moment of the slow cycle (`pipelines/list` has no settings, so that read is one call per
 *   pipeline per slow period, spread over it); an edit puts back what was changed in Databricks.
 * - Continuous pipelines are kept running: one with no update running gets one started (`Started`), a
 *   failed one is reported (`PipelineFailed`, with Databricks' cause) and started again after the backoff.
 *   An edit restarts a running continuous pipeline (Databricks does). Triggered pipelines are never
 *   started here: a job's `pipeline_task` or a user does that, and applying a spec must not process data as
 *   a side effect. Their newest update's state is reported in status, polled while one runs.
 * - Reads: state, health and latest updates come from the workspace's shared `pipelines/list`, read once
 *   per resync ({@link PipelineView}); a pipeline this process just changed is read with `pipelines/get`.
 * - `spec.permissions`: applied when changed, re-read on the slow cycle.
 * - Deleted: `deletionPolicy` Delete (default) deletes the pipeline (stopping its update), Retain leaves it.
 */
import {
  ResourceConflictError,
  type DatabricksClient,
  type Pipeline,
  type PipelineSettings,
} from '../../databricks/index.js';
import { PIPELINE_MOVING_REASONS, type DatabricksPipelineStatus } from '../../../lib/crds/index.js';
import { findCondition } from '../../runtime/conditions.js';
import type { EventNote } from '../../runtime/events.js';
import { done } from '../../runtime/outcome.js';
import { contentHash } from '../managed/content-hash.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note, shortList, warning } from '../managed/event-notes.js';
import {
  NotReadyError,
  defaultNotReadyBackoff,
  describeApiError,
  type Applied,
  type Checkpoint,
  type CleanedUp,
} from '../managed/managed.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { ownershipOf, withOwnerTags } from '../managed/ownership.js';
import { applyObjectPermissions } from '../managed/permissions.js';
import { freshUntilResync } from '../managed/shared-listing.js';
import { StaggeredCycle } from '../managed/staggered-cycle.js';
import { decidePipelineRun, pipelineSettingsDifferences } from './pipeline-decision.js';
import { observePipeline } from './pipeline-observe.js';
import { locatePipeline, pipelineTags } from './pipeline-placement.js';
import { pipelineStatus, type PipelineStatusFields } from './pipeline-status.js';
import { PIPELINES, type DatabricksPipeline, type PipelineContext } from './pipeline-types.js';
import { PipelineView, hasSettings } from './pipeline-view.js';

export { PIPELINES, type DatabricksPipeline, type PipelineContext } from './pipeline-types.js';

/** Tags a pipeline may carry, the two marker tags included. */
const MAX_TAGS = 25;

async function applyPipeline(
  object: DatabricksPipeline,
  client: DatabricksClient,
  context: PipelineContext,
  checkpoint: Checkpoint<DatabricksPipelineStatus>,
): Promise<Applied<DatabricksPipelineStatus>> {
  const settings = desiredPipelineSettings(object);
  const settingsHash = contentHash(settings);
  const previous = object.status ?? {};
  const uid = object.metadata.uid ?? '';
  const record = (event: EventNote) => checkpoint({}, [event]);
  const pollMs = context.transitionPollMs ?? (context.notReadyBackoff ?? defaultNotReadyBackoff).minMs;
  const view = PipelineView.of(client, context.view);

  const placed = await locatePipeline(object, settings, client, context, checkpoint);
  const { pipelineId } = placed;
  let info = placed.info;
  let appliedHash = placed.created ? settingsHash : previous.settingsHash;
  let edited = false;
  const wasRunning = info.state === 'RUNNING';
  const edit = async (event: EventNote): Promise<void> => {
    try {
      await client.pipelines.edit(pipelineId, settings);
    } finally {
      view.wrote(pipelineId);
    }
    edited = true;
    await record(event);
  };
  const restarts =
    wasRunning && settings.continuous === true
      ? '; Databricks restarts a running continuous pipeline to apply it'
      : '';
  const readSettings = async (): Promise<Pipeline | undefined> =>
    hasSettings(info) ? info : await view.pipeline(pipelineId);

  if (appliedHash !== settingsHash) {
    if (appliedHash === undefined) {
      // Adopted, found or reclaimed: only what differs is written, nothing when it already matches.
      const full = await readSettings();
      const diff = full ? pipelineSettingsDifferences(settings, full.spec) : [];
      if (diff.length > 0) {
        await edit(
          note(
            'Updated',
            'EditPipeline',
            `edited pipeline ${pipelineId} to spec.settings and this object's marker (${shortList(diff)})${restarts}`,
          ),
        );
      }
    } else {
      await edit(
        note('Updated', 'EditPipeline', `edited pipeline ${pipelineId} to the new spec.settings${restarts}`),
      );
    }
    appliedHash = settingsHash;
    context.settingsCycle.read(uid);
  } else if (hasSettings(info) || info.name !== settings.name || context.settingsCycle.due(uid)) {
    const full = await readSettings();
    if (full) {
      info = full;
      const diff = pipelineSettingsDifferences(settings, full.spec);
      if (diff.length > 0) {
        await edit(
          warning(
            'DriftCorrected',
            'EditPipeline',
            `edited pipeline ${pipelineId} back to spec.settings after it was changed in Databricks (${shortList(diff)})${restarts}`,
          ),
        );
      }
    }
    context.settingsCycle.read(uid);
  }

  const state = info.state ?? 'UNKNOWN';
  let permissionsHash = previous.permissionsHash;
  const statusNow = (shownState = state): PipelineStatusFields => ({
    ...pipelineStatus(info, shownState, client.host, appliedHash),
    permissionsHash,
  });
  const events: EventNote[] = [];
  permissionsHash = await applyObjectPermissions(
    object,
    { objectType: 'pipelines', objectId: pipelineId, noun: 'pipeline' },
    client,
    events,
    context.permissionsCycle,
  );
  if (events.length > 0) await checkpoint({ permissionsHash }, events);

  const moving = (shownState: string, message: string): NotReadyError =>
    new NotReadyError(
      (PIPELINE_MOVING_REASONS as Record<string, string>)[shownState] ?? 'Waiting',
      `pipeline ${pipelineId} is ${shownState}: ${message}`,
      { status: statusNow(shownState), warn: false, retryAfterMs: pollMs },
    );
  const continuous = settings.continuous === true;
  const ready = findCondition(previous.conditions, 'Ready');
  const decision = decidePipelineRun({
    continuous,
    state,
    edited,
    failureReported: ready?.reason === 'PipelineFailed' && previous.state === state,
  });
  switch (decision.step) {
    case 'ready': {
      const lookAgainMs = Math.min(
        decision.reason === 'Updating' ? pollMs : Infinity,
        context.settingsCycle.untilNext(uid),
        permissionsHash === undefined ? Infinity : context.permissionsCycle.untilNext(uid),
      );
      return {
        status: statusNow(),
        reason: decision.reason,
        message: readyMessage(decision.reason, pipelineId, info.latest_updates?.[0]?.state),
        ...(lookAgainMs < Infinity ? { requeueAfterMs: lookAgainMs } : {}),
      };
    }
    case 'wait':
      throw moving(
        edited ? 'STARTING' : state,
        edited ? 'restarting with the new settings' : 'waiting for its update to run',
      );
    case 'failed': {
      const full = await readSettings();
      if (full) info = full;
      throw new NotReadyError(
        'PipelineFailed',
        `pipeline ${pipelineId} is FAILED: ${full?.cause || 'Databricks gave no cause'}; it is started again after a backoff`,
        { status: statusNow() },
      );
    }
    case 'start': {
      try {
        await client.pipelines.startUpdate(pipelineId, { cause: 'API_CALL' });
      } catch (error) {
        if (!(error instanceof ResourceConflictError)) throw error;
        throw moving(state, `an update is active already (${describeApiError(error)})`);
      } finally {
        view.wrote(pipelineId);
      }
      await record(
        note(
          'Started',
          'StartPipelineUpdate',
          `started an update of continuous pipeline ${pipelineId}${state === 'FAILED' ? ' after it failed' : ''}`,
        ),
      );
      throw moving('STARTING', 'waiting for its update to run');
    }
  }
}

function readyMessage(
  reason: 'Running' | 'Idle' | 'Updating' | 'UpdateFailed',
  pipelineId: string,
  updateState: string | undefined,
): string {
  switch (reason) {
    case 'Running':
      return `continuous pipeline ${pipelineId} is RUNNING and matches spec.settings`;
    case 'Idle':
      return `pipeline ${pipelineId} matches spec.settings; its updates are triggered by jobs or users${updateState ? ` (last update ${updateState})` : ''}`;
    case 'Updating':
      return `pipeline ${pipelineId} matches spec.settings and an update is running`;
    case 'UpdateFailed':
      return `pipeline ${pipelineId} matches spec.settings; its last update FAILED (a job's pipeline_task or a user starts the next)`;
  }
}

/**
 * `spec.settings` as Databricks should have them: the name defaulted to the object's, the ownership marker
 * added to `tags`.
 */
export function desiredPipelineSettings(
  object: DatabricksPipeline,
): PipelineSettings & { readonly name: string } {
  const { settings } = object.spec;
  const tags = withOwnerTags(settings.tags, object);
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS) {
    throw new NotReadyError(
      'InvalidSettings',
      `spec.settings.tags: with the 2 ownership tags (k8s-owner, k8s-owner-uid) the pipeline would carry ${count} tags, over Databricks' limit of ${MAX_TAGS}; remove ${count - MAX_TAGS}`,
    );
  }
  return { ...settings, name: settings.name ?? object.metadata.name, tags } as PipelineSettings & {
    readonly name: string;
  };
}

/** Honours `deletionPolicy`; the finalizer goes only once Databricks confirmed. */
async function cleanupPipeline(
  object: DatabricksPipeline,
  connect: () => Promise<DatabricksClient>,
  context: PipelineContext,
): Promise<CleanedUp> {
  const uid = object.metadata.uid ?? '';
  context.settingsCycle.forget(uid);
  context.permissionsCycle.forget(uid);
  const recorded = object.status?.pipelineId;
  const leftover = recorded
    ? { what: `pipeline ${recorded}`, where: 'Databricks', noun: 'Pipeline' }
    : undefined;
  const left = leftInPlace(object, context, leftover);
  if (left) return left;
  const client = await connect();
  const view = PipelineView.of(client, context.view);
  const pipelineId =
    recorded ?? (object.spec.pipelineId === undefined ? await ownedByName(view, object) : undefined);
  if (!pipelineId) return done;
  await deleteUnlessGone(() => client.pipelines.delete(pipelineId));
  view.wrote(pipelineId);
  return { events: [note('Deleted', 'DeletePipeline', `deleted pipeline ${pipelineId}`)] };
}

/** The pipeline an attempt that died before writing status created: named as desired, with this object's marker. */
async function ownedByName(view: PipelineView, object: DatabricksPipeline): Promise<string | undefined> {
  const name = object.spec.settings.name ?? object.metadata.name;
  for (const pipelineId of await view.named(name, object.metadata.uid ?? '')) {
    const pipeline = await view.pipeline(pipelineId);
    if (pipeline && ownershipOf(pipelineTags(pipeline), object).kind === 'ours') return pipelineId;
  }
  return undefined;
}

/** The DatabricksPipeline kind, for `managedController`: woken by its workspace only. */
export const pipelineKind: ManagedKind<DatabricksPipeline, DatabricksPipelineStatus, PipelineContext> = {
  kind: 'DatabricksPipeline',
  informer: ({ DatabricksPipeline }) => DatabricksPipeline,
  resource: PIPELINES,
  context: ({ informer, config }, base) => ({
    ...base,
    pipelines: informer.store,
    view: freshUntilResync(informer, config.resyncPeriodMs),
    settingsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
    permissionsCycle: new StaggeredCycle(config.slowResyncPeriodMs),
  }),
  apply: applyPipeline,
  cleanup: cleanupPipeline,
  observe: observePipeline,
};
