import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Informer } from '../../controller/runtime/informer.js';
import type { ObjectOfKind } from '../../controller/runtime/kind-object.js';
import type { KindInformers } from '../../controller/reconcilers/managed/kind-informers.js';
import {
  CLUSTER_MOVING_REASONS,
  CLUSTER_STATES,
  DATABRICKS_CLUSTER,
  DATABRICKS_DBFS_FILE,
  DATABRICKS_JOB,
  DATABRICKS_NOTEBOOK,
  DATABRICKS_RUN,
  DATABRICKS_SECRET_SCOPE,
  DATABRICKS_WORKSPACE,
  DatabricksClusterSpec,
  DatabricksJobSpec,
  DatabricksNotebookSpec,
  DELETION_POLICIES,
  IMPORTED_OBJECT_TYPES,
  isClusterState,
  isNotebookLanguage,
  isRunLifeCycleState,
  JOB_DELETION_POLICIES,
  KINDS,
  NOTEBOOK_FORMATS,
  NOTEBOOK_LANGUAGES,
  RUN_LIFE_CYCLE_STATES,
  SECRET_SCOPE_BACKEND_TYPES,
  SECRET_SCOPE_PERMISSIONS,
  WORKSPACE_AUTH_TYPES,
  type DatabricksDbfsFileSpec,
  type DatabricksKind,
  type DatabricksRunStatus,
  type KindDefinition,
  type SpecOf,
} from '../../lib/crds/index.js';

// The kind definitions carry their schemas' static types. `tsc --noEmit` (npm test) checks the
// expect-error directives below: each must stay a compile error, or the kinds have lost their types.

describe('typed kind definitions', () => {
  it('name each kind with its literal, so the kind table has exactly the kinds of the API', () => {
    const names: DatabricksKind[] = KINDS.map((definition) => definition.kind);
    expect(names).toEqual([
      'DatabricksWorkspace',
      'DatabricksJob',
      'DatabricksRun',
      'DatabricksCluster',
      'DatabricksSecretScope',
      'DatabricksDbfsFile',
      'DatabricksNotebook',
      'DatabricksGitCredential',
      'DatabricksSqlWarehouse',
      'DatabricksRepo',
      'DatabricksClusterPolicy',
      'DatabricksInstancePool',
      'DatabricksPipeline',
    ]);
    // @ts-expect-error not a kind of this API
    const unknownKind: DatabricksKind = 'DatabricksDashboard';
    expect(unknownKind).toBeDefined();
  });

  it("give a kind's objects its spec and status types, so a missing required field does not compile", () => {
    const file: SpecOf<typeof DATABRICKS_DBFS_FILE> = {
      workspaceRef: { name: 'prod' },
      path: '/FileStore/etl/config.json',
      contents: 'e30=',
    };
    expect(Value.Check(DATABRICKS_DBFS_FILE.spec, file)).toBe(true);
    // @ts-expect-error path is required by the schema
    const noPath: DatabricksDbfsFileSpec = { workspaceRef: { name: 'prod' }, contents: 'e30=' };
    expect(Value.Check(DATABRICKS_DBFS_FILE.spec, noPath)).toBe(false);
    const run: ObjectOfKind<typeof DATABRICKS_RUN> = {
      metadata: { name: 'train' },
      spec: { workspaceRef: { name: 'prod' }, jobRef: { name: 'train' } },
      status: { lifeCycleState: 'RUNNING' },
    };
    // @ts-expect-error not a life cycle state the CRD knows
    const status: DatabricksRunStatus = { lifeCycleState: 'DONE' };
    expect([run.status?.lifeCycleState, status.lifeCycleState]).toEqual(['RUNNING', 'DONE']);
  });

  it("type each informer of the kind table with its kind's objects", () => {
    const jobName = (informers: KindInformers, key: string): string | undefined =>
      informers.DatabricksJob.store.get(key)?.spec.settings.name;
    type Read<D extends KindDefinition> = (informers: KindInformers) => Informer<ObjectOfKind<D>>;
    const workspaces: Read<typeof DATABRICKS_WORKSPACE> = (informers) => informers.DatabricksWorkspace;
    // @ts-expect-error a cluster's informer does not hold jobs
    const wrong: Read<typeof DATABRICKS_JOB> = (informers) => informers.DatabricksCluster;
    expect([jobName, workspaces, wrong].every((read) => typeof read === 'function')).toBe(true);
  });
});

describe('enumerations shared by the schemas and the controller', () => {
  it("are the values of the schemas' enums", () => {
    const cases: [string, readonly string[], (value: string) => boolean][] = [
      ['run life cycle', RUN_LIFE_CYCLE_STATES, (v) => checks(DATABRICKS_RUN.status, { lifeCycleState: v })],
      ['cluster state', CLUSTER_STATES, (v) => checks(DATABRICKS_CLUSTER.status, { state: v })],
      ['notebook language', NOTEBOOK_LANGUAGES, (v) => checks(DatabricksNotebookSpec.properties.language, v)],
      ['notebook format', NOTEBOOK_FORMATS, (v) => checks(DatabricksNotebookSpec.properties.format, v)],
      [
        'imported object',
        IMPORTED_OBJECT_TYPES,
        (v) => checks(DATABRICKS_NOTEBOOK.status, { objectType: v }),
      ],
      [
        'scope ACL permission',
        SECRET_SCOPE_PERMISSIONS,
        (v) =>
          checks(DATABRICKS_SECRET_SCOPE.spec, {
            workspaceRef: { name: 'w' },
            acls: [{ principal: 'a', permission: v }],
          }),
      ],
      [
        'scope backend',
        SECRET_SCOPE_BACKEND_TYPES,
        (v) => checks(DATABRICKS_SECRET_SCOPE.status, { backendType: v }),
      ],
      ['auth type', WORKSPACE_AUTH_TYPES, (v) => checks(DATABRICKS_WORKSPACE.status, { authType: v })],
      [
        'deletion policy',
        DELETION_POLICIES,
        (v) => checks(DatabricksClusterSpec.properties.deletionPolicy, v),
      ],
      [
        'job deletion policy',
        JOB_DELETION_POLICIES,
        (v) => checks(DatabricksJobSpec.properties.deletionPolicy, v),
      ],
    ];
    for (const [what, values, accepted] of cases) {
      expect([what, values.filter((value) => !accepted(value))]).toEqual([what, []]);
      expect([what, accepted('NOT_A_VALUE')]).toEqual([what, false]);
    }
  });

  it('narrow what Databricks reports to the values the status can hold', () => {
    expect(RUN_LIFE_CYCLE_STATES.every(isRunLifeCycleState)).toBe(true);
    expect(CLUSTER_STATES.every(isClusterState)).toBe(true);
    expect(NOTEBOOK_LANGUAGES.every(isNotebookLanguage)).toBe(true);
    expect([isRunLifeCycleState('DONE'), isClusterState('STARTING'), isNotebookLanguage('JAVA')]).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('name a moving reason only for states a cluster can be in', () => {
    expect(Object.keys(CLUSTER_MOVING_REASONS).every(isClusterState)).toBe(true);
  });
});

/** Whether `value` is valid for `schema`. */
function checks(schema: TSchema, value: unknown): boolean {
  return Value.Check(schema, value);
}
