import { contentHash } from '../../../../controller/reconcilers/managed/content-hash.js';

describe('contentHash', () => {
  it('is a SHA-256 in hex', () => {
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order at any depth', () => {
    expect(contentHash({ name: 'etl', tags: { a: '1', b: '2' }, tasks: [{ x: 1, y: 2 }] })).toBe(
      contentHash({ tasks: [{ y: 2, x: 1 }], tags: { b: '2', a: '1' }, name: 'etl' }),
    );
  });

  it('treats an undefined field as absent, as JSON does', () => {
    expect(contentHash({ name: 'etl', description: undefined })).toBe(contentHash({ name: 'etl' }));
  });

  it('changes with any value, with array order, and between types that print alike', () => {
    const base = contentHash({ tasks: ['a', 'b'], max_concurrent_runs: 1 });
    expect(contentHash({ tasks: ['b', 'a'], max_concurrent_runs: 1 })).not.toBe(base);
    expect(contentHash({ tasks: ['a', 'b'], max_concurrent_runs: 2 })).not.toBe(base);
    expect(contentHash({ tasks: ['a', 'b'], max_concurrent_runs: '1' })).not.toBe(base);
    expect(contentHash({ a: null })).not.toBe(contentHash({}));
    expect(contentHash([{ a: 1 }, 'x'])).not.toBe(contentHash([{ a: '1' }, 'x']));
  });
});
