import { createHash } from 'node:crypto';
import {
  ApiError,
  errors,
  type FakeContext,
  type FakeRequest,
  type FakeResponseBody,
  type FakeService,
  type Route,
  routesUnder,
} from './api.js';
import { RequestFields } from './request-fields.js';

/** Limits of BEHAVIOUR.md §1.5. */
const MAX_BLOCK_BYTES = 1024 * 1024;
const MAX_READ_BYTES = 1024 * 1024;
const DEFAULT_READ_BYTES = 512 * 1024;
const HANDLE_IDLE_TIMEOUT_MS = 10 * 60 * 1000;
/**
 * A recursive delete removes at most this many entries per call and then answers 503, as a real delete
 * that runs past its ~45 s budget does; the client calls again until it succeeds.
 */
const DEFAULT_DELETE_BATCH = 10_000;

/** Knobs of the DBFS service. */
export interface DbfsOptions {
  /** Entries one `dbfs/delete` call removes before answering 503. @default 10000 */
  readonly deleteBatchSize?: number;
}

type DbfsEntry =
  | { readonly isDir: true; modificationTime: number }
  | { readonly isDir: false; data: Buffer; modificationTime: number };

interface OpenHandle {
  readonly path: string;
  readonly blocks: Buffer[];
  lastUsed: number;
}

/**
 * The DBFS API (2.0): an in-memory file tree with inline puts, streaming uploads through handles,
 * ranged reads, and the API's error codes and size limits.
 *
 * Paths are absolute (`/FileStore/x.txt`); a `dbfs:` scheme prefix is accepted and dropped, and responses
 * carry plain absolute paths. Parent directories are created implicitly by put, create, mkdirs and
 * move, as DBFS does. Deleting a path that does not exist succeeds, as the real API does. A streaming
 * handle expires after 10 minutes without a call, by the workspace clock; until `close` the file exists
 * but is empty. A recursive delete of a large tree answers 503 part-way (see {@link DbfsOptions}).
 */
export class DbfsService implements FakeService {
  readonly name = 'dbfs';
  private entries = new Map<string, DbfsEntry>();
  private handles = new Map<number, OpenHandle>();
  private nextHandle = 1;

  private readonly deleteBatchSize: number;

  constructor(
    private readonly ctx: FakeContext,
    options: DbfsOptions = {},
  ) {
    this.deleteBatchSize = options.deleteBatchSize ?? DEFAULT_DELETE_BATCH;
    this.reset();
  }

  routes(): Route[] {
    const route = routesUnder('2.0', 'dbfs');
    return [
      route('POST', 'put', (req) => this.put(req)),
      route('POST', 'create', (req) => this.create(req)),
      route('POST', 'add-block', (req) => this.addBlock(req)),
      route('POST', 'close', (req) => this.close(req)),
      route('GET', 'read', (req) => this.read(req)),
      route('GET', 'get-status', (req) => this.getStatus(req)),
      route('GET', 'list', (req) => this.list(req)),
      route('POST', 'mkdirs', (req) => this.mkdirs(req)),
      route('POST', 'move', (req) => this.move(req)),
      route('POST', 'delete', (req) => this.delete(req)),
    ];
  }

  snapshot(): unknown {
    return {
      files: [...this.entries.entries()].map(([path, entry]) =>
        entry.isDir
          ? { path, is_dir: true }
          : { path, is_dir: false, file_size: entry.data.length, sha256: sha256(entry.data) },
      ),
      open_handles: [...this.handles.entries()].map(([handle, open]) => ({ handle, path: open.path })),
    };
  }

  reset(): void {
    this.entries = new Map([['/', { isDir: true, modificationTime: this.ctx.clock.now() }]]);
    this.handles.clear();
    this.nextHandle = 1;
  }

  /** The content of a file, or undefined if there is none at `path` (for test assertions). */
  fileContent(path: string): Buffer | undefined {
    const entry = this.entries.get(normalizedPath(path, 'path'));
    return entry && !entry.isDir ? Buffer.from(entry.data) : undefined;
  }

  private put(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const path = normalizedPath(fields.requiredString('path'), 'path');
    const data = decodeBlock(fields.string('contents') ?? '', 'contents');
    this.prepareFile(path, fields.boolean('overwrite') ?? false);
    this.writeFile(path, data);
    return {};
  }

