import https from 'node:https';
import { jest } from '@jest/globals';
import { KubeClient } from '../../../controller/runtime/kube-client.js';
import { testKubeConfig, useTestNamespace } from '../../control-plane/test-cluster.js';
import { GADGETS, gadget, installGadgetCrd, type Gadget } from './gadget-crd.js';

describe('KubeClient connections to the API server', () => {
  const namespace = useTestNamespace('kube-client');

  beforeAll(() => installGadgetCrd(new KubeClient(testKubeConfig()).config), 60_000);
  afterEach(() => jest.restoreAllMocks());

  it('sends many calls, of every kind it makes, over one kept-alive TLS connection', async () => {
    const kube = new KubeClient(testKubeConfig());
    const connect = jest.spyOn(https.Agent.prototype, 'createConnection');
    await kube.createCustomObject<Gadget>(GADGETS, namespace.name, gadget(namespace.name, 'g'));
    for (let i = 0; i < 10; i++) {
      await kube.getCustomObject(GADGETS, namespace.name, 'g');
      await kube.patchCustomObject(GADGETS, namespace.name, 'g', { metadata: { labels: { round: `${i}` } } });
      await kube.list(GADGETS, namespace.name);
      await kube.readSecret(namespace.name, 'absent');
    }
    expect(connect).toHaveBeenCalledTimes(1);
    expect((await kube.getCustomObject<Gadget>(GADGETS, namespace.name, 'g'))?.metadata.labels).toEqual({
      round: '9',
    });
  });
});
