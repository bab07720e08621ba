import { ApiObject, type ApiObjectMetadata, Lazy } from 'cdk8s';
import type { Construct } from 'constructs';
import { API_GROUP_VERSION } from './crds/api-group.js';

/** Props every Databricks construct takes. */
export interface DatabricksObjectProps {
  /**
   * Metadata of the Kubernetes object (name, labels, annotations, namespace).
   *
   * @default - a name derived from the construct path, in the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;
}

/** A Kubernetes object of the `databricks.operator.dev/v1alpha1` API, whose spec is built at synth time. */
export abstract class DatabricksApiObject extends ApiObject {
  protected constructor(scope: Construct, id: string, kind: string, props: DatabricksObjectProps) {
    super(scope, id, {
      apiVersion: API_GROUP_VERSION,
      kind,
      metadata: props.metadata,
      // Lazy so that fluent calls made after the constructor (addTask, dependsOn, ...) reach the manifest.
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }

  /** The `spec` of the manifest, as the CRD expects it. Called once per synth. */
  protected abstract renderSpec(): object;
}
