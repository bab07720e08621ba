import { atMostOneOf, exactlyOneOf, keysExistIn, onlyWhen, requiredWhen } from '../../lib/crds/cel-rules.js';
import { customResourceDefinitions } from '../../lib/crds/index.js';
import { plainSchema, type SchemaNode, walkSchema } from './schema-walk.js';

// The API server compiles and evaluates these rules (the integration tests apply them); here we
// pin their shape: what they say, and that every field they mention exists where they sit.

interface RuleSite {
  path: string;
  node: SchemaNode;
  rule: string;
  message: string;
  fieldPath?: string;
}

const sites: RuleSite[] = [];
for (const crd of customResourceDefinitions()) {
  const version = (crd.spec.versions as unknown as { schema: { openAPIV3Schema: unknown } }[])[0];
  walkSchema(plainSchema(version.schema.openAPIV3Schema), (node, path) => {
    for (const validation of node['x-kubernetes-validations'] ?? []) {
      sites.push({ path: `${crd.metadata.name}${path}`, node, ...validation });
    }
  });
}

describe('CEL rule builders', () => {
  it('exactlyOneOf counts present fields and names them all in the message', () => {
    expect(exactlyOneOf(['a', 'b'], 'thing')).toEqual({
      rule: '[has(self.a), has(self.b)].exists_one(present, present)',
      message: 'thing: set exactly one of a, b',
    });
  });

  it('atMostOneOf allows none', () => {
    expect(atMostOneOf(['a', 'b']).rule).toBe(
      '[has(self.a), has(self.b)].filter(present, present).size() <= 1',
    );
  });

  it('onlyWhen and requiredWhen point at the field they are about', () => {
    expect(onlyWhen('x', 'has(self.y)', 'x needs y')).toEqual({
      rule: '!has(self.x) || (has(self.y))',
      message: 'x needs y',
      fieldPath: '.x',
    });
    expect(requiredWhen('x', 'has(self.y)', 'y needs x')).toMatchObject({
      rule: '!(has(self.y)) || has(self.x)',
    });
  });
});

describe('keysExistIn', () => {
  it('accepts items without the key and requires the target list when one has it', () => {
    const rule = keysExistIn('tasks', 'job_cluster_key', 'job_clusters', 'job_cluster_key');
    expect(rule.rule).toBe(
      '!has(self.tasks) || self.tasks.all(item, !(has(item.job_cluster_key)) || ' +
        '(has(self.job_clusters) && self.job_clusters.exists(target, target.job_cluster_key == item.job_cluster_key)))',
    );
    expect(rule.fieldPath).toBe('.tasks');
    expect(rule.message).toBe(
      'every job_cluster_key in tasks must name the job_cluster_key of an entry of job_clusters',
    );
  });
});

describe('keysExistIn through nested objects', () => {
  it('tests each level for presence before comparing the key', () => {
    expect(
      keysExistIn('tasks', 'for_each_task.task.job_cluster_key', 'job_clusters', 'job_cluster_key').rule,
    ).toBe(
      '!has(self.tasks) || self.tasks.all(item, !(has(item.for_each_task) && has(item.for_each_task.task) && ' +
        'has(item.for_each_task.task.job_cluster_key)) || (has(self.job_clusters) && ' +
        'self.job_clusters.exists(target, target.job_cluster_key == item.for_each_task.task.job_cluster_key)))',
    );
  });
});

describe('the CEL rules in the CRDs', () => {
  it('has rules for the mutual exclusions the API promises', () => {
    const messages = sites.map((site) => site.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^task: set exactly one of notebook_task, /),
        'task compute: set at most one of existing_cluster_id, existing_cluster_ref, new_cluster, job_cluster_key',
        'run_job_task: set exactly one of job_id, job_ref',
        'spec: set exactly one of jobRef, submit',
        'auth: set exactly one of token, oauthM2M, azureServicePrincipal',
        'library: set exactly one of jar, egg, whl, pypi, maven, cran, requirements',
        'every job_cluster_key in tasks must name the job_cluster_key of an entry of job_clusters',
        'every environment_key in tasks must name the environment_key of an entry of environments',
      ]),
    );
  });

  it('only tests the presence of fields that exist on the object the rule sits on', () => {
    const problems = sites.flatMap((site) =>
      [...site.rule.matchAll(/has\(self\.([A-Za-z_]+)\)/g)]
        .map((match) => match[1])
        .filter((field) => !site.node.properties?.[field])
        .map((field) => `${site.path}: ${field} is not a property`),
    );
    expect(problems).toEqual([]);
  });

  it('points fieldPath at an existing property', () => {
    const problems = sites
      .filter((site) => site.fieldPath)
      .filter((site) => !site.node.properties?.[(site.fieldPath as string).slice(1)])
      .map((site) => `${site.path}: ${site.fieldPath}`);
    expect(problems).toEqual([]);
  });

  it('gives every rule a message that names a field', () => {
    const vague = sites.filter(
      (site) => !/[a-z][A-Za-z]*_?[a-z]/.test(site.message) || site.message.length < 10,
    );
    expect(vague.map((site) => `${site.path}: ${site.message}`)).toEqual([]);
  });

  it('keeps rules balanced and free of Go template leftovers', () => {
    for (const site of sites) {
      const opens = (site.rule.match(/\(/g) ?? []).length;
      const closes = (site.rule.match(/\)/g) ?? []).length;
      expect(`${site.path}: ${opens}`).toBe(`${site.path}: ${closes}`);
      expect(site.rule).not.toMatch(/\{\{|\}\}/);
    }
  });
});
