import { createHash } from 'node:crypto';
import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { readContent } from '../../../../controller/reconcilers/content/content-source.js';
import { NotReadyError } from '../../../../controller/reconcilers/managed/managed.js';

const FIELDS = { inline: 'spec.contents', from: 'spec.contentsFrom' };

/** A cluster holding these ConfigMaps and Secrets, counting reads. */
function cluster(configMaps: Record<string, V1ConfigMap> = {}, secrets: Record<string, V1Secret> = {}) {
  const reads: string[] = [];
  return {
    reads,
    readConfigMap: (namespace: string, name: string) => {
      reads.push(`configmap ${namespace}/${name}`);
      return Promise.resolve(configMaps[name]);
    },
    readSecret: (namespace: string, name: string) => {
      reads.push(`secret ${namespace}/${name}`);
      return Promise.resolve(secrets[name]);
    },
  };
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function notReady(promise: Promise<unknown>): Promise<NotReadyError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(NotReadyError);
  return error as NotReadyError;
}

describe('readContent', () => {
  it('decodes inline base64 and hashes the bytes, without reading the cluster', async () => {
    const kube = cluster();
    const content = await readContent(
      kube,
      'ns',
      { inline: Buffer.from('a,b\n').toString('base64') },
      FIELDS,
    );
    expect(content.bytes.toString()).toBe('a,b\n');
    expect(content.hash).toBe(sha256('a,b\n'));
    expect(content.origin).toBe('spec.contents');
    expect(kube.reads).toEqual([]);
  });

  it('reads ConfigMap data as UTF-8 text and binaryData as bytes', async () => {
    const binary = Buffer.from([0, 255, 10, 13]);
    const kube = cluster({
      scripts: { data: { 'run.py': 'print("é")' }, binaryData: { 'blob.bin': binary.toString('base64') } },
    });
    const text = await readContent(
      kube,
      'ns',
      { configMapKeyRef: { name: 'scripts', key: 'run.py' } },
      FIELDS,
    );
    expect(text.bytes.toString('utf8')).toBe('print("é")');
    expect(text.origin).toBe('ConfigMap scripts key run.py');
    const blob = await readContent(
      kube,
      'ns',
      { configMapKeyRef: { name: 'scripts', key: 'blob.bin' } },
      FIELDS,
    );
    expect(blob.bytes).toEqual(binary);
    expect(blob.hash).toBe(sha256(binary));
  });

  it('reads a Secret key, and again at every call (no cache, so a rotated value is seen)', async () => {
    const secret: V1Secret = { data: { pem: Buffer.from('v1').toString('base64') } };
    const kube = cluster({}, { creds: secret });
    const first = await readContent(kube, 'ns', { secretKeyRef: { name: 'creds', key: 'pem' } }, FIELDS);
    secret.data = { pem: Buffer.from('v2').toString('base64') };
    const second = await readContent(kube, 'ns', { secretKeyRef: { name: 'creds', key: 'pem' } }, FIELDS);
    expect([first.bytes.toString(), second.bytes.toString()]).toEqual(['v1', 'v2']);
    expect(kube.reads).toEqual(['secret ns/creds', 'secret ns/creds']);
  });

  it('waits for a missing ConfigMap or Secret, naming the field and the object', async () => {
    const kube = cluster();
    const configMap = await notReady(
      readContent(kube, 'ns', { configMapKeyRef: { name: 'gone', key: 'k' } }, FIELDS),
    );
    expect(configMap.reason).toBe('WaitingForDependency');
    expect(configMap.message).toBe(
      'spec.contentsFrom.configMapKeyRef: ConfigMap gone does not exist in namespace ns',
    );
    const secret = await notReady(
      readContent(kube, 'ns', { secretKeyRef: { name: 'gone', key: 'k' } }, FIELDS),
    );
    expect(secret.message).toBe('spec.contentsFrom.secretKeyRef: Secret gone does not exist in namespace ns');
  });

  it('names a missing key and the keys there are (never the values), with a Warning', async () => {
    const kube = cluster(
      { scripts: { data: { 'b.py': '' }, binaryData: { 'a.bin': '' } } },
      { creds: { data: { password: Buffer.from('hunter2').toString('base64') } } },
    );
    const configMap = await notReady(
      readContent(kube, 'ns', { configMapKeyRef: { name: 'scripts', key: 'c.py' } }, FIELDS),
    );
    expect(configMap.message).toBe(
      'spec.contentsFrom.configMapKeyRef: ConfigMap scripts has no key c.py (it has a.bin, b.py)',
    );
    expect(configMap.details.warn).toBe(true);
    const secret = await notReady(
      readContent(kube, 'ns', { secretKeyRef: { name: 'creds', key: 'token' } }, FIELDS),
    );
    expect(secret.message).toBe(
      'spec.contentsFrom.secretKeyRef: Secret creds has no key token (it has password)',
    );
    expect(secret.message).not.toContain('hunter2');
  });

  it('takes an empty ConfigMap value as empty content, not as a missing key', async () => {
    const kube = cluster({ empty: { data: { 'init.sh': '' } } });
    const content = await readContent(
      kube,
      'ns',
      { configMapKeyRef: { name: 'empty', key: 'init.sh' } },
      FIELDS,
    );
    expect(content.bytes.length).toBe(0);
    expect(content.hash).toBe(sha256(''));
  });
});
