import http from 'node:http';
import { jest } from '@jest/globals';
import { startClientBed, type ClientBed } from './client-test-bed.js';

describe('connections to the workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await bed.close();
  });

  it('reuses one keep-alive connection for sequential calls', async () => {
    const connect = jest.spyOn(http.Agent.prototype, 'createConnection');
    for (let i = 0; i < 20; i++) await bed.client.currentUser.me();
    expect(bed.fake.requestCount('scim/me', 200)).toBe(20);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('opens a new connection after the server dropped one, and keeps using it', async () => {
    await bed.client.currentUser.me();
    const connect = jest.spyOn(http.Agent.prototype, 'createConnection');
    bed.fake.setFaults([{ endpoint: 'scim/me', kind: 'reset', times: 1 }]);
    for (let i = 0; i < 5; i++) await bed.client.currentUser.me();
    expect(connect).toHaveBeenCalledTimes(1);
  });
});
