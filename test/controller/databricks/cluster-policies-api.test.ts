import {
  AlreadyExistsError,
  InvalidParameterError,
  NotFoundError,
} from '../../../controller/databricks/errors.js';
import { collect } from '../../../controller/databricks/pagination.js';
import { startClientBed, type ClientBed } from './client-test-bed.js';

const definition = JSON.stringify({ spark_version: { type: 'fixed', value: '15.4.x-scala2.12' } });

describe('cluster policies API against the fake workspace', () => {
  let bed: ClientBed;
  beforeEach(async () => {
    bed = await startClientBed();
  });
  afterEach(async () => bed.close());

  it('creates, reads, edits in full, lists and deletes a policy', async () => {
    const { policy_id } = await bed.client.clusterPolicies.create({
      name: 'etl',
      definition,
      libraries: [{ pypi: { package: 'simplejson' } }],
    });
    expect(await bed.client.clusterPolicies.get(policy_id)).toMatchObject({
      policy_id,
      name: 'etl',
      definition,
      libraries: [{ pypi: { package: 'simplejson' } }],
    });
    await bed.client.clusterPolicies.edit(policy_id, { name: 'etl', definition: '{}' });
    const edited = await bed.client.clusterPolicies.get(policy_id);
    expect(edited.definition).toBe('{}');
    expect(edited).not.toHaveProperty('libraries');
    const listed = await bed.client.clusterPolicies.list({ sort_column: 'POLICY_NAME', sort_order: 'ASC' });
    expect(listed.map((policy) => policy.name)).toContain('etl');
    expect(bed.fake.requests({ endpoint: 'policies/clusters/list' })[0].query).toBe(
      'sort_column=POLICY_NAME&sort_order=ASC',
    );
    await bed.client.clusterPolicies.delete(policy_id);
    await expect(bed.client.clusterPolicies.get(policy_id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('reports a name in use as AlreadyExistsError and a malformed definition as InvalidParameterError', async () => {
    await bed.client.clusterPolicies.create({ name: 'taken', definition });
    await expect(bed.client.clusterPolicies.create({ name: 'taken', definition })).rejects.toBeInstanceOf(
      AlreadyExistsError,
    );
    const malformed = bed.client.clusterPolicies.create({ name: 'bad', definition: '{"a":' });
    await expect(malformed).rejects.toBeInstanceOf(InvalidParameterError);
    await expect(malformed).rejects.toThrow(/not valid JSON/);
  });

  it('pages through the policy families and reads one, then builds a policy on it', async () => {
    const families = await collect(bed.client.policyFamilies.list(1));
    expect(families.map((family) => family.policy_family_id).sort()).toEqual([
      'job-cluster',
      'personal-vm',
      'power-user',
      'shared-compute',
    ]);
    expect(bed.fake.requestCount('policy-families/list')).toBe(4);
    const family = await bed.client.policyFamilies.get('job-cluster', 1);
    const { policy_id } = await bed.client.clusterPolicies.create({
      name: 'jobs',
      policy_family_id: family.policy_family_id,
      policy_family_definition_overrides: JSON.stringify({ num_workers: { type: 'fixed', value: 2 } }),
    });
    const policy = await bed.client.clusterPolicies.get(policy_id);
    expect(JSON.parse(policy.definition as string)).toMatchObject({
      num_workers: { type: 'fixed', value: 2 },
    });
    await expect(bed.client.policyFamilies.get('no-such-family')).rejects.toBeInstanceOf(NotFoundError);
  });
});
