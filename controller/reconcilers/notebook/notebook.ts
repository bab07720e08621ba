/**
 * The DatabricksNotebook reconciler: one notebook (or workspace file, or DBC folder) at a workspace
 * path, imported from the spec's content with its format and language. Jobs' `notebook_task.notebook_ref`
 * resolves to `status.path`.
 *
 * - Content is read from its source at every reconcile; its SHA-256 and the format in status say what
 *   was imported. `workspace/import` (after `workspace/mkdirs` of the parent folder) runs only when
 *   they change, when the object is gone, or when it was changed in the workspace.
 * - Steady state costs no read of its own: the object is looked up in one `workspace/list` of its folder,
 *   read once per resync and shared by every notebook in that folder ({@link FolderListings}); only one
 *   the listing does not show (deleted, or written since) is read with `workspace/get-status`. Its
 *   `object_id` and `modified_at` are the cheap change signals: only when they moved from what status
 *   recorded (or the workspace does not report them) is the object exported and compared, and imported
 *   again only if the content differs. SOURCE and AUTO imports can be compared (a SOURCE export puts the
 *   `Databricks notebook source` header line first, so that line is dropped from both sides); other
 *   formats are imported again when `modified_at` moved.
 * - A workspace object has no tags, so what this object owns is what its status records. An object
 *   already at the path is taken as is when it holds the same content (e.g. imported just before a
 *   crash), replaced when `spec.overwrite` says so, and otherwise `PathExists` until it is removed in
 *   the workspace or the path changes: notebooks are not silently replaced (overwrite defaults to false).
 * - Deleted: `deletionPolicy` Delete (default) deletes what status recorded (already gone is fine),
 *   Retain leaves it. A path changed in the spec moves the notebook the same way.
 */
import { workspacePath } from '../../drift/object-paths.js';
import {
  DATABRICKS_NOTEBOOK,
  IMPORTED_OBJECT_TYPES,
  isNotebookLanguage,
  type DatabricksNotebookSpec,
  type DatabricksNotebookStatus,
} from '../../../lib/crds/index.js';
import {
  AlreadyExistsError,
  unlessMissing,
  type DatabricksClient,
  type ObjectInfo,
} from '../../databricks/index.js';
import { sameNotebookSource } from '../../drift/notebook-source.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { contentWatches } from '../managed/source-watches.js';
import type { EventNote } from '../../runtime/events.js';
import type { KubeClient, ResourceType } from '../../runtime/kube-client.js';
import { done } from '../../runtime/outcome.js';
import { describeContent, readContent, sha256Hex, type Content } from '../content/content-source.js';
import {
  decideContent,
  needsComparison,
  type ChangedSince,
  type ContentDecision,
  type ContentFacts,
} from '../content/content-decision.js';
import { deleteUnlessGone, leftInPlace } from '../managed/deletion-policy.js';
import { note } from '../managed/event-notes.js';
import { FolderListings } from '../content/folder-listings.js';
import {
  NotReadyError,
  type Applied,
  type ManagedContext,
  type ManagedObject,
  type CleanedUp,
} from '../managed/managed.js';
import { OBSERVED_REASON, inSyncCondition, observedMessage } from '../managed/observation.js';
import { resourceOf } from '../managed/resources.js';
import {
  defaultListingFreshness,
  freshUntilResync,
  type ListingFreshness,
} from '../managed/shared-listing.js';

/** The `databricksnotebooks` resource. */
export const NOTEBOOKS: ResourceType = resourceOf(DATABRICKS_NOTEBOOK);

/** A DatabricksNotebook as the informer holds it. */
export type DatabricksNotebook = ManagedObject<DatabricksNotebookSpec, DatabricksNotebookStatus>;

/** What {@link notebookKind} needs: the shared context, able to read ConfigMaps too. */
export interface NotebookContext extends ManagedContext {
  readonly kube: Pick<KubeClient, 'patchCustomObject' | 'readSecret' | 'readConfigMap'>;
  /** How fresh the shared folder listings must be. @default one minute, no resync */
  readonly view?: ListingFreshness;
}

