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

export type NotebookLanguage = 'PYTHON' | 'SCALA' | 'SQL' | 'R';
const LANGUAGES: readonly NotebookLanguage[] = ['PYTHON', 'SCALA', 'SQL', 'R'];
const FORMATS = ['SOURCE', 'HTML', 'JUPYTER', 'DBC', 'R_MARKDOWN', 'AUTO'] as const;
type ExportFormat = (typeof FORMATS)[number];

/** Import and export limit (BEHAVIOUR.md §1.6). */
const MAX_CONTENT_BYTES = 10 * 1024 * 1024;
/** Object ids are int64 in the real API; these stay below 2^53 so JSON numbers are exact. */
const FIRST_OBJECT_ID = 1_000_000_000_000;

/** Per language: the line comment, the source file extension, and the `file_type` of a SOURCE export. */
const SOURCE_SYNTAX: Record<NotebookLanguage, { comment: string; extension: string }> = {
  PYTHON: { comment: '#', extension: 'py' },
  SCALA: { comment: '//', extension: 'scala' },
  SQL: { comment: '--', extension: 'sql' },
  R: { comment: '#', extension: 'r' },
};

/**
 * The first line a SOURCE export of a notebook starts with, e.g. `# Databricks notebook source` for
 * Python. A real workspace adds it on export; see {@link WorkspaceService}.
 */
export function notebookSourceHeader(language: NotebookLanguage): string {
  return `${SOURCE_SYNTAX[language].comment} Databricks notebook source`;
}

/** The cell separator of notebook source files, in each language's comment syntax. */
function cellSeparator(language: NotebookLanguage): string {
  return `${SOURCE_SYNTAX[language].comment} COMMAND ----------`;
}

interface WorkspaceObject {
  /** A REPO is a Git folder: it holds objects as a directory does, and the repos service owns it. */
  readonly objectType: 'DIRECTORY' | 'NOTEBOOK' | 'FILE' | 'REPO';
  readonly objectId: number;
  readonly createdAt: number;
  modifiedAt: number;
  language?: NotebookLanguage;
  /** Notebook source text as imported, or a file's bytes. */
  content?: Buffer;
}

/** What the workspace tells the repos service: a Git folder went away through the Workspace API. */
export interface WorkspaceHooks {
  readonly onRepoRemoved?: (objectId: number) => void;
}

/** Objects that hold others: folders and Git folders. */
function isContainer(object: WorkspaceObject): boolean {
  return object.objectType === 'DIRECTORY' || object.objectType === 'REPO';
}

/**
 * The Workspace API (2.0): folders, notebooks and workspace files.
 *
 * Notebook source normalization, which a controller comparing content must mirror: a notebook's source
 * is stored exactly as imported, and a SOURCE (or AUTO) export returns it with the notebook header line
 * (`# Databricks notebook source`, `// ...` for Scala, `-- ...` for SQL) put first, unless the imported
 * source already began with that line. So exporting what was imported gives either the same bytes (when
 * the import carried the header) or the header, a newline, then the imported bytes. Hash the export with
 * its first line removed when it is the header, and do the same to the desired source.
 *
 * AUTO import turns `x.py`/`x.scala`/`x.sql`/`x.r` whose content starts with the header into a notebook
 * named `x` (extension stripped), `x.ipynb` into a notebook `x`, and anything else into a FILE at the path
 * as given. The parent folder must exist (RESOURCE_DOES_NOT_EXIST otherwise): create it with mkdirs.
 * Archives: a folder exports (DBC, SOURCE or AUTO) as a JSON manifest of its objects standing in for the
 * real zip/DBC container, and a DBC import unpacks such a manifest into a new folder; any other archive
 * content is refused with INVALID_PARAMETER_VALUE rather than imported as an empty folder.
 */
export class WorkspaceService implements FakeService {
  readonly name = 'workspace';
  private objects = new Map<string, WorkspaceObject>();
  private nextObjectId = FIRST_OBJECT_ID;

  constructor(
    private readonly ctx: FakeContext,
    private readonly hooks: WorkspaceHooks = {},
  ) {
    this.reset();
  }

  routes(): Route[] {
    const route = routesUnder('2.0', 'workspace');
    return [
      route('POST', 'import', (req) => this.import(req)),
      route('GET', 'export', (req) => this.export(req)),
      route('GET', 'get-status', (req) => this.getStatus(req)),
      route('GET', 'list', (req) => this.list(req)),
      route('POST', 'mkdirs', (req) => this.mkdirs(req)),
      route('POST', 'delete', (req) => this.delete(req)),
    ];
  }

