import { jest } from '@jest/globals';
import type { KubeObject, ResourceType } from '../../../controller/runtime/kube-client.js';
import { Informer } from '../../../controller/runtime/informer.js';
import { ScriptedListWatchClient as ScriptedClient } from './scripted-list-watch-client.js';
import { waitFor } from './wait-for.js';

const resource: ResourceType = { group: 'test.dev', version: 'v1', plural: 'widgets' };

function widget(name: string, resourceVersion: string): KubeObject {
  return { metadata: { namespace: 'ns', name, resourceVersion } };
}

function recordEvents(informer: Informer): string[] {
  const events: string[] = [];
  informer.addEventHandler({
    onAdd: (o) => events.push(`add ${o.metadata.name}`),
    onUpdate: (p, c) =>
      events.push(`update ${c.metadata.name} ${p.metadata.resourceVersion}->${c.metadata.resourceVersion}`),
    onDelete: (o) => events.push(`delete ${o.metadata.name}`),
  });
  return events;
}

describe('Informer (scripted API server)', () => {
  let informer: Informer | undefined;
  afterEach(async () => informer?.stop());

  it('lists, then watches from the list resourceVersion and applies events to the cache', async () => {
    const client = new ScriptedClient();
    client.objects = [widget('a', '5')];
    informer = new Informer(client, { resource, initialBackoffMs: 1 });
    const events = recordEvents(informer);
    informer.start();
    await waitFor(() => client.watches.length === 1);
    expect(informer.hasSynced).toBe(true);
    expect(client.current.resourceVersion).toBe('10');
    client.current.onEvent('ADDED', widget('b', '11'));
    client.current.onEvent('MODIFIED', widget('a', '12'));
    client.current.onEvent('DELETED', widget('b', '13'));
    expect(events).toEqual(['add a', 'add b', 'update a 5->12', 'delete b']);
    expect(informer.store.keys()).toEqual(['ns/a']);
  });

  it('resumes a watch the server closed from the last resourceVersion seen, bookmarks included', async () => {
    const client = new ScriptedClient();
    informer = new Informer(client, { resource, initialBackoffMs: 1 });
    informer.start();
    await waitFor(() => client.watches.length === 1);
    client.current.onEvent('ADDED', widget('a', '11'));
    client.current.onEvent('BOOKMARK', { metadata: { resourceVersion: '20' } });
    client.current.onDone(null);
    await waitFor(() => client.watches.length === 2);
    expect(client.current.resourceVersion).toBe('20');
    expect(client.listCalls).toBe(1);
  });

  it('relists on 410 Gone and reports what changed while the watch was away', async () => {
    const client = new ScriptedClient();
    client.objects = [widget('a', '5'), widget('b', '6')];
    informer = new Informer(client, { resource, initialBackoffMs: 1 });
    const events = recordEvents(informer);
    informer.start();
    await waitFor(() => client.watches.length === 1);
    client.objects = [widget('a', '5'), widget('c', '30')];
    client.listResourceVersion = '31';
    client.current.onEvent('ERROR', { kind: 'Status', code: 410, message: 'too old resource version' });
    await waitFor(() => client.watches.length === 2);
    expect(client.listCalls).toBe(2);
    expect(client.current.resourceVersion).toBe('31');
    expect(events).toEqual(['add a', 'add b', 'add c', 'delete b']);
    expect(informer.stats.gone).toBe(1);
  });

  it('restarts with backoff after a watch error', async () => {
    const client = new ScriptedClient();
    informer = new Informer(client, { resource, initialBackoffMs: 1 });
    informer.start();
    await waitFor(() => client.watches.length === 1);
    client.current.onDone(new Error('connection reset'));
    await waitFor(() => client.watches.length === 2);
    client.failNextWatch = new Error('connection refused');
    client.current.onDone(new Error('connection reset'));
    await waitFor(() => client.watches.length === 3);
    expect(informer.stats.failures).toBe(3);
    expect(client.current.resourceVersion).toBe('10');
  });

  it('backs off instead of spinning when the server ends every watch at once', async () => {
    const client = new ScriptedClient();
    informer = new Informer(client, { resource, initialBackoffMs: 1 });
    informer.start();
    for (let i = 1; i <= 3; i++) {
      await waitFor(() => client.watches.length === i);
      client.current.onDone(null);
    }
    await waitFor(() => client.watches.length === 4);
    expect(informer.stats.failures).toBe(3);
  });

  it('aborts and restarts a watch that stays open past its timeout without a word', async () => {
    const client = new ScriptedClient();
    informer = new Informer(client, {
      resource,
      watchTimeoutSeconds: 0,
      stallGraceMs: 30,
      initialBackoffMs: 1,
    });
    informer.start();
    await waitFor(() => client.watches.length === 2);
    expect(client.watches[0].aborted).toBe(true);
    expect(informer.stats.stalls).toBeGreaterThanOrEqual(1);
  });

  it('hands every cached object to onUpdate on resync', async () => {
    const client = new ScriptedClient();
    client.objects = [widget('a', '5'), widget('b', '6')];
    informer = new Informer(client, { resource, resyncPeriodMs: 20 });
    const events = recordEvents(informer);
    informer.start();
    await waitFor(() => events.filter((e) => e.startsWith('update')).length >= 2);
    expect(events).toContain('update a 5->5');
    expect(events).toContain('update b 6->6');
  });

  it('resyncs within the period, each interval shortened by at most the jitter, and says when it last did', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const draws = [1, 0, 0.5];
    const random = jest.spyOn(Math, 'random').mockImplementation(() => draws.shift() ?? 0);
    try {
      const client = new ScriptedClient();
      client.objects = [widget('a', '5')];
      informer = new Informer(client, { resource, resyncPeriodMs: 1_000, resyncJitter: 0.2 });
      const resyncs: number[] = [];
      informer.addEventHandler({
        onUpdate: (previous, current) => previous === current && resyncs.push(Date.now()),
      });
      const started = Date.now();
      informer.start();
      expect(informer.lastResyncAt).toBe(0);

      // Random draws of 1, 0 and 0.5: intervals of 800, 1,000 and 900 ms.
      await jest.advanceTimersByTimeAsync(799);
      expect(resyncs).toEqual([]);
      await jest.advanceTimersByTimeAsync(1);
      await jest.advanceTimersByTimeAsync(1_000);
      await jest.advanceTimersByTimeAsync(900);
      expect(resyncs.map((at) => at - started)).toEqual([800, 1_800, 2_700]);
      expect(informer.lastResyncAt).toBe(started + 2_700);
    } finally {
      random.mockRestore();
      await informer?.stop();
      jest.useRealTimers();
    }
  });

  it('maps objects through an index to the keys that reference them', async () => {
    const client = new ScriptedClient();
    const job = (name: string, workspace: string): KubeObject =>
      ({ metadata: { namespace: 'ns', name, resourceVersion: '1' }, spec: { workspace } }) as KubeObject;
    client.objects = [job('j1', 'w1'), job('j2', 'w1'), job('j3', 'w2')];
    informer = new Informer(client, { resource });
    informer.addIndex('workspace', (o) => [
      `ns/${(o as KubeObject & { spec: { workspace: string } }).spec.workspace}`,
    ]);
    informer.start();
    await waitFor(() => informer!.hasSynced);
    expect(informer.store.keysByIndex('workspace', 'ns/w1').sort()).toEqual(['ns/j1', 'ns/j2']);
    client.current.onEvent('MODIFIED', job('j2', 'w2'));
    expect(informer.store.keysByIndex('workspace', 'ns/w1')).toEqual(['ns/j1']);
    expect(informer.store.keysByIndex('workspace', 'ns/w2').sort()).toEqual(['ns/j2', 'ns/j3']);
  });
});
