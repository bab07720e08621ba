import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf, requiredWhen } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { ConfigMapKeySelector, SecretKeySelector, WorkspaceReference } from './object-references.js';
import { Bool, Int64, Opt, Str, StringEnum, Struct } from './schema-types.js';

/** Inline content limit: keeps the object far below the 1.5 MiB etcd limit. Larger notebooks go in a ConfigMap or Secret. */
export const MAX_INLINE_NOTEBOOK_BASE64 = 1048576;

/** Notebook languages, as `workspace/import` takes them. */
export const NOTEBOOK_LANGUAGES = ['PYTHON', 'SCALA', 'SQL', 'R'] as const;
/** A notebook language. */
export type NotebookLanguage = (typeof NOTEBOOK_LANGUAGES)[number];

/** Formats of notebook content, as `workspace/import` takes them. */
export const NOTEBOOK_FORMATS = ['SOURCE', 'HTML', 'JUPYTER', 'DBC', 'R_MARKDOWN', 'AUTO'] as const;
/** A format of notebook content. */
export type NotebookFormat = (typeof NOTEBOOK_FORMATS)[number];

/** What an import can create at the path (`status.objectType`): a DBC archive becomes a DIRECTORY. */
export const IMPORTED_OBJECT_TYPES = ['NOTEBOOK', 'FILE', 'DIRECTORY'] as const;
/** What an import created. */
export type ImportedObjectType = (typeof IMPORTED_OBJECT_TYPES)[number];

/** Whether a language Databricks reports is one a DatabricksNotebook can ask for. */
export function isNotebookLanguage(language: string): language is NotebookLanguage {
  return (NOTEBOOK_LANGUAGES as readonly string[]).includes(language);
}

/** `spec` of a DatabricksNotebook: the workspace path, language, format and content. */
export const DatabricksNotebookSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    path: Str('Absolute workspace path, e.g. /Shared/etl/ingest (no extension for notebooks).', {
      minLength: 2,
      maxLength: 1024,
      pattern: '^/.+',
    }),
    language: Opt(StringEnum(NOTEBOOK_LANGUAGES, 'Notebook language; required when format is SOURCE.')),
    format: Opt(
      StringEnum(
        NOTEBOOK_FORMATS,
        'Format of the content, as workspace/import takes it. Defaults to SOURCE.',
        { default: 'SOURCE' },
      ),
    ),
    content: Opt(
      Str('Notebook content, base64-encoded (at most 1 MiB encoded; use contentFrom for more).', {
        format: 'byte',
        maxLength: MAX_INLINE_NOTEBOOK_BASE64,
      }),
    ),
    contentFrom: Opt(
      Struct(
        {
          configMapKeyRef: Opt(ConfigMapKeySelector),
          secretKeyRef: Opt(SecretKeySelector),
        },
        'Read the content from a ConfigMap key (data as text, or binaryData) or a Secret key. Set exactly one.',
        celValidations(exactlyOneOf(['configMapKeyRef', 'secretKeyRef'], 'contentFrom')),
      ),
    ),
    overwrite: Opt(
      Bool(
        'Replace an object already at path that this DatabricksNotebook did not write (it is PathExists otherwise). ' +
          'Defaults to false, as in workspace/import: a notebook edited by hand is not replaced unless asked.',
        { default: false },
      ),
    ),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
  },
  'The desired notebook (or workspace file). Set exactly one of content, contentFrom.',
  celValidations(
    exactlyOneOf(['content', 'contentFrom'], 'spec'),
    requiredWhen(
      'language',
      "!has(self.format) || self.format == 'SOURCE'",
      'language is required when format is SOURCE',
    ),
    {
      rule: "!has(self.format) || self.format != 'DBC' || !has(self.language)",
      message: 'language is not allowed when format is DBC (the archive carries its own languages)',
      fieldPath: '.language',
    },
  ),
);
export type DatabricksNotebookSpec = Static<typeof DatabricksNotebookSpec>;

/** `status` of a DatabricksNotebook, written by the controller. */
export const DatabricksNotebookStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    driftedFields: Opt(DriftedFields),
    path: Opt(Str('Workspace path written.')),
    objectId: Opt(Int64('Workspace object ID.')),
    objectType: Opt(
      StringEnum(IMPORTED_OBJECT_TYPES, 'What the import created (a DBC archive becomes a DIRECTORY).'),
    ),
    contentHash: Opt(Str('SHA-256 of the content imported, hex.')),
    format: Opt(
      StringEnum(
        NOTEBOOK_FORMATS,
        'Format the content was imported with; a change of spec.format alone imports again.',
      ),
    ),
    modificationTime: Opt(
      Str(
        'When the workspace last saw the object change, as of the last import or check; a later change was made outside this object.',
        { format: 'date-time' },
      ),
    ),
    url: Opt(Str('Link to the notebook in the workspace UI.')),
  },
  'What the controller observed about the notebook.',
);
export type DatabricksNotebookStatus = Static<typeof DatabricksNotebookStatus>;

/** The DatabricksNotebook kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_NOTEBOOK: KindDefinition<
  'DatabricksNotebook',
  DatabricksNotebookSpec,
  DatabricksNotebookStatus
> = {
  kind: 'DatabricksNotebook',
  plural: 'databricksnotebooks',
  singular: 'databricksnotebook',
  shortName: 'dbnotebook',
  description:
    'DatabricksNotebook is one notebook (or workspace file) at a workspace path, with content inline or from a ConfigMap or Secret key.',
  spec: DatabricksNotebookSpec,
  status: DatabricksNotebookStatus,
  printerColumns: [
    { name: 'Path', type: 'string', jsonPath: '.spec.path', description: 'Workspace path.' },
    { name: 'Language', type: 'string', jsonPath: '.spec.language', description: 'Notebook language.' },
    READY_COLUMN,
    REASON_COLUMN,
  ],
};
