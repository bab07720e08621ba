import { serializePlainObjects, synthWithCdk8s } from '../../bench/synth.js';

describe('the synth benchmark', () => {
  it('compares like with like: its floor emits the same YAML as the constructs', () => {
    const cdk8s = synthWithCdk8s(3);
    expect(cdk8s).toContain('task_key: task-9');
    expect(serializePlainObjects(3)).toBe(cdk8s);
  });
});
