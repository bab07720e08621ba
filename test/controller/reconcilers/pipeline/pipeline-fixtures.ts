/** What the DatabricksPipeline integration tests share: specs, and the pipeline as Databricks has it. */
import type { DatabricksPipeline } from '../../../../controller/reconcilers/pipeline/pipeline.js';
import type { FakeWorkspace } from '../../../fake-databricks/index.js';
import type { PipelinesService } from '../../../fake-databricks/pipelines.js';
import { RESOURCES, type OperatorTestBed } from '../../operator-test-bed.js';

export const PIPELINES = RESOURCES.DatabricksPipeline;

/** Pipeline updates step through their states in a fraction of a second. */
export const QUICK_PIPELINES = { pipelineStepMs: 50, pipelineRunningMs: 300, pipelineStopMs: 50 };

/** Settings of a small Unity Catalog pipeline. */
export function pipelineSettings(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    catalog: 'main',
    schema: 'etl',
    libraries: [{ notebook: { path: '/Shared/etl/dlt' } }],
    configuration: { 'etl.source': 's3://bucket/raw' },
    ...extra,
  };
}

/** A DatabricksPipeline spec in workspace `ws`. */
export function pipelineSpec(settings: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return { workspaceRef: { name: 'ws' }, settings, ...extra };
}

/** Creates a DatabricksPipeline and waits until it is Ready. */
export async function createReadyPipeline(
  bed: OperatorTestBed,
  name: string,
  extra: Record<string, unknown> = {},
  settings: Record<string, unknown> = pipelineSettings(),
): Promise<DatabricksPipeline> {
  await bed.create(PIPELINES, 'DatabricksPipeline', name, pipelineSpec(settings, extra));
  return bed.waitForCondition<DatabricksPipeline>(PIPELINES, name);
}

/** `pipelines/get` as Databricks answers it. */
export interface RemotePipeline extends Record<string, unknown> {
  readonly pipeline_id: string;
  readonly state: string;
  readonly spec: Record<string, unknown> & { name?: string; tags?: Record<string, string> };
}

/** The pipeline as Databricks has it, or undefined when it does not exist. */
export async function remotePipeline(fake: FakeWorkspace, pipelineId: string | undefined) {
  if (pipelineId === undefined || !pipelineService(fake).exists(pipelineId)) return undefined;
  return (await fake.ui.call('pipelines/get', { pipeline_id: pipelineId })) as unknown as RemotePipeline;
}

/** The pipelines service of the fake, for acting on pipelines directly. */
export function pipelineService(fake: FakeWorkspace): PipelinesService {
  return fake.service<PipelinesService>('pipelines');
}
