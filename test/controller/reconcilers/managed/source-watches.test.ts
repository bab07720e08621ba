import type {
  KindInformers,
  ReferencedInformers,
} from '../../../../controller/reconcilers/managed/kind-informers.js';
import {
  CONFIG_MAP_SOURCE_INDEX,
  SECRET_SOURCE_INDEX,
  contentWatches,
  resourceVersionChanged,
  secretWatch,
} from '../../../../controller/reconcilers/managed/source-watches.js';
import { valueSecretsOf } from '../../../../controller/reconcilers/secret-scope/secret-scope-values.js';
import { Informer } from '../../../../controller/runtime/informer.js';
import type { KubeObject } from '../../../../controller/runtime/kube-client.js';
import type { ListWatchClient } from '../../../../controller/runtime/reflector.js';

interface Reader extends KubeObject {
  spec: { reads: string[]; contentFrom?: { configMapKeyRef?: { name: string; key: string } } };
}

const idle: ListWatchClient = {
  list: () => Promise.reject(new Error('idle')),
  watch: () => Promise.reject(new Error('idle')),
};
const secretMeta = (name: string, resourceVersion: string): KubeObject => ({
  metadata: { name, namespace: 'apps', resourceVersion },
});
const reader = (name: string, reads: string[], configMap?: string): Reader => ({
  metadata: { name, namespace: 'apps', resourceVersion: '1' },
  spec: { reads, ...(configMap ? { contentFrom: { configMapKeyRef: { name: configMap, key: 'k' } } } : {}) },
});

describe('secretWatch', () => {
  it('indexes an object by the namespace/name of each Secret it reads, once each', () => {
    const watch = secretWatch<Reader>((object) => object.spec.reads);
    expect(watch.name).toBe(SECRET_SOURCE_INDEX);
    expect(watch.indexFunction(reader('a', ['token', 'token', 'extra']))).toEqual([
      'apps/token',
      'apps/extra',
    ]);
  });

  it("wakes the readers of a changed Secret through the operator's Secret informer, on a new resourceVersion only", () => {
    const readers = new Informer<Reader>(idle, {
      resource: { group: 'x', version: 'v1', plural: 'readers' },
    });
    const watch = secretWatch<Reader>((object) => object.spec.reads);
    readers.addIndex(watch.name, watch.indexFunction);
    readers.store.upsert(reader('a', ['token']));
    readers.store.upsert(reader('b', ['other']));
    const secrets = new Informer<KubeObject>(idle, {
      resource: { group: '', version: 'v1', plural: 'secrets' },
    });
    const watched: { informer: unknown; keys: readonly string[]; changed: unknown }[] = [];
    watch.attach(
      {
        watch: (informer, mapToKeys, changed) =>
          watched.push({ informer, keys: mapToKeys(secretMeta('token', '5') as never), changed }),
      },
      readers,
      {} as KindInformers,
      { Secret: secrets, ConfigMap: undefined as never } satisfies ReferencedInformers,
    );
    expect(watched).toEqual([{ informer: secrets, keys: ['apps/a'], changed: resourceVersionChanged }]);
    expect(resourceVersionChanged(secretMeta('token', '5'), secretMeta('token', '5'))).toBe(false);
    expect(resourceVersionChanged(secretMeta('token', '5'), secretMeta('token', '6'))).toBe(true);
  });
});

describe('contentWatches', () => {
  it('watches the ConfigMap or the Secret a content source names, each under its own index', () => {
    const [configMaps, secrets] = contentWatches<Reader>((object) => object.spec.contentFrom);
    expect([configMaps.name, secrets.name]).toEqual([CONFIG_MAP_SOURCE_INDEX, SECRET_SOURCE_INDEX]);
    expect(configMaps.indexFunction(reader('n', [], 'scripts'))).toEqual(['apps/scripts']);
    expect(secrets.indexFunction(reader('n', [], 'scripts'))).toEqual([]);
    expect(configMaps.indexFunction(reader('inline', []))).toEqual([]);
  });
});

describe('valueSecretsOf', () => {
  it('names the Secrets of valueFrom and fromSecret entries, not inline values', () => {
    expect(
      valueSecretsOf({
        spec: {
          secrets: [
            { key: 'inline', value: 'x' },
            { key: 'one', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { fromSecret: { name: 'all-of-it' } },
          ],
        },
      }),
    ).toEqual(['db', 'all-of-it']);
  });
});
