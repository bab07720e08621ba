import {
  decidePolicyPlacement,
  decidePolicySettings,
  definitionText,
  policyDifferences,
  policyRuleProblems,
  policySettingsOf,
  type PolicyFacts,
} from '../../../../controller/reconcilers/cluster-policy/policy-decision.js';

const facts = (overrides: Partial<PolicyFacts> = {}): PolicyFacts => ({
  name: 'etl',
  claimed: false,
  adopt: false,
  host: 'https://example.cloud.databricks.com',
  ...overrides,
});

describe('decidePolicyPlacement', () => {
  it.each<[string, Partial<PolicyFacts>, string]>([
    ['a recorded policy that exists is used', { recorded: { policyId: 'A', exists: true } }, 'use'],
    ['no policy of the name: create', {}, 'create'],
    [
      'a recorded policy deleted in Databricks: create again',
      { recorded: { policyId: 'A', exists: false } },
      'create',
    ],
    [
      'a policy of the name this object claimed before a crash: take it',
      { claimed: true, existing: { policyId: 'B' } },
      'take',
    ],
    [
      'a policy of the name made elsewhere, spec.adopt: take it',
      { adopt: true, existing: { policyId: 'B' } },
      'take',
    ],
    ['a policy of the name made elsewhere, no adopt: refuse', { existing: { policyId: 'B' } }, 'refuse'],
    [
      'a policy another object holds: refuse even with adopt',
      { adopt: true, claimed: true, existing: { policyId: 'B' }, heldBy: 'ns/other' },
      'refuse',
    ],
  ])('%s', (_why, overrides, action) => {
    expect(decidePolicyPlacement(facts(overrides)).action).toBe(action);
  });

  it('names the way out of each refusal', () => {
    expect(decidePolicyPlacement(facts({ existing: { policyId: 'B' } }))).toMatchObject({
      reason: 'PolicyExists',
      message: expect.stringContaining('set spec.adopt'),
    });
    expect(decidePolicyPlacement(facts({ existing: { policyId: 'B' }, heldBy: 'ns/other' }))).toMatchObject({
      reason: 'OwnedElsewhere',
      message: expect.stringContaining('DatabricksClusterPolicy ns/other'),
    });
  });

  it('says why it takes a policy: Found for its own claim, Adopted for spec.adopt', () => {
    expect(decidePolicyPlacement(facts({ claimed: true, existing: { policyId: 'B' } }))).toMatchObject({
      cause: 'Found',
    });
    expect(decidePolicyPlacement(facts({ adopt: true, existing: { policyId: 'B' } }))).toMatchObject({
      cause: 'Adopted',
    });
  });
});

describe('policyRuleProblems', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'a well-formed set of rules',
      { a: { type: 'fixed', value: 1 }, b: { type: 'allowlist', values: ['x'] } },
      [],
    ],
    [
      'fixed without value',
      { a: { type: 'fixed' } },
      ['spec.definition[a].value: a rule of type fixed needs value'],
    ],
    [
      'value on a range rule',
      { a: { type: 'range', maxValue: 1, value: 2 } },
      ['spec.definition[a].value: value is only for rules of type fixed, not range'],
    ],
    [
      'allowlist without values',
      { a: { type: 'allowlist' } },
      ['spec.definition[a].values: a rule of type allowlist needs values'],
    ],
    [
      'defaultValue on a forbidden rule',
      { a: { type: 'forbidden', defaultValue: 1 } },
      ['spec.definition[a].defaultValue: defaultValue has no meaning for rules of type forbidden'],
    ],
    [
      'an object as value',
      { a: { type: 'fixed', value: { x: 1 } } },
      ['spec.definition[a].value: must be a string, a number or a boolean'],
    ],
  ])('%s', (_why, rules, problems) => {
    expect(policyRuleProblems(rules as never, 'spec.definition')).toEqual(problems);
  });
});

describe('the policy as Databricks should have it, and its drift', () => {
  const spec = {
    workspaceRef: { name: 'ws' },
    definition: { b: { type: 'fixed' as const, value: 1 }, a: { type: 'forbidden' as const } },
    max_clusters_per_user: 2,
  };

  it('sends the definition as JSON text with sorted keys', () => {
    expect(policySettingsOf(spec, 'etl')).toEqual({
      name: 'etl',
      definition: '{"a":{"type":"forbidden"},"b":{"type":"fixed","value":1}}',
      max_clusters_per_user: 2,
    });
  });

  it('compares definitions as JSON, and absent as empty', () => {
    const desired = policySettingsOf(spec, 'etl');
    const observed = {
      policy_id: 'A',
      name: 'etl',
      definition: '{"b": {"value": 1, "type": "fixed"}, "a": {"type": "forbidden"}}',
      max_clusters_per_user: 2,
      description: '',
      libraries: [],
    };
    expect(policyDifferences(desired, observed)).toEqual([]);
    expect(policyDifferences(desired, { ...observed, definition: definitionText({}) })).toEqual([
      'definition',
    ]);
  });

  it('compares only the overrides of a family-based policy (its definition is the merged family)', () => {
    const family = { workspaceRef: { name: 'ws' }, policy_family_id: 'job-cluster' };
    const desired = policySettingsOf(family, 'jobs');
    const observed = {
      policy_id: 'A',
      name: 'jobs',
      policy_family_id: 'job-cluster',
      definition: '{"x":{}}',
    };
    expect(policyDifferences(desired, observed)).toEqual([]);
  });

  it('edits on any difference, naming the cause, and never when everything matches', () => {
    const desired = policySettingsOf(spec, 'etl');
    const observed = { policy_id: 'A', ...desired };
    expect(decidePolicySettings({ desired, desiredHash: 'h', appliedHash: 'h', observed })).toEqual({
      action: 'none',
    });
    const drifted = { ...observed, max_clusters_per_user: 9 };
    expect(
      decidePolicySettings({ desired, desiredHash: 'h', appliedHash: 'h', observed: drifted }),
    ).toMatchObject({
      action: 'edit',
      cause: 'Drifted',
    });
    expect(
      decidePolicySettings({ desired, desiredHash: 'h2', appliedHash: 'h', observed: drifted }),
    ).toMatchObject({
      cause: 'SpecChanged',
    });
    expect(decidePolicySettings({ desired, desiredHash: 'h', observed: drifted })).toMatchObject({
      cause: 'Adopted',
    });
  });
});