  snapshot(): unknown {
    return [...this.objects.entries()].map(([path, object]) => ({
      ...objectInfo(path, object),
      ...(object.objectType === 'NOTEBOOK' && { source: object.content?.toString('utf8') }),
    }));
  }

  reset(): void {
    this.objects.clear();
    this.nextObjectId = FIRST_OBJECT_ID;
    for (const path of ['/', '/Users', `/Users/${this.ctx.userName}`, '/Shared']) this.addDirectory(path);
    for (const path of ['/Repos', `/Repos/${this.ctx.userName}`]) this.addDirectory(path);
  }

  /**
   * Places a Git folder at `path` and returns its object id (the repo's id). The parent must be a folder
   * (404 "Parent directory ... does not exist." otherwise) and the path free.
   */
  addRepo(path: string): number {
    if (this.objects.has(path)) throw errors.alreadyExists(`Path (${path}) already exists.`);
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const folder = this.objects.get(parent);
    if (!folder || folder.objectType !== 'DIRECTORY') {
      throw errors.notFound(`RESOURCE_DOES_NOT_EXIST: Parent directory ${parent} does not exist.`);
    }
    const now = this.ctx.clock.now();
    const objectId = this.nextObjectId++;
    this.objects.set(path, { objectType: 'REPO', objectId, createdAt: now, modifiedAt: now });
    return objectId;
  }

  /** Removes a Git folder and what it holds (the repos service deleting a repo). */
  removeRepo(path: string): void {
    for (const descendant of this.descendantsOf(path)) this.objects.delete(descendant);
    this.objects.delete(path);
  }

  /** Creates `path` and its missing parents as folders, as `workspace/mkdirs` does. */
  ensureDirectory(path: string): void {
    this.mkdirsAt(normalizedPath(path));
  }

  /** Whether a notebook or directory with this object id exists (for the permissions service). */
  existsById(objectType: 'NOTEBOOK' | 'DIRECTORY' | 'FILE', objectId: string): boolean {
    return [...this.objects.values()].some(
      (o) => o.objectType === objectType && String(o.objectId) === objectId,
    );
  }

  /** The stored source of a notebook (as imported, before export normalization), for test assertions. */
  notebookSource(path: string): string | undefined {
    const object = this.objects.get(normalizedPath(path));
    return object?.objectType === 'NOTEBOOK' ? object.content?.toString('utf8') : undefined;
  }

  private import(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const requestedPath = normalizedPath(fields.requiredString('path'));
    const format = fields.oneOf('format', FORMATS) ?? 'SOURCE';
    const language = fields.oneOf('language', LANGUAGES);
    const overwrite = fields.boolean('overwrite') ?? false;
    const content = decodeContent(fields.string('content') ?? '');
    if (format === 'DBC' && overwrite) {
      throw errors.invalidParameter(
        `DBC import of ${requestedPath} does not support overwrite: delete the folder first.`,
      );
    }
    const item = importedItem(requestedPath, format, language, content);
    this.requireParentFolder(item.path);
    if (format === 'DBC') return this.importArchive(item.path, content);
    const existing = this.objects.get(item.path);
    if (existing && (!overwrite || isContainer(existing))) {
      throw errors.alreadyExists(`Path (${item.path}) already exists.`);
    }
    const now = this.ctx.clock.now();
    this.objects.set(item.path, {
      objectType: item.objectType,
      // Overwriting keeps the object's identity, as the real workspace does.
      objectId: existing?.objectId ?? this.nextObjectId++,
      createdAt: existing?.createdAt ?? now,
      modifiedAt: now,
      language: item.language,
      content: item.content,
    });
    return {};
  }

  /** Unpacks a folder archive (the manifest `export` writes) into a new folder at `path`. */
  private importArchive(path: string, content: Buffer): FakeResponseBody {
    if (this.objects.has(path)) throw errors.alreadyExists(`Path (${path}) already exists.`);
    const archive = parseArchive(path, content);
    const now = this.ctx.clock.now();
    const add = (at: string, object: Omit<WorkspaceObject, 'objectId' | 'createdAt' | 'modifiedAt'>) =>
      this.objects.set(at, { ...object, objectId: this.nextObjectId++, createdAt: now, modifiedAt: now });
    add(path, { objectType: 'DIRECTORY' });
    for (const entry of archive.objects) {
      if (entry.path === archive.root) continue;
      const relative = entry.path.slice(archive.root.length);
      add(`${path}${relative}`, {
        // A Git folder comes back as a plain folder: it is no longer linked to its remote.
        objectType: entry.object_type === 'REPO' ? 'DIRECTORY' : entry.object_type,
        ...(entry.language && { language: entry.language }),
        ...(entry.content !== undefined && { content: Buffer.from(entry.content, 'base64') }),
      });
    }
    return {};
  }

