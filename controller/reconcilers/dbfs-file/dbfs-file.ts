/**
 * The DatabricksDbfsFile reconciler: one DBFS file per object, holding the spec's content.
 *
 * - Content is read from its source at every reconcile; its SHA-256 in status says what was written.
 *   It is uploaded only when that hash (or the path) changes: `dbfs/put` within the inline limit
 *   (1 MiB of base64), otherwise create/add-block/close in 1 MB blocks.
 * - Steady state costs no read of its own: the file is looked up in one `dbfs/list` of its directory,
 *   read once per resync and shared by every file in that directory ({@link FolderListings}); only a file
 *   the listing does not show (deleted, or written since) is read with `dbfs/get-status`. A file deleted
 *   in Databricks, or one whose size or modification time moved away from what status recorded (someone
 *   wrote it), is uploaded again.
 * - A DBFS file has no tags, so what this object owns is what its status records. Before its first
 *   write to a path, a file already there with the same content (e.g. written just before a crash) is
 *   taken as is; one with other content is replaced only when `spec.overwrite` (default true) allows
 *   it, and is `PathExists` otherwise.
 * - Deleted: `deletionPolicy` Delete (default) deletes the file status recorded (already gone is fine),
 *   Retain leaves it. A path changed in the spec moves the file the same way.
 */
