import { ApiObject, type ApiObjectMetadata, Lazy } from 'cdk8s';
import type { Construct } from 'constructs';
import { inheritedSyncWave, SYNC_WAVE_ANNOTATION } from './argocd/sync-waves.js';
import { API_GROUP_VERSION } from './crds/api-group.js';

/** Props every Databricks construct takes. */
export interface DatabricksObjectProps {
  /**
   * Metadata of the Kubernetes object (name, labels, annotations, namespace).
   *
   * @default - a name derived from the construct path, in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;
  /**
   * Argo CD sync wave of the object (`argocd.argoproj.io/sync-wave`): a sync applies lower waves first
   * and waits for each to be healthy. Rarely needed, as the controller waits for dependencies itself.
   *
   * @default - the wave `setSyncWave` gave an enclosing scope, else none (wave 0)
   */
  readonly syncWave?: number;
}

/**
 * A Kubernetes object of the `databricks.operator.dev/v1alpha1` API, whose spec is built at synth time.
 * `Spec` is the static type of the kind's spec schema, so a spec missing a required field does not compile.
 */
export abstract class DatabricksApiObject<Spec extends object = object> extends ApiObject {
  private readonly syncWave?: number;

  protected constructor(scope: Construct, id: string, kind: string, props: DatabricksObjectProps) {
    super(scope, id, {
      apiVersion: API_GROUP_VERSION,
      kind,
      metadata: props.metadata,
      // Lazy so that fluent calls made after the constructor (addTask, dependsOn, ...) reach the manifest.
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
    this.syncWave = props.syncWave;
    this.node.addValidation({
      validate: () =>
        props.syncWave === undefined || Number.isInteger(props.syncWave)
          ? []
          : [`syncWave ${props.syncWave} must be a whole number, e.g. -1, 0 or 1`],
    });
  }

  /** The manifest, with the sync wave of the object or its scope unless metadata sets one itself. */
  override toJson(): ReturnType<ApiObject['toJson']> {
    const json = super.toJson() as { metadata?: { annotations?: Record<string, string> } };
    const wave = this.syncWave ?? inheritedSyncWave(this);
    const annotations = json.metadata?.annotations ?? {};
    if (wave !== undefined && annotations[SYNC_WAVE_ANNOTATION] === undefined) {
      json.metadata = {
        ...json.metadata,
        annotations: { ...annotations, [SYNC_WAVE_ANNOTATION]: String(wave) },
      };
    }
    return json;
  }

  /** The `spec` of the manifest, as the CRD expects it. Called once per synth. */
  protected abstract renderSpec(): Spec;
}
