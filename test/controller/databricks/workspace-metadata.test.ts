import { startClientBed, type ClientBed } from './client-test-bed.js';

describe('workspace metadata', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('reads the workspace id from /.well-known/databricks-config as a string', async () => {
    const metadata = await bed.client.metadata.get();
    expect(metadata.workspace_id).toBe(bed.fake.workspaceId);
    expect(metadata.oidc_endpoint).toBe(`${bed.fake.url}/oidc`);
  });
});