const folderViews = new WeakMap<DatabricksClient, FolderListings<ObjectInfo>>();

/** The workspace folder listings of the workspace `client` talks to, shared by its notebooks. */
function workspaceFolders(
  client: DatabricksClient,
  freshness?: ListingFreshness,
): FolderListings<ObjectInfo> {
  let folders = folderViews.get(client);
  if (!folders) {
    folders = new FolderListings<ObjectInfo>(
      {
        list: (folder) => client.workspace.list(folder),
        pathOf: (item) => item.path,
        normalize: workspacePath,
      },
      freshness ?? defaultListingFreshness,
    );
    folderViews.set(client, folders);
  }
  return folders;
}

type Format = NonNullable<DatabricksNotebookSpec['format']>;

/**
 * `managementPolicy: Observe`: reads what is at `spec.path` and says whether it holds the spec's content
 * and language, importing nothing. Observing records no content hash of its own, so taking a path this
 * object never wrote over later (policy Manage) is the first-write case: what is there is kept when it
 * holds the content, else `spec.overwrite` decides.
 */
/** The content the spec names: inline, or from its ConfigMap or Secret key. */
function specContent(notebook: DatabricksNotebook, context: NotebookContext): Promise<Content> {
  const { spec } = notebook;
  return readContent(
    context.kube,
    notebook.metadata.namespace ?? '',
    { inline: spec.content, ...spec.contentFrom },
    { inline: 'spec.content', from: 'spec.contentFrom' },
  );
}

async function observeNotebook(
  notebook: DatabricksNotebook,
  client: DatabricksClient,
  context: NotebookContext,
): Promise<Applied<DatabricksNotebookStatus>> {
  const { spec } = notebook;
  const format = spec.format ?? 'SOURCE';
  const content = await specContent(notebook, context);
  const observed = await findObject(client, importedPaths(workspacePath(spec.path), format));
  if (!observed) {
    throw new NotReadyError(
      'NotFound',
      `spec.path: nothing is at ${spec.path} in ${client.host}; managementPolicy Observe never imports anything`,
    );
  }
  const path = observed.path ?? spec.path;
  const drifted: string[] = [];
  if (spec.language !== undefined && observed.language !== undefined && observed.language !== spec.language) {
    drifted.push('language');
  }
  const holds = await holdsContent(client, observed, content, spec);
  if (holds === false) drifted.push('content');
  const objectType = statusObjectType(observed.object_type);
  const subject = `${(objectType ?? 'object').toLowerCase()} ${path}`;
  return {
    status: {
      path,
      ...(observed.object_id === undefined ? {} : { objectId: Number(observed.object_id) }),
      ...(objectType ? { objectType } : {}),
      url:
        objectType === 'NOTEBOOK'
          ? `${client.host}/#notebook/${String(observed.object_id)}`
          : `${client.host}/#workspace${path}`,
      driftedFields: drifted,
    },
    reason: OBSERVED_REASON,
    message: observedMessage(subject),
    conditions: [
      inSyncCondition(
        subject,
        'the spec',
        drifted,
        notebook.metadata.generation,
        holds === undefined
          ? `a ${format} import cannot be compared with what Databricks exports`
          : undefined,
      ),
    ],
  };
}

