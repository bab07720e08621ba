import { knownCredentials } from '../../../controller/databricks/credential-redaction.js';
import { EventRecorder } from '../../../controller/runtime/events.js';
import { KubeClient } from '../../../controller/runtime/kube-client.js';
import { testKubeConfig, useTestNamespace } from '../../control-plane/test-cluster.js';
import { GADGETS, gadget, installGadgetCrd, type Gadget } from './gadget-crd.js';

describe('EventRecorder against the API server', () => {
  const namespace = useTestNamespace('events');
  const kube = new KubeClient(testKubeConfig());

  beforeAll(() => installGadgetCrd(kube.config), 60_000);

  async function eventsAbout(name: string) {
    const { items } = await kube.events.listNamespacedEvent({ namespace: namespace.name });
    return items.filter((event) => event.regarding?.name === name);
  }

  it('creates an events.k8s.io Event naming the object, and counts repeats in one Event', async () => {
    const object = await kube.createCustomObject<Gadget>(
      GADGETS,
      namespace.name,
      gadget(namespace.name, 'e'),
    );
    let now = 1_000_000;
    const recorder = new EventRecorder(kube, {
      instance: 'test',
      seriesUpdateIntervalMs: 1000,
      now: () => now,
    });
    const created = {
      type: 'Normal',
      reason: 'Created',
      action: 'CreateJob',
      note: 'created job 123',
    } as const;
    await recorder.record(object, created);
    for (let i = 0; i < 5; i++) {
      now += 500;
      await recorder.record(object, created);
    }
    const events = await eventsAbout('e');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      reason: 'Created',
      action: 'CreateJob',
      note: 'created job 123',
      type: 'Normal',
      reportingController: 'databricks.operator.dev/controller',
      regarding: { kind: 'Gadget', name: 'e', uid: object.metadata.uid },
    });
    // Six records 0.5 s apart; the count is written at most once a second: at 1 s (3) and 2 s (5).
    expect(recorder.stats).toEqual({ created: 1, patched: 2, dropped: 0 });
    expect(events[0].series?.count).toBe(5);
  });

  it('sends no credential in a note, whoever wrote it', async () => {
    const object = await kube.createCustomObject<Gadget>(
      GADGETS,
      namespace.name,
      gadget(namespace.name, 'leaky'),
    );
    knownCredentials.add('dapi-known-to-the-client-0001');
    try {
      await new EventRecorder(kube, { instance: 'test' }).record(object, {
        type: 'Warning',
        reason: 'Failed',
        action: 'Reconcile',
        note: 'refused dapi-known-to-the-client-0001 (Authorization: Bearer never-seen-before)',
      });
    } finally {
      knownCredentials.clear();
    }
    const [event] = await eventsAbout('leaky');
    expect(event.note).toBe('refused [REDACTED] (Authorization: Bearer [REDACTED])');
  });

  it('drops distinct events beyond the per-object burst instead of flooding the API server', async () => {
    const object = await kube.createCustomObject<Gadget>(
      GADGETS,
      namespace.name,
      gadget(namespace.name, 'spam'),
    );
    const recorder = new EventRecorder(kube, { instance: 'test', burstPerObject: 3, now: () => 0 });
    for (let i = 0; i < 10; i++) {
      await recorder.record(object, {
        type: 'Warning',
        reason: 'Failed',
        action: 'Sync',
        note: `attempt ${i}`,
      });
    }
    expect(recorder.stats.created).toBe(3);
    expect(recorder.stats.dropped).toBe(7);
    expect(await eventsAbout('spam')).toHaveLength(3);
  });
});
