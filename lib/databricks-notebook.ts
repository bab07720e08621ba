import { extname } from 'node:path';
import type { Construct } from 'constructs';
import type { DatabricksNotebookSpec } from './crds/databricks-notebook.js';
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

/** A notebook that tasks can run: anything with the name of a `DatabricksNotebook`. */
export interface IDatabricksNotebook {
  /** The kind, so that only a DatabricksNotebook (or its fromName) can stand here. */
  readonly kind: 'DatabricksNotebook';
  /** The name of the `DatabricksNotebook` object, in the same namespace. */
  readonly name: string;
  /** The workspace the notebook lives in, if known: a job in another workspace cannot run it. */
  readonly workspace?: IDatabricksWorkspace;
}

/** The language of a notebook (`spec.language`). */
export type NotebookLanguage = NonNullable<DatabricksNotebookSpec['language']>;
/** The format of notebook content, as `workspace/import` takes it (`spec.format`). */
export type NotebookFormat = NonNullable<DatabricksNotebookSpec['format']>;

/** Notebook content that something else provides, read by the controller at every reconcile. */
export type NotebookContentSource =
  /** A ConfigMap key (data as text, or binaryData). */
  | { readonly configMapKey: ConfigMapContent }
  /** A Secret key, for a notebook that must not sit in a manifest. */
  | { readonly secretKey: SecretKeyReference };

/** Props of {@link DatabricksNotebook}. */
export interface DatabricksNotebookProps extends DatabricksObjectProps {
  /** The workspace the notebook lives in (`spec.workspaceRef`). */
  readonly workspace: IDatabricksWorkspace;
  /** The absolute workspace path, e.g. `/Shared/etl/ingest` (no extension). */
  readonly path: string;
  /**
   * The notebook content: source text, or the bytes of a Jupyter/DBC/HTML export; or a ConfigMap or
   * Secret key that holds it.
   */
  readonly content: string | Buffer | NotebookContentSource;
  /**
   * The language; required for `SOURCE` content.
   *
   * @default - none (the format must then carry it, e.g. JUPYTER)
   */
  readonly language?: NotebookLanguage;
  /**
   * The format of `content`.
   *
   * @default 'SOURCE'
   */
  readonly format?: NotebookFormat;
  /**
   * Whether to replace an object already at `path` that this notebook did not write. Off by default,
   * as in Databricks' `workspace/import`: a notebook someone edits by hand is not replaced unless asked.
   *
   * @default false
   */
  readonly overwrite?: boolean;
  /**
   * What happens to the notebook in the workspace when this object is deleted.
   *
   * @default 'Delete'
   */
  readonly deletionPolicy?: DeletionPolicy;
  /**
   * `Observe` to only read the notebook and report in status where it differs from the spec, never writing
   * to Databricks.
   *
   * @default 'Manage'
   */
  readonly managementPolicy?: ManagementPolicy;
}

/** Options of {@link DatabricksNotebook.fromFile}. */
export interface DatabricksNotebookFromFileOptions extends Omit<DatabricksNotebookProps, 'content'> {
  /** The local file to read at synth time, relative to where `cdk8s synth` runs. */
  readonly localPath: string;
}

/** Languages and formats that a file extension implies. */
const EXTENSIONS: Readonly<Record<string, { language?: NotebookLanguage; format: NotebookFormat }>> = {
  '.py': { language: 'PYTHON', format: 'SOURCE' },
  '.scala': { language: 'SCALA', format: 'SOURCE' },
  '.sql': { language: 'SQL', format: 'SOURCE' },
  '.r': { language: 'R', format: 'SOURCE' },
  '.ipynb': { format: 'JUPYTER' },
  '.dbc': { format: 'DBC' },
  '.html': { format: 'HTML' },
  '.rmd': { language: 'R', format: 'R_MARKDOWN' },
};

/**
 * A notebook at a workspace path. Small content is written into the object; larger content (above 32 KiB)
 * into a ConfigMap that the construct also emits; content that something else fills can be named as a
 * ConfigMap or Secret key. Tasks run it with `TaskType.notebook(notebook)`.
 *
 * @example
 * const ingest = DatabricksNotebook.fromFile(chart, 'ingest', {
 *   workspace, localPath: 'notebooks/ingest.py', path: '/Shared/etl/ingest',
 * });
 */
