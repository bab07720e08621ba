/** Workspace API 2.0: notebooks, files and directories at workspace paths. Contents are base64. */
import type { NotebookFormat, NotebookLanguage } from '../../lib/crds/databricks-notebook.js';
import type { ApiCaller } from './api-caller.js';
import type { Open } from './open-enum.js';
import type { Int64Id } from './int64-json.js';

const WORKSPACE = '/api/2.0/workspace';

export type ExportFormat = Open<NotebookFormat | 'RAW'>;
export type Language = Open<NotebookLanguage>;

export interface ObjectInfo {
  readonly object_type?: Open<'NOTEBOOK' | 'DIRECTORY' | 'LIBRARY' | 'FILE' | 'REPO' | 'DASHBOARD'>;
  readonly object_id?: Int64Id;
  readonly path?: string;
  readonly language?: Language;
  readonly created_at?: number;
  readonly modified_at?: number;
  readonly size?: number;
  readonly resource_id?: string;
}

export interface ImportRequest {
  readonly path: string;
  /** Base64, ≤ 10 MB. */
  readonly content: string;
  readonly format?: ExportFormat;
  /** Required for a single-file SOURCE import. */
  readonly language?: Language;
  /** Default false: an existing path is an AlreadyExistsError. */
  readonly overwrite?: boolean;
}

export class WorkspaceApi {
  constructor(private readonly api: ApiCaller) {}

  /** `workspace/import`. */
  async import(request: ImportRequest): Promise<void> {
    await this.api.call({ method: 'POST', path: `${WORKSPACE}/import`, body: request });
  }

  /** `workspace/export`: base64 `content` in `format` (default SOURCE). */
  export(path: string, format?: ExportFormat): Promise<{ content?: string; file_type?: string }> {
    return this.api.call({ method: 'GET', path: `${WORKSPACE}/export`, query: { path, format } });
  }

  /** `workspace/get-status`. A missing path is a NotFoundError. */
  getStatus(path: string): Promise<ObjectInfo> {
    return this.api.call({ method: 'GET', path: `${WORKSPACE}/get-status`, query: { path } });
  }

  /** `workspace/list`: the objects directly inside a directory. A missing path is a NotFoundError. */
  async list(path: string): Promise<ObjectInfo[]> {
    const page = await this.api.call<{ objects?: ObjectInfo[] }>({
      method: 'GET',
      path: `${WORKSPACE}/list`,
      query: { path },
    });
    return page.objects ?? [];
  }

  /** `workspace/mkdirs`: like `mkdir -p`. */
  async mkdirs(path: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${WORKSPACE}/mkdirs`, body: { path } });
  }

  /** `workspace/delete`. A non-empty directory needs `recursive`. */
  async delete(path: string, options: { readonly recursive?: boolean } = {}): Promise<void> {
    await this.api.call({ method: 'POST', path: `${WORKSPACE}/delete`, body: { path, ...options } });
  }
}