  private create(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const path = normalizedPath(fields.requiredString('path'), 'path');
    this.prepareFile(path, fields.boolean('overwrite') ?? false);
    this.writeFile(path, Buffer.alloc(0));
    const handle = this.nextHandle++;
    this.handles.set(handle, { path, blocks: [], lastUsed: this.ctx.clock.now() });
    return { handle };
  }

  private addBlock(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const open = this.openHandle(fields.requiredNumber('handle'));
    open.blocks.push(decodeBlock(fields.requiredString('data'), 'data'));
    return {};
  }

  private close(req: FakeRequest): FakeResponseBody {
    const handle = RequestFields.of(req).requiredNumber('handle');
    const open = this.openHandle(handle);
    this.handles.delete(handle);
    this.ensureParents(open.path);
    this.writeFile(open.path, Buffer.concat(open.blocks));
    return {};
  }

  private read(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const path = normalizedPath(fields.requiredString('path'), 'path');
    const offset = fields.number('offset') ?? 0;
    const length = fields.number('length') ?? DEFAULT_READ_BYTES;
    if (offset < 0 || length < 0) {
      throw errors.invalidParameter(
        `offset and length must not be negative (got offset=${offset}, length=${length}).`,
      );
    }
    if (length > MAX_READ_BYTES) {
      throw new ApiError(
        400,
        'MAX_READ_SIZE_EXCEEDED',
        `Cannot read more than ${MAX_READ_BYTES} bytes in one call (length=${length}); read in smaller ranges.`,
      );
    }
    const entry = this.entry(path);
    if (entry.isDir) throw errors.invalidParameter(`Cannot read ${path}: it is a directory, not a file.`);
    const slice = entry.data.subarray(
      Math.min(offset, entry.data.length),
      Math.min(offset + length, entry.data.length),
    );
    return { bytes_read: slice.length, data: slice.toString('base64') };
  }

  private getStatus(req: FakeRequest): FakeResponseBody {
    const path = normalizedPath(RequestFields.of(req).requiredString('path'), 'path');
    return fileInfo(path, this.entry(path));
  }

  private list(req: FakeRequest): FakeResponseBody {
    const path = normalizedPath(RequestFields.of(req).requiredString('path'), 'path');
    const entry = this.entry(path);
    if (!entry.isDir) return { files: [fileInfo(path, entry)] };
    const children = this.childrenOf(path).map((child) =>
      fileInfo(child, this.entries.get(child) as DbfsEntry),
    );
    return children.length > 0 ? { files: children } : {};
  }

  private mkdirs(req: FakeRequest): FakeResponseBody {
    const path = normalizedPath(RequestFields.of(req).requiredString('path'), 'path');
    this.ensureParents(path);
    const existing = this.entries.get(path);
    if (existing && !existing.isDir) throw alreadyExists(path);
    if (!existing) this.entries.set(path, { isDir: true, modificationTime: this.ctx.clock.now() });
    return {};
  }

  private move(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const source = normalizedPath(fields.requiredString('source_path'), 'source_path');
    const destination = normalizedPath(fields.requiredString('destination_path'), 'destination_path');
    this.entry(source);
    if (this.entries.has(destination)) throw alreadyExists(destination);
    if (source === '/' || destination.startsWith(`${source}/`)) {
      throw errors.invalidParameter(`Cannot move ${source} into itself (${destination}).`);
    }
    this.ensureParents(destination);
    for (const path of [source, ...this.descendantsOf(source)]) {
      const entry = this.entries.get(path) as DbfsEntry;
      this.entries.delete(path);
      this.entries.set(destination + path.slice(source.length), entry);
    }
    return {};
  }

