import type { Construct } from 'constructs';
import type { DatabricksDbfsFileSpec } from './crds/databricks-dbfs-file.js';
import { DatabricksApiObject, type DatabricksObjectProps } from './databricks-api-object.js';
import type { IDatabricksWorkspace, SecretKeyReference } from './databricks-workspace.js';
import type { DeletionPolicy, ManagementPolicy } from './deletion-policy.js';
import {
  type ConfigMapContent,
  contentSizeProblem,
  placeContent,
  type PlacedContent,
  readLocalFile,
} from './file-content.js';

/** Where the content of a DBFS file comes from. */
export type DbfsFileContent =
  /** The bytes (or UTF-8 text) themselves. */
  | { readonly contents: string | Buffer }
  /** A ConfigMap key (binaryData or data) that something else fills. */
  | { readonly configMapKey: ConfigMapContent }
  /** A Secret key, for content that must not sit in a manifest. */
  | { readonly secretKey: SecretKeyReference };

/** Props of {@link DatabricksDbfsFile}. */
export interface DatabricksDbfsFileProps extends DatabricksObjectProps {
  /** The workspace the file lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /** The absolute DBFS path, e.g. `/FileStore/etl/config.json` or `dbfs:/FileStore/etl/config.json`. */
  readonly path: string;
  /** The content of the file. */
  readonly content: DbfsFileContent;
  /**
   * Whether to replace a file that already exists at `path`.
   *
   * @default true
   */
  readonly overwrite?: boolean;
  /**
   * What happens to the DBFS file when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the file and report in status where it differs from the spec, never writing
   * to Databricks.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
}

/** Options of {@link DatabricksDbfsFile.fromFile}. */
export interface DatabricksDbfsFileFromFileOptions extends Omit<DatabricksDbfsFileProps, 'content'> {
  /** The local file to read at synth time, relative to where `cdk8s synth` runs. */
  readonly localPath: string;
}

/**
 * A file in DBFS. Small content is written into the object, base64-encoded; larger content (above 32 KiB)
 * into a ConfigMap that the construct also emits.
 *
 * @example
 * DatabricksDbfsFile.fromFile(chart, 'etl-config', {
 *   workspace, localPath: 'config/etl.json', path: '/FileStore/etl/config.json',
 * });
 */
export class DatabricksDbfsFile extends DatabricksApiObject<DatabricksDbfsFileSpec> {
  /** A DBFS file whose content is read from a local file at synth time. */
  static fromFile(
    scope: Construct,
    id: string,
    options: DatabricksDbfsFileFromFileOptions,
  ): DatabricksDbfsFile {
    const { localPath, ...props } = options;
    return new DatabricksDbfsFile(scope, id, {
      ...props,
      content: { contents: readLocalFile(scope, id, localPath) },
    });
  }

  /** The workspace the file lives in. */
  readonly workspace: IDatabricksWorkspace;
  /** The absolute DBFS path. */
  readonly path: string;
  private readonly fileProps: DatabricksDbfsFileProps;
  private readonly contentBytes: number;
  private readonly placed?: PlacedContent;

  constructor(scope: Construct, id: string, props: DatabricksDbfsFileProps) {
    super(scope, id, 'DatabricksDbfsFile', props);
    this.workspace = props.workspace;
    this.path = props.path;
    this.fileProps = props;
    if ('contents' in props.content) {
      const contents = props.content.contents;
      const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
      this.contentBytes = bytes.length;
      this.placed = placeContent(this, bytes, 'contents', true);
    } else {
      this.contentBytes = 0;
    }
    this.node.addValidation({ validate: () => this.problems() });
  }

  private problems(): string[] {
    const problems: string[] = [];
    if (!/^(dbfs:)?\/./.test(this.path)) {
      problems.push(
        `path "${this.path}" must be an absolute DBFS path, e.g. "/FileStore/etl/config.json" or "dbfs:/FileStore/etl/config.json"`,
      );
    }
    const sizeProblem = contentSizeProblem('contents', this.contentBytes);
    if (sizeProblem) problems.push(sizeProblem);
    return problems;
  }

  protected renderSpec(): DatabricksDbfsFileSpec {
    const content = this.fileProps.content;
    let contentsFrom: DatabricksDbfsFileSpec['contentsFrom'];
    if ('configMapKey' in content) contentsFrom = { configMapKeyRef: { ...content.configMapKey } };
    else if ('secretKey' in content) contentsFrom = { secretKeyRef: { ...content.secretKey } };
    else if (this.placed?.configMap) contentsFrom = { configMapKeyRef: this.placed.configMap };
    return {
      workspaceRef: { name: this.workspace.name },
      path: this.path,
      contents: this.placed?.inline,
      contentsFrom,
      overwrite: this.fileProps.overwrite,
      deletionPolicy: this.fileProps.deletionPolicy,
      managementPolicy: this.fileProps.managementPolicy,
    };
  }
}