export class DatabricksNotebook
  extends DatabricksApiObject<DatabricksNotebookSpec>
  implements IDatabricksNotebook
{
  declare readonly kind: 'DatabricksNotebook';

  /**
   * A notebook defined elsewhere, by the name of its `DatabricksNotebook` object.
   *
   * @param workspace its workspace, checked at synth against the jobs that run it
   */
  static fromName(name: string, workspace?: IDatabricksWorkspace): IDatabricksNotebook {
    return { kind: 'DatabricksNotebook', name, workspace };
  }

  /**
   * A notebook whose content is read from a local file at synth time. The language and format follow the
   * file extension (`.py`, `.scala`, `.sql`, `.r`, `.ipynb`, `.dbc`, `.html`, `.rmd`) unless given.
   */
  static fromFile(
    scope: Construct,
    id: string,
    options: DatabricksNotebookFromFileOptions,
  ): DatabricksNotebook {
    const { localPath, ...props } = options;
    const content = readLocalFile(scope, id, localPath);
    const implied = EXTENSIONS[extname(localPath).toLowerCase()];
    return new DatabricksNotebook(scope, id, {
      ...props,
      content,
      language: props.language ?? implied?.language,
      format: props.format ?? implied?.format,
    });
  }

  /** The workspace the notebook lives in. */
  readonly workspace: IDatabricksWorkspace;
  /** The absolute workspace path. */
  readonly path: string;
  private readonly notebookProps: DatabricksNotebookProps;
  private readonly contentBytes: number;
  private readonly placed?: PlacedContent;

  constructor(scope: Construct, id: string, props: DatabricksNotebookProps) {
    super(scope, id, 'DatabricksNotebook', props);
    this.workspace = props.workspace;
    this.path = props.path;
    this.notebookProps = props;
    const content = typeof props.content === 'string' ? Buffer.from(props.content, 'utf8') : props.content;
    if (Buffer.isBuffer(content)) {
      this.contentBytes = content.length;
      this.placed = placeContent(this, content, 'content', (props.format ?? 'SOURCE') === 'DBC');
    } else {
      this.contentBytes = 0;
    }
    this.node.addValidation({ validate: () => this.problems() });
  }

  private problems(): string[] {
    const props = this.notebookProps;
    const problems: string[] = [];
    if (!props.path.startsWith('/')) {
      problems.push(`path "${props.path}" must be an absolute workspace path, e.g. "/Shared/etl/ingest"`);
    }
    const format = props.format ?? 'SOURCE';
    if (format === 'SOURCE' && props.language === undefined) {
      problems.push(
        'language is required for SOURCE content; set language (PYTHON, SCALA, SQL or R) or use fromFile() ' +
          'with a .py, .scala, .sql or .r file',
      );
    }
    if (format === 'DBC' && props.language !== undefined) {
      problems.push('language is not allowed with format DBC (the archive carries its own); remove language');
    }
    const sizeProblem = contentSizeProblem('content', this.contentBytes);
    if (sizeProblem) problems.push(sizeProblem);
    return problems;
  }

  protected renderSpec(): DatabricksNotebookSpec {
    const props = this.notebookProps;
    const source = props.content;
    let contentFrom: DatabricksNotebookSpec['contentFrom'];
    if (typeof source === 'object' && 'configMapKey' in source) {
      contentFrom = { configMapKeyRef: { ...source.configMapKey } };
    } else if (typeof source === 'object' && 'secretKey' in source) {
      contentFrom = { secretKeyRef: { ...source.secretKey } };
    } else if (this.placed?.configMap) {
      contentFrom = { configMapKeyRef: this.placed.configMap };
    }
    return {
      workspaceRef: { name: this.workspace.name },
      path: this.path,
      language: props.language,
      format: props.format,
      content: this.placed?.inline,
      contentFrom,
      overwrite: props.overwrite,
      deletionPolicy: props.deletionPolicy,
      managementPolicy: props.managementPolicy,
    };
  }
}