  private export(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const path = normalizedPath(fields.requiredString('path'));
    const format = fields.oneOf('format', FORMATS) ?? 'SOURCE';
    const object = this.find(path);
    const exported = exportedContent(path, object, format, this.directoryListing(path));
    if (exported.content.length > MAX_CONTENT_BYTES) {
      throw new ApiError(
        400,
        'MAX_NOTEBOOK_SIZE_EXCEEDED',
        `Export of ${path} exceeds ${MAX_CONTENT_BYTES} bytes.`,
      );
    }
    return { content: exported.content.toString('base64'), file_type: exported.fileType };
  }

  private getStatus(req: FakeRequest): FakeResponseBody {
    const path = normalizedPath(RequestFields.of(req).requiredString('path'));
    return objectInfo(path, this.find(path));
  }

  private list(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const path = normalizedPath(fields.requiredString('path'));
    const modifiedAfter = fields.number('notebooks_modified_after');
    const object = this.find(path);
    if (!isContainer(object)) return { objects: [objectInfo(path, object)] };
    const children = this.childrenOf(path)
      .map((child) => [child, this.objects.get(child) as WorkspaceObject] as const)
      .filter(
        ([, child]) =>
          modifiedAfter === undefined || child.objectType !== 'NOTEBOOK' || child.modifiedAt > modifiedAfter,
      )
      .map(([child, info]) => objectInfo(child, info));
    return children.length > 0 ? { objects: children } : {};
  }

  private mkdirs(req: FakeRequest): FakeResponseBody {
    this.mkdirsAt(normalizedPath(RequestFields.of(req).requiredString('path')));
    return {};
  }

  private mkdirsAt(path: string): void {
    let current = '';
    // Ancestors are created one by one, so a conflict deep down leaves the upper ones in place.
    for (const part of path.split('/').filter(Boolean)) {
      current += `/${part}`;
      const existing = this.objects.get(current);
      if (existing && !isContainer(existing)) {
        throw errors.alreadyExists(
          `Cannot create directory ${path}: ${current} already exists and is a ${existing.objectType.toLowerCase()}.`,
        );
      }
      if (!existing) this.addDirectory(current);
    }
  }

  private delete(req: FakeRequest): FakeResponseBody {
    const fields = RequestFields.of(req);
    const path = normalizedPath(fields.requiredString('path'));
    const recursive = fields.boolean('recursive') ?? false;
    const object = this.find(path);
    if (path === '/') throw errors.invalidParameter('The workspace root folder cannot be deleted.');
    const descendants = this.descendantsOf(path);
    if (isContainer(object) && descendants.length > 0 && !recursive) {
      throw new ApiError(
        400,
        'DIRECTORY_NOT_EMPTY',
        `Folder (${path}) is not empty: pass recursive=true to delete it with its contents.`,
      );
    }
    for (const removed of [...descendants, path]) {
      const gone = this.objects.get(removed);
      this.objects.delete(removed);
      if (gone?.objectType === 'REPO') this.hooks.onRepoRemoved?.(gone.objectId);
    }
    return {};
  }

  private addDirectory(path: string): void {
    const now = this.ctx.clock.now();
    this.objects.set(path, {
      objectType: 'DIRECTORY',
      objectId: this.nextObjectId++,
      createdAt: now,
      modifiedAt: now,
    });
  }

  private requireParentFolder(path: string): void {
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const folder = this.objects.get(parent);
    if (!folder || !isContainer(folder)) {
      throw errors.notFound(
        `The parent folder (${parent}) does not exist. Create it with workspace/mkdirs first.`,
      );
    }
  }

  private find(path: string): WorkspaceObject {
    const object = this.objects.get(path);
    if (!object) throw errors.notFound(`Path (${path}) doesn't exist.`);
    return object;
  }

  private descendantsOf(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    return [...this.objects.keys()].filter((key) => key !== path && key.startsWith(prefix));
  }

  private childrenOf(path: string): string[] {
    const prefix = path === '/' ? '/' : `${path}/`;
    return this.descendantsOf(path)
      .filter((key) => !key.slice(prefix.length).includes('/'))
      .sort();
  }

  private directoryListing(path: string): { path: string; object: WorkspaceObject }[] {
    return this.descendantsOf(path)
      .sort()
      .map((key) => ({ path: key, object: this.objects.get(key) as WorkspaceObject }));
  }
}

interface ImportedItem {
  readonly path: string;
  readonly objectType: WorkspaceObject['objectType'];
  readonly language?: NotebookLanguage;
  readonly content?: Buffer;
}

