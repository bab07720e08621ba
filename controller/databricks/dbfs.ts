/**
 * DBFS API 2.0. Inline contents are limited to 1 MB, so `upload` streams larger files through
 * create/add-block/close in 1 MB blocks. Payloads are base64 on the wire; `upload` takes raw bytes.
 */
import type { ApiCaller } from './api-caller.js';

const DBFS = '/api/2.0/dbfs';

/** Databricks' limit for `put` contents, an `add-block` and a `read`. */
export const DBFS_BLOCK_BYTES = 1024 * 1024;

export interface FileInfo {
  readonly path: string;
  readonly is_dir: boolean;
  readonly file_size?: number;
  /** Epoch ms. */
  readonly modification_time?: number;
}

export interface ReadResult {
  readonly bytes_read: number;
  /** Base64. */
  readonly data?: string;
}

export class DbfsApi {
  constructor(private readonly api: ApiCaller) {}

  /** `dbfs/put` with inline base64 `contents` (≤ 1 MB decoded). */
  async put(path: string, contents: string, options: { readonly overwrite?: boolean } = {}): Promise<void> {
    await this.api.call({ method: 'POST', path: `${DBFS}/put`, body: { path, contents, ...options } });
  }

  /** `dbfs/create`: opens a streaming upload; the handle expires after 10 idle minutes. */
  create(path: string, options: { readonly overwrite?: boolean } = {}): Promise<{ handle: number }> {
    return this.api.call({ method: 'POST', path: `${DBFS}/create`, body: { path, ...options } });
  }

  /** `dbfs/add-block`: appends base64 `data` (≤ 1 MB decoded). */
  async addBlock(handle: number, data: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${DBFS}/add-block`, body: { handle, data } });
  }

  /** `dbfs/close`: finishes a streaming upload. */
  async close(handle: number): Promise<void> {
    await this.api.call({ method: 'POST', path: `${DBFS}/close`, body: { handle } });
  }

  /** `dbfs/read`: up to 1 MB from `offset`; a read past the end returns what exists. */
  read(
    path: string,
    options: { readonly offset?: number; readonly length?: number } = {},
  ): Promise<ReadResult> {
    return this.api.call({ method: 'GET', path: `${DBFS}/read`, query: { path, ...options } });
  }

  /** `dbfs/get-status`. A missing path is a NotFoundError. */
  getStatus(path: string): Promise<FileInfo> {
    return this.api.call({ method: 'GET', path: `${DBFS}/get-status`, query: { path } });
  }

  /** `dbfs/list`: the entries of a directory (a file path gives that one file). */
  async list(path: string): Promise<FileInfo[]> {
    const page = await this.api.call<{ files?: FileInfo[] }>({
      method: 'GET',
      path: `${DBFS}/list`,
      query: { path },
    });
    return page.files ?? [];
  }

  /**
   * `dbfs/delete`. Large recursive deletes answer 503 after a while and must be repeated until done;
   * the transport's 503 retry does exactly that.
   */
  async delete(path: string, options: { readonly recursive?: boolean } = {}): Promise<void> {
    await this.api.call({ method: 'POST', path: `${DBFS}/delete`, body: { path, ...options } });
  }

  /** `dbfs/mkdirs`: like `mkdir -p`. */
  async mkdirs(path: string): Promise<void> {
    await this.api.call({ method: 'POST', path: `${DBFS}/mkdirs`, body: { path } });
  }

  /**
   * Writes `bytes` to `path` (overwriting) through create/add-block/close in 1 MB blocks.
   *
   * `add-block` is not idempotent: if a block's response was lost and the transport retried, the block
   * may have been appended twice. The size is therefore checked afterwards, and the whole upload is
   * repeated once if it does not match.
   */
  async upload(path: string, bytes: Uint8Array): Promise<void> {
    for (let round = 1; ; round++) {
      await this.streamBlocks(path, bytes);
      const status = await this.getStatus(path);
      if (status.file_size === bytes.length) return;
      if (round === 2) {
        throw new Error(
          `DBFS upload of ${path} wrote ${status.file_size ?? 'unknown'} bytes instead of ${bytes.length} twice; ` +
            'the connection to Databricks is unreliable, try again later',
        );
      }
    }
  }

  /** Reads a whole file in 1 MB chunks. */
  async download(path: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for (let offset = 0; ;) {
      const { bytes_read, data } = await this.read(path, { offset, length: DBFS_BLOCK_BYTES });
      if (bytes_read === 0) break;
      chunks.push(Buffer.from(data ?? '', 'base64'));
      offset += bytes_read;
    }
    return Buffer.concat(chunks);
  }

  private async streamBlocks(path: string, bytes: Uint8Array): Promise<void> {
    const { handle } = await this.create(path, { overwrite: true });
    try {
      for (let start = 0; start < bytes.length; start += DBFS_BLOCK_BYTES) {
        const block = Buffer.from(
          bytes.buffer,
          bytes.byteOffset + start,
          Math.min(DBFS_BLOCK_BYTES, bytes.length - start),
        );
        await this.addBlock(handle, block.toString('base64'));
      }
    } catch (error) {
      // Release the handle rather than leave it open for 10 minutes; the original error matters more.
      await this.close(handle).catch(() => undefined);
      throw error;
    }
    await this.close(handle);
  }
}
