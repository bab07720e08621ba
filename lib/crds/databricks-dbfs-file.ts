import { type Static } from '@sinclair/typebox';
import { celValidations, exactlyOneOf } from './cel-rules.js';
import { Conditions, ObservedGeneration } from './conditions.js';
import { READY_COLUMN, REASON_COLUMN, type KindDefinition } from './custom-resource-definition.js';
import { DeletionPolicy } from './deletion-policy.js';
import { DriftedFields, ManagementPolicy } from './management-policy.js';
import { ConfigMapKeySelector, SecretKeySelector, WorkspaceReference } from './object-references.js';
import { Bool, Int64, Opt, Str, Struct } from './schema-types.js';

/** Inline content limit: keeps the object far below the 1.5 MiB etcd limit. Larger files go in a ConfigMap. */
export const MAX_INLINE_CONTENT_BASE64 = 1048576;

/** `spec` of a DatabricksDbfsFile: the DBFS path and where its content comes from. */
export const DatabricksDbfsFileSpec = Struct(
  {
    workspaceRef: WorkspaceReference,
    path: Str('Absolute DBFS path, e.g. /FileStore/etl/config.json or dbfs:/FileStore/etl/config.json.', {
      minLength: 2,
      maxLength: 1024,
      pattern: '^(dbfs:)?/.+',
    }),
    contents: Opt(
      Str('File content, base64-encoded (at most 1 MiB encoded; use contentsFrom for more).', {
        format: 'byte',
        maxLength: MAX_INLINE_CONTENT_BASE64,
      }),
    ),
    contentsFrom: Opt(
      Struct(
        {
          configMapKeyRef: Opt(ConfigMapKeySelector),
          secretKeyRef: Opt(SecretKeySelector),
        },
        'Read the content from a ConfigMap key (binaryData or data) or a Secret key. Set exactly one.',
        celValidations(exactlyOneOf(['configMapKeyRef', 'secretKeyRef'], 'contentsFrom')),
      ),
    ),
    overwrite: Opt(Bool('Replace a file that already exists at path. Defaults to true.', { default: true })),
    deletionPolicy: Opt(DeletionPolicy),
    managementPolicy: Opt(ManagementPolicy),
  },
  'The desired DBFS file. Set exactly one of contents, contentsFrom.',
  celValidations(exactlyOneOf(['contents', 'contentsFrom'], 'spec')),
);
export type DatabricksDbfsFileSpec = Static<typeof DatabricksDbfsFileSpec>;

/** `status` of a DatabricksDbfsFile, written by the controller. */
export const DatabricksDbfsFileStatus = Struct(
  {
    observedGeneration: Opt(ObservedGeneration),
    conditions: Opt(Conditions),
    driftedFields: Opt(DriftedFields),
    path: Opt(Str('DBFS path written.')),
    fileSize: Opt(Int64('Size in bytes reported by DBFS.')),
    contentHash: Opt(Str('SHA-256 of the content written, hex.')),
    modificationTime: Opt(Str('When DBFS last saw the file change.', { format: 'date-time' })),
  },
  'What the controller observed about the file.',
);
export type DatabricksDbfsFileStatus = Static<typeof DatabricksDbfsFileStatus>;

/** The DatabricksDbfsFile kind: names, schemas and printer columns of its CRD. */
export const DATABRICKS_DBFS_FILE: KindDefinition<
  'DatabricksDbfsFile',
  DatabricksDbfsFileSpec,
  DatabricksDbfsFileStatus
> = {
  kind: 'DatabricksDbfsFile',
  plural: 'databricksdbfsfiles',
  singular: 'databricksdbfsfile',
  shortName: 'dbfsfile',
  description:
    'DatabricksDbfsFile is one file on DBFS, with content inline or from a ConfigMap or Secret key.',
  spec: DatabricksDbfsFileSpec,
  status: DatabricksDbfsFileStatus,
  printerColumns: [
    { name: 'Path', type: 'string', jsonPath: '.spec.path', description: 'DBFS path.' },
    { name: 'Size', type: 'integer', jsonPath: '.status.fileSize', description: 'Size in bytes.' },
    READY_COLUMN,
    REASON_COLUMN,
  ],
};