  private delete(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const path = normalizedPath(fields.requiredString('path'), 'path');
    const recursive = fields.boolean('recursive') ?? false;
    const entry = this.entries.get(path);
    if (!entry) return {};
    const descendants = this.descendantsOf(path);
    if (entry.isDir && descendants.length > 0 && !recursive) {
      throw new ApiError(
        400,
        'IO_ERROR',
        `Directory ${path} is not empty: pass recursive=true to delete it with its contents.`,
      );
    }
    // Deepest first, so that an interrupted delete leaves a consistent tree behind.
    const doomed = [...descendants].sort((a, b) => b.length - a.length);
    for (const descendant of doomed.slice(0, this.deleteBatchSize)) this.entries.delete(descendant);
    if (doomed.length > this.deleteBatchSize) {
      throw new ApiError(
        503,
        'TEMPORARILY_UNAVAILABLE',
        `Deleting ${path} is taking too long: ${doomed.length - this.deleteBatchSize} entries remain. Call dbfs/delete again to continue.`,
      );
    }
    // The root itself stays: it can be emptied but not removed.
    if (path !== '/') this.entries.delete(path);
    return {};
  }

  /** Check a file may be (re)written at `path` and create its parent directories. */
  private prepareFile(path: string, overwrite: boolean): void {
    const existing = this.entries.get(path);
    if (existing && (existing.isDir || !overwrite)) throw alreadyExists(path);
    this.ensureParents(path);
  }

  private writeFile(path: string, data: Buffer): void {
    this.entries.set(path, { isDir: false, data, modificationTime: this.ctx.clock.now() });
  }

  /** `mkdir -p` of every ancestor of `path`; a file in the way is RESOURCE_ALREADY_EXISTS. */
  private ensureParents(path: string): void {
    const parts = path.split('/').filter(Boolean);
    let current = '';
    for (const part of parts.slice(0, -1)) {
      current += `/${part}`;
      const existing = this.entries.get(current);
      if (existing && !existing.isDir) throw alreadyExists(current);
      if (!existing) this.entries.set(current, { isDir: true, modificationTime: this.ctx.clock.now() });
    }
  }

  private entry(path: string): DbfsEntry {
    const entry = this.entries.get(path);
    if (!entry) throw errors.notFound(`No file or directory exists on path ${path}.`);
    return entry;
  }

  private openHandle(handle: number): OpenHandle {
    const now = this.ctx.clock.now();
    const idle = this.handles.get(handle);
    if (idle && now - idle.lastUsed > HANDLE_IDLE_TIMEOUT_MS) this.handles.delete(handle);
    const open = this.handles.get(handle);
    if (!open) {
      throw errors.notFound(
        `Handle ${handle} does not exist: it was closed, or idle for more than 10 minutes.`,
      );
    }
    open.lastUsed = now;
    return open;
  }

  private descendantsOf(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    return [...this.entries.keys()].filter((key) => key !== path && key.startsWith(prefix));
  }

  private childrenOf(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    return this.descendantsOf(path)
      .filter((key) => !key.slice(prefix.length).includes('/'))
      .sort();
  }
}

/** An absolute DBFS path without a scheme, repeated or trailing slashes. */
function normalizedPath(raw: string, field: string): string {
  const withoutScheme = raw.startsWith('dbfs:') ? raw.slice('dbfs:'.length) : raw;
  if (!withoutScheme.startsWith('/')) {
    throw errors.invalidParameter(
      `${field} '${raw}' must be an absolute DBFS path, such as /FileStore/file.txt.`,
    );
  }
  const parts = withoutScheme.split('/').filter(Boolean);
  if (parts.some((part) => part === '.' || part === '..')) {
    throw errors.invalidParameter(`${field} '${raw}' must not contain '.' or '..' segments.`);
  }
  return `/${parts.join('/')}`;
}

function decodeBlock(base64: string, field: string): Buffer {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(base64)) {
    throw errors.invalidParameter(`${field} must be base64-encoded.`);
  }
  const data = Buffer.from(base64, 'base64');
  if (data.length > MAX_BLOCK_BYTES) {
    throw new ApiError(
      400,
      'MAX_BLOCK_SIZE_EXCEEDED',
      `${field} holds ${data.length} bytes; a single call may carry at most ${MAX_BLOCK_BYTES} bytes. Use create, add-block and close for larger files.`,
    );
  }
  return data;
}

function fileInfo(path: string, entry: DbfsEntry): FakeResponseBody {
  return {
    path,
    is_dir: entry.isDir,
    file_size: entry.isDir ? 0 : entry.data.length,
    modification_time: entry.modificationTime,
  };
}

function alreadyExists(path: string): ApiError {
  return errors.alreadyExists(`A file or directory already exists at the input path ${path}.`);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