/** What an import creates, and where, for each format. */
function importedItem(
  path: string,
  format: ExportFormat,
  language: NotebookLanguage | undefined,
  content: Buffer,
): ImportedItem {
  switch (format) {
    case 'SOURCE':
      if (!language) {
        throw errors.invalidParameter(
          `Importing ${path} with format SOURCE needs a language (PYTHON, SCALA, SQL or R).`,
        );
      }
      return { path, objectType: 'NOTEBOOK', language, content };
    case 'AUTO': {
      const match = /^(.*)\.(py|scala|sql|r|ipynb)$/i.exec(path);
      if (match && match[2].toLowerCase() === 'ipynb') return jupyterNotebook(match[1], content, language);
      if (match) {
        const fromExtension = LANGUAGES.find((l) => SOURCE_SYNTAX[l].extension === match[2].toLowerCase());
        const detected = fromExtension ?? 'PYTHON';
        const firstLine = content.toString('utf8').split('\n', 1)[0].trim();
        if (firstLine === notebookSourceHeader(detected)) {
          return { path: match[1], objectType: 'NOTEBOOK', language: detected, content };
        }
      }
      // Without a source extension, a first line that is a notebook header still makes a notebook.
      const headerLanguage = [language, ...LANGUAGES].find(
        (candidate) =>
          candidate && content.toString('utf8').split('\n', 1)[0].trim() === notebookSourceHeader(candidate),
      );
      if (!match && headerLanguage)
        return { path, objectType: 'NOTEBOOK', language: headerLanguage, content };
      return { path, objectType: 'FILE', content };
    }
    case 'JUPYTER':
      return jupyterNotebook(path.replace(/\.ipynb$/i, ''), content, language);
    case 'HTML':
      return {
        path: path.replace(/\.html?$/i, ''),
        objectType: 'NOTEBOOK',
        language: language ?? 'PYTHON',
        content,
      };
    case 'R_MARKDOWN':
      return { path: path.replace(/\.Rmd$/i, ''), objectType: 'NOTEBOOK', language: 'R', content };
    case 'DBC':
      return { path: path.replace(/\.dbc$/i, ''), objectType: 'DIRECTORY' };
  }
}

/** A Jupyter notebook becomes a notebook whose source is its cells, joined by the cell separator. */
function jupyterNotebook(
  path: string,
  content: Buffer,
  language: NotebookLanguage | undefined,
): ImportedItem {
  let notebook: {
    cells?: { source?: string | string[] }[];
    metadata?: { language_info?: { name?: string } };
  };
  try {
    notebook = JSON.parse(content.toString('utf8')) as typeof notebook;
  } catch {
    throw errors.invalidParameter(`Content for ${path} is not a valid Jupyter notebook (.ipynb JSON).`);
  }
  const declared = notebook.metadata?.language_info?.name?.toUpperCase();
  const detected = language ?? LANGUAGES.find((l) => l === declared) ?? 'PYTHON';
  const cells = (notebook.cells ?? []).map((cell) =>
    Array.isArray(cell.source) ? cell.source.join('') : (cell.source ?? ''),
  );
  const source = [notebookSourceHeader(detected), cells.join(`\n\n${cellSeparator(detected)}\n\n`)].join(
    '\n',
  );
  return { path, objectType: 'NOTEBOOK', language: detected, content: Buffer.from(source, 'utf8') };
}

