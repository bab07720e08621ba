/**
 * Batched reads of one workspace's pipelines, shared by every DatabricksPipeline reconcile in it. One
 * `pipelines/list` (100 a page), read once after each resync, gives each pipeline's name, state, health
 * and latest updates, but not its settings (`PipelineStateInfo` has no spec): a resync of N pipelines costs
 * N/100 calls for their state and name, and `pipelines/get` reads a pipeline's settings only when its spec
 * changed, its name in the listing differs, it has just been written, or its moment of the slow cycle came.
 */
import {
  unlessMissing,
  type DatabricksClient,
  type Pipeline,
  type PipelineStateInfo,
} from '../../databricks/index.js';
import {
  SharedListing,
  defaultListingFreshness,
  type ListingFreshness,
  type ListingRead,
} from '../managed/shared-listing.js';

/** `pipelines/list` pages hold at most this many pipelines. */
const PAGE_SIZE = 100;

const views = new WeakMap<DatabricksClient, PipelineView>();

/** Reads of one workspace's pipelines, batched and shared between resyncs. */
export class PipelineView {
  private readonly listing: SharedListing<PipelineStateInfo>;
  /** owner UID → pipeline ID, for pipelines this process created (a listing may predate them). */
  private readonly createdHere = new Map<string, string>();

  constructor(
    private readonly client: DatabricksClient,
    freshness: ListingFreshness = defaultListingFreshness,
  ) {
    this.listing = new SharedListing(() => this.readListing(), freshness);
  }

  /** The view of the workspace `client` talks to. */
  static of(client: DatabricksClient, freshness?: ListingFreshness): PipelineView {
    let view = views.get(client);
    if (!view) views.set(client, (view = new PipelineView(client, freshness)));
    return view;
  }

  /**
   * The pipeline's state as Databricks has it: from the listing when it speaks for the pipeline, else
   * read (with its settings); undefined when it does not exist or is being deleted.
   */
  async state(pipelineId: string): Promise<PipelineStateInfo | Pipeline | undefined> {
    const listed = await this.listing.find(pipelineId);
    if (listed) return listed;
    return this.pipeline(pipelineId);
  }

  /** The pipeline with its settings (`pipelines/get`), or undefined when it does not exist or is being deleted. */
  async pipeline(pipelineId: string): Promise<Pipeline | undefined> {
    const read = await unlessMissing(this.client.pipelines.get(pipelineId));
    return read && read.state !== 'DELETED' ? read : undefined;
  }

  /** The IDs of the listed pipelines named `name`, with the ones this process created for `uid`. */
  async named(name: string, uid: string): Promise<string[]> {
    const ids = new Set<string>();
    const created = this.createdHere.get(uid);
    if (created) ids.add(created);
    for (const listed of (await this.listing.afterWrites()).items.values()) {
      if (listed.name === name) ids.add(listed.pipeline_id);
    }
    return [...ids];
  }

  /** Records that this process created pipeline `pipelineId` for owner `uid`. */
  created(uid: string, pipelineId: string): void {
    this.createdHere.set(uid, pipelineId);
    this.wrote(pipelineId);
  }

  /** Records a change this process made to `pipelineId`: listings that started earlier no longer speak for it. */
  wrote(pipelineId: string): void {
    this.listing.wrote(pipelineId);
  }

  private async readListing(): Promise<ListingRead<PipelineStateInfo>> {
    const items = new Map<string, PipelineStateInfo>();
    for await (const pipeline of this.client.pipelines.list({ max_results: PAGE_SIZE })) {
      items.set(pipeline.pipeline_id, pipeline);
    }
    return { items, pages: Math.ceil(items.size / PAGE_SIZE) };
  }
}

/** Whether `info` came with the pipeline's settings (a read) rather than from the listing. */
export function hasSettings(info: PipelineStateInfo | Pipeline): info is Pipeline {
  return 'spec' in info && info.spec !== undefined;
}
