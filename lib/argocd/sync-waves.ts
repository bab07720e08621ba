/**
 * Argo CD sync waves: the order in which one sync applies objects, lowest wave first, each wave
 * waiting until the one before is healthy. The CRDs come first, then the operator, then the Databricks
 * objects (wave 0 unless set), so that one app can hold all three; an app of Databricks objects alone
 * needs none, as the controller itself waits for what an object depends on (`WaitingForDependency`).
 */
import type { IConstruct } from 'constructs';

/** The annotation Argo CD reads an object's wave from. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/** The wave of the CRDs in dist/databricks.operator.dev.crds.yaml: before everything else here. */
export const CRD_SYNC_WAVE = -2;

/** The default wave of the operator install (`DatabricksOperator`): after the CRDs, before the objects. */
export const OPERATOR_SYNC_WAVE = -1;

const defaultWaves = new WeakMap<IConstruct, number>();

/**
 * Puts every Databricks object under `scope` (a chart, or any construct) that sets no `syncWave` of its
 * own in Argo CD sync wave `wave`; the nearest scope with a wave wins.
 *
 * @example
 * setSyncWave(chart, 1); // this chart's Databricks objects after the wave-0 objects of the app
 */
export function setSyncWave(scope: IConstruct, wave: number): void {
  if (!Number.isInteger(wave)) {
    throw new Error(`${scope.node.path}: sync wave ${wave} must be a whole number, e.g. -1, 0 or 1`);
  }
  defaultWaves.set(scope, wave);
}

/** The wave `setSyncWave` gave `construct` or its nearest scope, if any. */
export function inheritedSyncWave(construct: IConstruct): number | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const wave = defaultWaves.get(scope);
    if (wave !== undefined) return wave;
  }
  return undefined;
}