/** The content and `file_type` of an export in each format. */
function exportedContent(
  path: string,
  object: WorkspaceObject,
  format: ExportFormat,
  listing: { path: string; object: WorkspaceObject }[],
): { content: Buffer; fileType: string } {
  if (isContainer(object)) {
    if (format !== 'DBC' && format !== 'SOURCE' && format !== 'AUTO') {
      throw errors.invalidParameter(
        `Folder ${path} can only be exported as DBC, SOURCE or AUTO, not ${format}.`,
      );
    }
    // An opaque archive: a JSON manifest stands in for the real zip/DBC container.
    const manifest = listing.map((entry) => ({
      path: entry.path,
      object_type: entry.object.objectType,
      ...(entry.object.language && { language: entry.object.language }),
      ...(entry.object.content && { content: entry.object.content.toString('base64') }),
    }));
    return {
      content: Buffer.from(JSON.stringify({ root: path, objects: manifest })),
      fileType: format === 'DBC' ? 'dbc' : 'zip',
    };
  }
  const content = object.content ?? Buffer.alloc(0);
  if (object.objectType === 'FILE') {
    if (format !== 'SOURCE' && format !== 'AUTO') {
      throw errors.invalidParameter(
        `Workspace file ${path} can only be exported as SOURCE or AUTO, not ${format}.`,
      );
    }
    const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1] ?? '';
    return { content, fileType: extension };
  }
  const language = object.language ?? 'PYTHON';
  const source = withHeader(content.toString('utf8'), language);
  switch (format) {
    case 'SOURCE':
    case 'AUTO':
      return { content: Buffer.from(source, 'utf8'), fileType: SOURCE_SYNTAX[language].extension };
    case 'JUPYTER': {
      const cells = withoutHeader(source, language)
        .split(`\n\n${cellSeparator(language)}\n\n`)
        .map((cell) => ({
          cell_type: 'code',
          metadata: {},
          execution_count: null,
          outputs: [],
          source: cell,
        }));
      const notebook = {
        nbformat: 4,
        nbformat_minor: 0,
        metadata: { language_info: { name: language.toLowerCase() } },
        cells,
      };
      return { content: Buffer.from(JSON.stringify(notebook)), fileType: 'ipynb' };
    }
    case 'HTML': {
      const escaped = source.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      return {
        content: Buffer.from(`<!DOCTYPE html><html><body><pre>${escaped}</pre></body></html>`),
        fileType: 'html',
      };
    }
    case 'R_MARKDOWN':
      if (language !== 'R') {
        throw errors.invalidParameter(
          `Notebook ${path} is ${language}; only R notebooks export as R_MARKDOWN.`,
        );
      }
      return {
        content: Buffer.from(`\`\`\`{r}\n${withoutHeader(source, language)}\n\`\`\`\n`),
        fileType: 'Rmd',
      };
    case 'DBC':
      return { content: Buffer.from(JSON.stringify({ path, language, source })), fileType: 'dbc' };
  }
}

/** The export normalization: the header line first, added only if the source lacks it. */
function withHeader(source: string, language: NotebookLanguage): string {
  const header = notebookSourceHeader(language);
  return source.split('\n', 1)[0].trim() === header ? source : `${header}\n${source}`;
}

function withoutHeader(source: string, language: NotebookLanguage): string {
  const header = notebookSourceHeader(language);
  const [first, ...rest] = source.split('\n');
  return first.trim() === header ? rest.join('\n').replace(/^\n+/, '') : source;
}

function normalizedPath(raw: string): string {
  if (!raw.startsWith('/')) {
    throw errors.invalidParameter(`Path (${raw}) doesn't start with '/': workspace paths are absolute.`);
  }
  return `/${raw.split('/').filter(Boolean).join('/')}`;
}

function decodeContent(base64: string): Buffer {
  if (!/^[A-Za-z0-9+/\r\n]*={0,2}$/.test(base64)) {
    throw errors.invalidParameter('content must be base64-encoded.');
  }
  const content = Buffer.from(base64, 'base64');
  if (content.length > MAX_CONTENT_BYTES) {
    throw new ApiError(
      400,
      'MAX_NOTEBOOK_SIZE_EXCEEDED',
      `The content is ${content.length} bytes; an import may carry at most ${MAX_CONTENT_BYTES} bytes (10 MB).`,
    );
  }
  return content;
}

function objectInfo(path: string, object: WorkspaceObject): FakeResponseBody {
  return {
    object_type: object.objectType,
    object_id: object.objectId,
    path,
    ...(object.language && { language: object.language }),
    created_at: object.createdAt,
    modified_at: object.modifiedAt,
    ...(object.objectType === 'FILE' && { size: object.content?.length ?? 0 }),
    resource_id: String(object.objectId),
  };
}

interface FolderArchive {
  readonly root: string;
  readonly objects: readonly {
    path: string;
    object_type: WorkspaceObject['objectType'];
    language?: NotebookLanguage;
    content?: string;
  }[];
}

function parseArchive(path: string, content: Buffer): FolderArchive {
  try {
    const archive = JSON.parse(content.toString('utf8')) as FolderArchive;
    const inside = (p: unknown) =>
      typeof p === 'string' && (p === archive.root || p.startsWith(`${archive.root}/`));
    if (
      typeof archive.root === 'string' &&
      Array.isArray(archive.objects) &&
      archive.objects.every((o) => inside(o.path))
    ) {
      // Parents before children, so every object lands in an existing folder.
      return {
        root: archive.root,
        objects: [...archive.objects].sort((a, b) => a.path.localeCompare(b.path)),
      };
    }
  } catch {
    // Not JSON: fall through to the error below.
  }
  throw errors.invalidParameter(
    `DBC import of ${path}: the content is not a folder archive this workspace exported (the fake reads its own export format only).`,
  );
}