async function applyNotebook(
  notebook: DatabricksNotebook,
  client: DatabricksClient,
  context: NotebookContext,
): Promise<Applied<DatabricksNotebookStatus>> {
  const { spec } = notebook;
  const format = spec.format ?? 'SOURCE';
  const content = await specContent(notebook, context);
  const previous = notebook.status ?? {};
  const folders = workspaceFolders(client, context.view);
  const candidates = importedPaths(workspacePath(spec.path), format);
  const ours = previous.path !== undefined && candidates.includes(previous.path) && !!previous.contentHash;
  const events: EventNote[] = [];
  let observed: ObjectInfo | undefined;

  const reimport = async (reason: string, type: EventNote['type'], text: string): Promise<void> => {
    observed = await importObject(client, folders, notebook, content, observed);
    events.push({ type, reason, action: 'ImportNotebook', note: `${text} (${describeContent(content)})` });
  };

  observed = ours
    ? ((await folders.find(previous.path as string)) ?? (await objectAt(client, previous.path as string)))
    : await findObject(client, candidates);
  const facts = notebookFacts(notebook, ours, observed, content.hash);
  const holds =
    observed && needsComparison(facts) ? await holdsContent(client, observed, content, spec) : undefined;
  const decision = decideContent({ ...facts, ...(holds === undefined ? {} : { holds }) });
  if (decision.action === 'refuse') throw pathExists(spec.path, observed ?? { path: spec.path });
  const importing = importFor(decision, notebook, observed);
  if (importing) await reimport(importing.reason, importing.type, importing.text);
  else if (decision.action === 'adopt') {
    events.push(
      note(
        'Found',
        'ImportNotebook',
        `${observed?.path ?? spec.path} already holds the content; took it as is`,
      ),
    );
  }

  const found = observed as ObjectInfo;
  const path = found.path ?? spec.path;
  // The path changed in the spec (or an AUTO import landed elsewhere): the old object must not linger.
  if (previous.path !== undefined && previous.path !== path) {
    events.push(...(await removeMoved(client, folders, notebook, previous)));
  }
  const objectType = statusObjectType(found.object_type);
  return {
    status: {
      path,
      ...(found.object_id === undefined ? {} : { objectId: Number(found.object_id) }),
      ...(objectType ? { objectType } : {}),
      contentHash: content.hash,
      format,
      url:
        objectType === 'NOTEBOOK'
          ? `${client.host}/#notebook/${String(found.object_id)}`
          : `${client.host}/#workspace${path}`,
      ...(found.modified_at === undefined
        ? {}
        : { modificationTime: new Date(found.modified_at).toISOString() }),
    },
    reason: 'Synced',
    message: `${(objectType ?? 'object').toLowerCase()} ${path} holds ${describeContent(content)}`,
    events,
  };
}

/** What the content decision looks at, for the object at the notebook's path. */
function notebookFacts(
  notebook: DatabricksNotebook,
  ours: boolean,
  observed: ObjectInfo | undefined,
  contentHash: string,
): Omit<ContentFacts, 'holds'> {
  const { spec } = notebook;
  const previous = notebook.status ?? {};
  const format = spec.format ?? 'SOURCE';
  const languageDrift =
    format === 'SOURCE' && observed?.language !== undefined && observed.language !== spec.language;
  return {
    ours,
    specChanged: previous.contentHash !== contentHash || previous.format !== format,
    present: observed !== undefined,
    changed: observed ? changedSince(observed, previous) : 'no',
    drifted: languageDrift ? ['language'] : [],
    compares: true,
    overwrite: spec.overwrite ?? false,
  };
}

/** The import `decision` asks for, as its Event tells it; undefined when nothing is imported. */
function importFor(
  decision: ContentDecision,
  notebook: DatabricksNotebook,
  observed: ObjectInfo | undefined,
): { reason: string; type: EventNote['type']; text: string } | undefined {
  const { spec } = notebook;
  const at = observed?.path ?? spec.path;
  switch (decision.action) {
    case 'create':
      return decision.recreate
        ? {
            reason: 'Recreated',
            type: 'Warning',
            text: `${notebook.status?.path ?? at} was deleted in the workspace; imported it again`,
          }
        : { reason: 'Created', type: 'Normal', text: `imported ${spec.path} as ${spec.format ?? 'SOURCE'}` };
    case 'adopt':
      return decision.diff.length === 0
        ? undefined
        : { reason: 'Created', type: 'Normal', text: `replaced the existing ${at} (spec.overwrite)` };
    case 'update':
      if (decision.cause === 'SpecChanged') {
        return { reason: 'Updated', type: 'Normal', text: `imported the new content of ${spec.path}` };
      }
      if (decision.diff?.includes('language')) {
        return {
          reason: 'Updated',
          type: 'Normal',
          text: `${at} is ${observed?.language}, spec.language is ${spec.language}; imported it again`,
        };
      }
      return {
        reason: 'DriftCorrected',
        type: 'Warning',
        text: `${at} was changed in the workspace; imported the spec's content again`,
      };
    default:
      return undefined;
  }
}

