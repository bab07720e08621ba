import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { customResourceDefinitions } from './kinds.js';

/**
 * The CustomResourceDefinitions of cdk8s-databricks as cdk8s objects, for an app (or the
 * operator's install manifests) that ships the API together with objects that use it.
 *
 * @example
 * const chart = new Chart(app, 'databricks-api');
 * new DatabricksCustomResourceDefinitions(chart, 'crds');
 */
export class DatabricksCustomResourceDefinitions extends Construct {
  /** One ApiObject per kind, named after the kind. */
  public readonly definitions: readonly ApiObject[];

  public constructor(scope: Construct, id: string) {
    super(scope, id);
    this.definitions = customResourceDefinitions().map((crd) => {
      const kind = (crd.spec.names as { kind: string }).kind;
      return new ApiObject(this, kind, { ...crd, metadata: { ...crd.metadata } });
    });
  }
}
