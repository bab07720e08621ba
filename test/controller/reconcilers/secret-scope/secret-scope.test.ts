import type { V1Secret } from '@kubernetes/client-node';
import {
  SECRET_NAME_PATTERN,
  defaultScopeName,
  type DatabricksSecretScopeSpec,
} from '../../../../lib/crds/index.js';
import {
  putSecretRequest,
  readDesiredSecrets,
} from '../../../../controller/reconcilers/secret-scope/secret-scope-values.js';

const validScopeName = new RegExp(SECRET_NAME_PATTERN);

describe('defaultScopeName', () => {
  it('is <namespace>.<name> when that fits in 128 characters', () => {
    expect(defaultScopeName('team-a', 'warehouse.credentials')).toBe('team-a.warehouse.credentials');
    const exactly128 = `${'n'.repeat(63)}.${'x'.repeat(64)}`;
    expect(defaultScopeName('n'.repeat(63), 'x'.repeat(64))).toBe(exactly128);
  });

  it('shortens a longer name to 128 characters with a hash suffix, the same every time', () => {
    const namespace = 'n'.repeat(63);
    const name = `${'a'.repeat(200)}.first`;
    const shortened = defaultScopeName(namespace, name);
    expect(shortened).toHaveLength(128);
    expect(shortened).toMatch(validScopeName);
    expect(shortened.startsWith(`${namespace}.aaaa`)).toBe(true);
    expect(shortened).toMatch(/-[0-9a-f]{12}$/);
    expect(defaultScopeName(namespace, name)).toBe(shortened);
  });

  it('gives different names to objects whose names share the first 128 characters', () => {
    const namespace = 'n'.repeat(63);
    const first = defaultScopeName(namespace, `${'a'.repeat(200)}.first`);
    const second = defaultScopeName(namespace, `${'a'.repeat(200)}.second`);
    expect(first).not.toBe(second);
    expect(first.slice(0, 115)).toBe(second.slice(0, 115));
  });
});

describe('putSecretRequest', () => {
  it('sends UTF-8 text as string_value', () => {
    expect(putSecretRequest('s', 'k', Buffer.from('pässword'))).toEqual({
      scope: 's',
      key: 'k',
      string_value: 'pässword',
    });
  });

  it('sends other bytes as base64 bytes_value', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xfe]);
    expect(putSecretRequest('s', 'k', bytes)).toEqual({ scope: 's', key: 'k', bytes_value: '/wD+' });
  });
});

describe('readDesiredSecrets', () => {
  const secrets: Record<string, Record<string, string>> = {
    db: { user: 'etl', password: 'p4ss' },
    api: { token: 't0k' },
  };
  const reads: string[] = [];
  const kube = {
    readSecret: (namespace: string, name: string): Promise<V1Secret | undefined> => {
      reads.push(`${namespace}/${name}`);
      const data = secrets[name];
      return Promise.resolve(
        data && {
          data: Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
        },
      );
    },
  };
  const spec = (secretsList: DatabricksSecretScopeSpec['secrets']): DatabricksSecretScopeSpec => ({
    workspaceRef: { name: 'ws' },
    secrets: secretsList,
  });
  const text = (values: ReadonlyMap<string, Buffer>) =>
    Object.fromEntries([...values].map(([key, value]) => [key, value.toString('utf8')]));

  beforeEach(() => {
    reads.length = 0;
  });

  it('reads literals, Secret keys and whole Secrets (with a prefix), each Secret once', async () => {
    const desired = await readDesiredSecrets(
      spec([
        { key: 'greeting', value: 'hello' },
        { key: 'db-password', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        { fromSecret: { name: 'db', prefix: 'db.' } },
        { fromSecret: { name: 'api' } },
      ]),
      'ns',
      kube,
    );
    expect(desired.problems).toEqual([]);
    expect(text(desired.values)).toEqual({
      greeting: 'hello',
      'db-password': 'p4ss',
      'db.user': 'etl',
      'db.password': 'p4ss',
      token: 't0k',
    });
    expect(reads.sort()).toEqual(['ns/api', 'ns/db']);
  });

  it('names the field and the Secret that is missing, and the key a Secret lacks, and reads the rest', async () => {
    const desired = await readDesiredSecrets(
      spec([
        { key: 'a', valueFrom: { secretKeyRef: { name: 'gone', key: 'x' } } },
        { key: 'b', valueFrom: { secretKeyRef: { name: 'db', key: 'nope' } } },
        { fromSecret: { name: 'also-gone' } },
        { key: 'c', value: 'still here' },
      ]),
      'ns',
      kube,
    );
    expect(desired.problems).toEqual([
      {
        reason: 'SecretNotFound',
        message:
          'spec.secrets[0].valueFrom.secretKeyRef: Secret gone does not exist in namespace ns; create it',
      },
      {
        reason: 'SecretKeyMissing',
        message:
          'spec.secrets[1].valueFrom.secretKeyRef: Secret db in namespace ns has no key nope; add it, or name a key it has',
      },
      {
        reason: 'SecretNotFound',
        message: 'spec.secrets[2].fromSecret: Secret also-gone does not exist in namespace ns; create it',
      },
    ]);
    expect(text(desired.values)).toEqual({ c: 'still here' });
  });

  it('refuses a key set twice (a whole Secret overlapping a literal), keeping neither value', async () => {
    const desired = await readDesiredSecrets(
      spec([{ key: 'token', value: 'literal' }, { fromSecret: { name: 'api' } }]),
      'ns',
      kube,
    );
    expect(desired.values.has('token')).toBe(false);
    expect(desired.problems).toEqual([
      {
        reason: 'InvalidSettings',
        message:
          'spec.secrets[1].fromSecret (Secret api key token): key token is also set by spec.secrets[0].value; each key holds one value, so keep one',
      },
    ]);
  });

  it('refuses keys over 128 characters and values over 128 KB without showing the value', async () => {
    const big = 'v'.repeat(128 * 1024 + 1);
    const desired = await readDesiredSecrets(
      spec([
        { key: 'big', value: big },
        { key: 'k'.repeat(129), value: 'x' },
      ]),
      'ns',
      kube,
    );
    expect(desired.values.size).toBe(0);
    expect(desired.problems.map((p) => p.reason)).toEqual(['InvalidSettings', 'InvalidSettings']);
    expect(desired.problems[0]?.message).toBe(
      'spec.secrets[0].value: the value of big is 131073 bytes, and Databricks takes at most 131072',
    );
    expect(desired.problems[1]?.message).toContain('longer than 128 characters');
  });
});