/**
 * Where an import of `path` may land: SOURCE keeps the path; the other formats may strip an extension
 * (`etl.ipynb` becomes the notebook `etl`, an AUTO `etl.py` with a notebook header too).
 */
function importedPaths(path: string, format: Format): string[] {
  if (format === 'SOURCE') return [path];
  const stripped = path.replace(/(\/[^/]+)\.[A-Za-z0-9]+$/, '$1');
  return stripped === path ? [path] : [path, stripped];
}

/**
 * Creates the parent folder and imports the content, replacing `existing` (ours, or one `spec.overwrite`
 * replaces). A DBC archive cannot be imported over a folder, so that folder is deleted first. A first
 * import overwrites only with `spec.overwrite`: otherwise an object that appeared meanwhile is `PathExists`.
 */
async function importObject(
  client: DatabricksClient,
  folders: FolderListings<ObjectInfo>,
  notebook: DatabricksNotebook,
  content: Content,
  existing: ObjectInfo | undefined,
): Promise<ObjectInfo> {
  const { language } = notebook.spec;
  const path = workspacePath(notebook.spec.path);
  const format = notebook.spec.format ?? 'SOURCE';
  const parent = path.slice(0, path.lastIndexOf('/'));
  if (parent) await client.workspace.mkdirs(parent);
  if (format === 'DBC' && existing?.path) await deleteObject(client, folders, existing.path, true);
  try {
    await client.workspace.import({
      path,
      content: content.bytes.toString('base64'),
      format,
      ...(language ? { language } : {}),
      ...(format === 'DBC'
        ? {}
        : { overwrite: existing !== undefined || (notebook.spec.overwrite ?? false) }),
    });
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    throw pathExists(path, (await findObject(client, importedPaths(path, format))) ?? { path });
  } finally {
    // Wherever it landed, if it did, the folder's listing from before no longer speaks for it.
    for (const candidate of importedPaths(path, format)) folders.wrote(candidate);
  }
  const imported = await findObject(client, importedPaths(path, format));
  if (!imported) throw new Error(`workspace/import of ${path} succeeded, but nothing is at that path`);
  return imported;
}

/**
 * Whether `observed` holds `content`, comparing the SOURCE export with the header line dropped; or
 * undefined when the format cannot be compared that way (HTML, JUPYTER, R_MARKDOWN, DBC).
 */
async function holdsContent(
  client: DatabricksClient,
  observed: ObjectInfo,
  content: Content,
  spec: DatabricksNotebookSpec,
): Promise<boolean | undefined> {
  const format = spec.format ?? 'SOURCE';
  const path = observed.path ?? spec.path;
  if (observed.object_type === 'FILE') {
    const exported = await client.workspace.export(path, 'SOURCE');
    return sha256Hex(Buffer.from(exported.content ?? '', 'base64')) === content.hash;
  }
  if (observed.object_type !== 'NOTEBOOK' || (format !== 'SOURCE' && format !== 'AUTO')) return undefined;
  const reported = observed.language;
  const language = (reported && isNotebookLanguage(reported) ? reported : spec.language) ?? 'PYTHON';
  const exported = await client.workspace.export(path, 'SOURCE');
  const source = Buffer.from(exported.content ?? '', 'base64').toString('utf8');
  return sameNotebookSource(source, content.bytes.toString('utf8'), language);
}

/**
 * Whether the object may have changed since status recorded it: a later `modified_at`, or another object
 * in its place; `unknown` when no `modified_at` is reported (only a comparison of the content can tell).
 */
