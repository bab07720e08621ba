import { CustomObjectsApi } from '@kubernetes/client-node';
import { expectApiFailure } from './api-error.js';
import { installCrd } from './crd-installation.js';
import { SAMPLE_CRD, SAMPLE_GROUP, SAMPLE_PLURAL, SAMPLE_VERSION, sampleWidget } from './sample-crd.js';
import { testKubeConfig, uniqueName, useTestNamespace } from './test-cluster.js';

describe('the API server validating custom resources against the CRD schema', () => {
  const namespace = useTestNamespace('schema');
  const config = testKubeConfig();
  const objects = config.makeApiClient(CustomObjectsApi);
  const create = (spec: Record<string, unknown>) =>
    objects.createNamespacedCustomObject({
      group: SAMPLE_GROUP,
      version: SAMPLE_VERSION,
      plural: SAMPLE_PLURAL,
      namespace: namespace.name,
      body: sampleWidget(uniqueName('widget'), spec),
    });

  beforeAll(async () => {
    await installCrd(config, SAMPLE_CRD);
  });

  it('accepts a manifest that matches the schema', async () => {
    await expect(create({ size: 2, color: 'blue' })).resolves.toMatchObject({
      spec: { size: 2, color: 'blue' },
    });
  });

  it('rejects a field of the wrong type with 422 and a message naming the field and the type', async () => {
    const failure = await expectApiFailure(() => create({ size: 'three' }));
    expect(failure.code).toBe(422);
    expect(failure.message).toContain(
      'spec.size: Invalid value: "string": spec.size in body must be of type integer',
    );
  });

  it('rejects a missing required field, a value below the minimum and a value outside the enum', async () => {
    expect((await expectApiFailure(() => create({ color: 'red' }))).message).toContain(
      'spec.size: Required value',
    );
    expect((await expectApiFailure(() => create({ size: 0 }))).message).toContain(
      'spec.size in body should be greater than or equal to 1',
    );
    expect((await expectApiFailure(() => create({ size: 1, color: 'green' }))).message).toContain(
      'spec.color: Unsupported value: "green": supported values: "red", "blue"',
    );
  });
});
