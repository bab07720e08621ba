import { API_GROUP_VERSION, KIND_TABLE } from '../../lib/crds/index.js';
import { invalidManifests, validManifests } from './manifest-corpus.js';

// The corpus itself, checked without an API server: the integration tests rely on its shape.

const invalid = invalidManifests();
const valid = validManifests();
const kinds = Object.keys(KIND_TABLE);

describe('the manifest corpus', () => {
  it('has at least 40 invalid manifests', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(40);
  });

  it('covers every kind with valid and invalid manifests', () => {
    expect(new Set(valid.map((entry) => entry.manifest.kind))).toEqual(new Set(kinds));
    expect(new Set(invalid.map((entry) => entry.manifest.kind))).toEqual(new Set(kinds));
  });

  it('uses only this API group and version', () => {
    for (const entry of [...valid, ...invalid]) expect(entry.manifest.apiVersion).toBe(API_GROUP_VERSION);
  });

  it('names every manifest uniquely, so one namespace holds them all', () => {
    const names = [...valid, ...invalid].map(
      (entry) => `${entry.manifest.kind}/${entry.manifest.metadata.name}`,
    );
    expect(new Set(names).size).toBe(names.length);
  });

  it('states for each invalid manifest a field path under spec and a message fragment', () => {
    for (const entry of invalid) {
      expect(entry.field).toMatch(/^spec(\.|\[|$)/);
      expect(entry.message.length).toBeGreaterThan(5);
    }
  });
});