function changedSince(observed: ObjectInfo, previous: DatabricksNotebookStatus): ChangedSince {
  if (observed.modified_at === undefined) return 'unknown';
  const replaced =
    observed.object_id !== undefined &&
    previous.objectId !== undefined &&
    Number(observed.object_id) !== previous.objectId;
  const recorded = Date.parse(previous.modificationTime ?? '');
  return replaced || Number.isNaN(recorded) || observed.modified_at !== recorded ? 'yes' : 'no';
}

/** The first of `paths` that exists. */
async function findObject(
  client: DatabricksClient,
  paths: readonly string[],
): Promise<ObjectInfo | undefined> {
  for (const path of paths) {
    const found = await objectAt(client, path);
    if (found) return { ...found, path: found.path ?? path };
  }
  return undefined;
}

async function objectAt(client: DatabricksClient, path: string): Promise<ObjectInfo | undefined> {
  const found = await unlessMissing(client.workspace.getStatus(path));
  return found && { ...found, path: found.path ?? path };
}

async function deleteObject(
  client: DatabricksClient,
  folders: FolderListings<ObjectInfo>,
  path: string,
  recursive: boolean,
): Promise<void> {
  try {
    await deleteUnlessGone(() => client.workspace.delete(path, { recursive }));
  } finally {
    folders.wrote(path);
  }
}

/** After a path change: the object at the old path goes too, unless `deletionPolicy` is Retain. */
async function removeMoved(
  client: DatabricksClient,
  folders: FolderListings<ObjectInfo>,
  notebook: DatabricksNotebook,
  previous: DatabricksNotebookStatus,
): Promise<EventNote[]> {
  if ((notebook.spec.deletionPolicy ?? 'Delete') !== 'Delete' || !previous.path) return [];
  await deleteObject(client, folders, previous.path, previous.objectType === 'DIRECTORY');
  return [note('Deleted', 'DeleteNotebook', `deleted ${previous.path}, the previous path`)];
}

function pathExists(path: string, observed: ObjectInfo): NotReadyError {
  const what = observed.object_type
    ? `a ${observed.object_type.toLowerCase()} (object ${String(observed.object_id)})`
    : 'an object';
  return new NotReadyError(
    'PathExists',
    `spec.path: ${observed.path ?? path} is already ${what} with other content, not written by this DatabricksNotebook; set spec.overwrite to replace it, delete or move it in the workspace, or choose another path`,
  );
}

function statusObjectType(type: ObjectInfo['object_type']): DatabricksNotebookStatus['objectType'] {
  return IMPORTED_OBJECT_TYPES.find((candidate) => candidate === type);
}

/** Honours `deletionPolicy` for the object status recorded; the finalizer goes once the workspace confirmed. */
async function cleanupNotebook(
  notebook: DatabricksNotebook,
  connect: () => Promise<DatabricksClient>,
  context: NotebookContext,
): Promise<CleanedUp> {
  const path = notebook.status?.path;
  if (!path) return done;
  const leftover = { what: path, where: 'the workspace', noun: 'Notebook' };
  const left = leftInPlace(notebook, context, leftover);
  if (left) return left;
  const client = await connect();
  await deleteObject(
    client,
    workspaceFolders(client, context.view),
    path,
    notebook.status?.objectType === 'DIRECTORY',
  );
  return { events: [note('Deleted', 'DeleteNotebook', `deleted ${path} from the workspace`)] };
}

/** The DatabricksNotebook kind, for `managedController`: woken by its workspace and its content's ConfigMap or Secret. */
export const notebookKind: ManagedKind<DatabricksNotebook, DatabricksNotebookStatus, NotebookContext> = {
  kind: 'DatabricksNotebook',
  informer: ({ DatabricksNotebook }) => DatabricksNotebook,
  resource: NOTEBOOKS,
  watches: contentWatches((notebook) => notebook.spec.contentFrom),
  context: ({ informer, config }, base) => ({
    ...base,
    view: freshUntilResync(informer, config.resyncPeriodMs),
  }),
  apply: applyNotebook,
  cleanup: cleanupNotebook,
  observe: observeNotebook,
};