import { dbfsPath } from '../../drift/object-paths.js';
import {
  DATABRICKS_DBFS_FILE,
  MAX_INLINE_CONTENT_BASE64,
  type DatabricksDbfsFileSpec,
  type DatabricksDbfsFileStatus,
} from '../../../lib/crds/index.js';
import { unlessMissing, type DatabricksClient, type FileInfo } from '../../databricks/index.js';
import type { ManagedKind } from '../managed/managed-kind.js';
import { contentWatches } from '../managed/source-watches.js';
import type { EventNote } from '../../runtime/events.js';
import type { KubeClient, ResourceType } from '../../runtime/kube-client.js';
import { done } from '../../runtime/outcome.js';
import { describeContent, readContent, sha256Hex, type Content } from '../content/content-source.js';
import {
  decideContent,
  needsComparison,
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

/** The `databricksdbfsfiles` resource. */
export const DBFS_FILES: ResourceType = resourceOf(DATABRICKS_DBFS_FILE);

/** A DatabricksDbfsFile as the informer holds it. */
export type DatabricksDbfsFile = ManagedObject<DatabricksDbfsFileSpec, DatabricksDbfsFileStatus>;

/** What {@link dbfsFileKind} needs: the shared context, able to read ConfigMaps too. */
export interface DbfsFileContext extends ManagedContext {
  readonly kube: Pick<KubeClient, 'patchCustomObject' | 'readSecret' | 'readConfigMap'>;
  /** How fresh the shared directory listings must be. @default one minute, no resync */
  readonly view?: ListingFreshness;
}

const directoryViews = new WeakMap<DatabricksClient, FolderListings<FileInfo>>();

/** The DBFS directory listings of the workspace `client` talks to, shared by its files. */
function dbfsDirectories(client: DatabricksClient, freshness?: ListingFreshness): FolderListings<FileInfo> {
  let directories = directoryViews.get(client);
  if (!directories) {
    directories = new FolderListings<FileInfo>(
      { list: (directory) => client.dbfs.list(directory), pathOf: (item) => item.path, normalize: dbfsPath },
      freshness ?? defaultListingFreshness,
    );
    directoryViews.set(client, directories);
  }
  return directories;
}

/**
 * `managementPolicy: Observe`: reads the file at `spec.path` and says whether it holds the spec's content,
 * uploading nothing. Observing records no content hash of its own, so taking a file this object never wrote
 * over later (policy Manage) is the first-write case.
 */
/** The content the spec names: inline, or from its ConfigMap or Secret key. */
function specContent(file: DatabricksDbfsFile, context: DbfsFileContext): Promise<Content> {
  return readContent(
    context.kube,
    file.metadata.namespace ?? '',
    { inline: file.spec.contents, ...file.spec.contentsFrom },
    { inline: 'spec.contents', from: 'spec.contentsFrom' },
  );
}

async function observeDbfsFile(
  file: DatabricksDbfsFile,
  client: DatabricksClient,
  context: DbfsFileContext,
): Promise<Applied<DatabricksDbfsFileStatus>> {
  const path = file.spec.path;
  const content = await specContent(file, context);
  const observed = await fileStatus(client, path);
  if (!observed || observed.is_dir) {
    throw new NotReadyError(
      'NotFound',
      `spec.path: ${observed ? `${path} is a directory` : `no file is at ${path}`} in ${client.host}; managementPolicy Observe never uploads anything`,
    );
  }
  const drifted = (await holdsContent(client, path, observed, content)) ? [] : ['contents'];
  return {
    status: {
      path,
      ...(observed.file_size === undefined ? {} : { fileSize: observed.file_size }),
      ...(observed.modification_time === undefined
        ? {}
        : { modificationTime: new Date(observed.modification_time).toISOString() }),
      driftedFields: drifted,
    },
    reason: OBSERVED_REASON,
    message: observedMessage(`file ${path}`),
    conditions: [inSyncCondition(`file ${path}`, 'the spec', drifted, file.metadata.generation)],
  };
}

async function applyDbfsFile(
  file: DatabricksDbfsFile,
  client: DatabricksClient,
  context: DbfsFileContext,
): Promise<Applied<DatabricksDbfsFileStatus>> {
  const path = file.spec.path;
  const content = await specContent(file, context);
  const previous = file.status ?? {};
  const ours = previous.path !== undefined && samePath(previous.path, path) && !!previous.contentHash;
  const events: EventNote[] = [];
  const directories = dbfsDirectories(client, context.view);
  // Ours and at rest, the directory's shared listing shows it; anything else is read on its own.
  let observed = (ours ? await directories.find(path) : undefined) ?? (await fileStatus(client, path));

  const write = async (reason: string, type: EventNote['type'], text: string): Promise<void> => {
    try {
      await upload(client, path, content.bytes);
    } finally {
      directories.wrote(path);
    }
    observed = await client.dbfs.getStatus(path);
    events.push({ type, reason, action: 'UploadFile', note: `${text} (${describeContent(content)})` });
  };

  if (observed?.is_dir) {
    throw new NotReadyError(
      'PathExists',
      `spec.path: ${path} is a directory in DBFS; choose a path that is not a directory`,
    );
  }
  const facts = fileFacts(file, ours, observed, content.hash);
  const holds =
    observed && needsComparison(facts) ? await holdsContent(client, path, observed, content) : undefined;
  const decision = decideContent({ ...facts, ...(holds === undefined ? {} : { holds }) });
  if (decision.action === 'refuse') {
    throw new NotReadyError(
      'PathExists',
      `spec.path: ${path} already exists in DBFS with other content and spec.overwrite is false; set overwrite to true to replace it, or choose another path`,
    );
  }
  const uploading = uploadFor(decision, path);
  if (uploading) await write(uploading.reason, uploading.type, uploading.text);
  else if (decision.action === 'adopt') {
    events.push(note('Found', 'UploadFile', `${path} already holds the content; took it as is`));
  }
  // Moved in the spec: the file at the path it had before goes, unless the policy keeps it.
  const moved = !ours && previous.path !== undefined && !samePath(previous.path, path);
  if (moved && (file.spec.deletionPolicy ?? 'Delete') === 'Delete') {
    await deleteFile(client, directories, previous.path as string);
    events.push(note('Deleted', 'DeleteFile', `deleted ${previous.path}, the file's previous path`));
  }

  const written = observed as FileInfo;
  return {
    status: {
      path,
      fileSize: written.file_size ?? content.bytes.length,
      contentHash: content.hash,
      ...(written.modification_time === undefined
        ? {}
        : { modificationTime: new Date(written.modification_time).toISOString() }),
    },
    reason: 'Synced',
    message: `DBFS file ${path} holds ${describeContent(content)}`,
    events,
  };
}

/** What the content decision looks at, for the file at `spec.path`. */
function fileFacts(
  file: DatabricksDbfsFile,
  ours: boolean,
  observed: FileInfo | undefined,
  contentHash: string,
): Omit<ContentFacts, 'holds'> {
  const previous = file.status ?? {};
  return {
    ours,
    specChanged: previous.contentHash !== contentHash,
    present: observed !== undefined,
    changed: observed && changedSince(observed, previous) ? 'yes' : 'no',
    drifted: [],
    // A file of ours whose size or time moved is uploaded again without a download first.
    compares: false,
    overwrite: file.spec.overwrite ?? true,
  };
}

/** The upload `decision` asks for, as its Event tells it; undefined when nothing is uploaded. */
function uploadFor(
  decision: ContentDecision,
  path: string,
): { reason: string; type: EventNote['type']; text: string } | undefined {
  switch (decision.action) {
    case 'create':
      return decision.recreate
        ? {
            reason: 'Recreated',
            type: 'Warning',
            text: `${path} was deleted in Databricks; uploaded it again`,
          }
        : { reason: 'Created', type: 'Normal', text: `uploaded ${path}` };
    case 'adopt':
      return decision.diff.length === 0
        ? undefined
        : { reason: 'Created', type: 'Normal', text: `replaced the existing ${path} (spec.overwrite)` };
    case 'update':
      return decision.cause === 'SpecChanged'
        ? { reason: 'Updated', type: 'Normal', text: `uploaded the new content of ${path}` }
        : {
            reason: 'DriftCorrected',
            type: 'Warning',
            text: `${path} was changed in Databricks; uploaded the spec's content`,
          };
    default:
      return undefined;
  }
}

/**
 * `dbfs/put` when the content fits the inline limit, else create/add-block/close in 1 MB blocks. The
 * limit is the spec's own inline limit, 1 MiB of base64: a put body then stays within Databricks' 1 MB
 * whether that is counted before or after decoding. Only a ConfigMap or Secret (up to 1 MiB) exceeds it.
 */
async function upload(client: DatabricksClient, path: string, bytes: Buffer): Promise<void> {
  const base64 = bytes.toString('base64');
  if (base64.length <= MAX_INLINE_CONTENT_BASE64) {
    await client.dbfs.put(path, base64, { overwrite: true });
  } else {
    await client.dbfs.upload(path, bytes);
  }
}

/** The file's DBFS status, or undefined when nothing is at `path`. */
function fileStatus(client: DatabricksClient, path: string): Promise<FileInfo | undefined> {
  return unlessMissing(client.dbfs.getStatus(path));
}

/** Whether someone wrote the file since status recorded it: its size or modification time moved. */
function changedSince(observed: FileInfo, previous: DatabricksDbfsFileStatus): boolean {
  if (previous.fileSize !== undefined && observed.file_size !== previous.fileSize) return true;
  const recorded = previous.modificationTime === undefined ? NaN : Date.parse(previous.modificationTime);
  return (
    observed.modification_time !== undefined &&
    !Number.isNaN(recorded) &&
    observed.modification_time !== recorded
  );
}

/** Whether the existing file already holds `content` (read only when the sizes agree). */
async function holdsContent(
  client: DatabricksClient,
  path: string,
  observed: FileInfo,
  content: Content,
): Promise<boolean> {
  if (observed.file_size !== content.bytes.length) return false;
  return sha256Hex(await client.dbfs.download(path)) === content.hash;
}

async function deleteFile(
  client: DatabricksClient,
  directories: FolderListings<FileInfo>,
  path: string,
): Promise<void> {
  try {
    await deleteUnlessGone(() => client.dbfs.delete(path));
  } finally {
    directories.wrote(path);
  }
}

/** Honours `deletionPolicy` for the file status recorded; the finalizer goes once DBFS confirmed. */
async function cleanupDbfsFile(
  file: DatabricksDbfsFile,
  connect: () => Promise<DatabricksClient>,
  context: DbfsFileContext,
): Promise<CleanedUp> {
  const path = file.status?.path;
  if (!path) return done;
  const left = leftInPlace(file, context, { what: path, where: 'DBFS', noun: 'File' });
  if (left) return left;
  const client = await connect();
  await deleteFile(client, dbfsDirectories(client, context.view), path);
  return { events: [note('Deleted', 'DeleteFile', `deleted ${path} from DBFS`)] };
}

/** `dbfs:/a/b` and `/a/b` are the same file. */
function samePath(a: string, b: string): boolean {
  return dbfsPath(a) === dbfsPath(b);
}

/** The DatabricksDbfsFile kind, for `managedController`: woken by its workspace and its contents' ConfigMap or Secret. */
export const dbfsFileKind: ManagedKind<DatabricksDbfsFile, DatabricksDbfsFileStatus, DbfsFileContext> = {
  kind: 'DatabricksDbfsFile',
  informer: ({ DatabricksDbfsFile }) => DatabricksDbfsFile,
  resource: DBFS_FILES,
  watches: contentWatches((file) => file.spec.contentsFrom),
  context: ({ informer, config }, base) => ({
    ...base,
    view: freshUntilResync(informer, config.resyncPeriodMs),
  }),
  apply: applyDbfsFile,
  cleanup: cleanupDbfsFile,
  observe: observeDbfsFile,
};
