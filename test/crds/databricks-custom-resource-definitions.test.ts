import { Chart, Testing } from 'cdk8s';
import { customResourceDefinitions, DatabricksCustomResourceDefinitions } from '../../lib/crds/index.js';

describe('DatabricksCustomResourceDefinitions', () => {
  it('synthesizes exactly the CRDs of dist/, status subresource and defaults included', () => {
    const chart = new Chart(Testing.app(), 'api');
    new DatabricksCustomResourceDefinitions(chart, 'crds');
    // A JSON round trip drops what YAML would drop too (undefined), nothing else.
    expect(Testing.synth(chart)).toEqual(JSON.parse(JSON.stringify(customResourceDefinitions())));
  });

  it('exposes one object per kind', () => {
    const crds = new DatabricksCustomResourceDefinitions(new Chart(Testing.app(), 'api'), 'crds');
    expect(crds.definitions.map((definition) => definition.name)).toEqual(
      customResourceDefinitions().map((crd) => crd.metadata.name),
    );
  });
});
