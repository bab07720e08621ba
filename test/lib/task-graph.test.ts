import { findDependencyCycle, taskGraphProblems } from '../../lib/task-graph.js';

describe('findDependencyCycle', () => {
  it('finds no cycle in a diamond', () => {
    const tasks = [
      { task_key: 'a' },
      { task_key: 'b', depends_on: [{ task_key: 'a' }] },
      { task_key: 'c', depends_on: [{ task_key: 'a' }] },
      { task_key: 'd', depends_on: [{ task_key: 'b' }, { task_key: 'c' }] },
    ];
    expect(findDependencyCycle(tasks)).toBeUndefined();
  });

  it('names a task that depends on itself', () => {
    expect(findDependencyCycle([{ task_key: 'a', depends_on: [{ task_key: 'a' }] }])).toEqual(['a', 'a']);
  });

  it('names only the tasks on the cycle, not those leading to it', () => {
    const tasks = [
      { task_key: 'entry', depends_on: [{ task_key: 'x' }] },
      { task_key: 'x', depends_on: [{ task_key: 'y' }] },
      { task_key: 'y', depends_on: [{ task_key: 'x' }] },
    ];
    expect(findDependencyCycle(tasks)).toEqual(['x', 'y', 'x']);
  });

  it('ignores dependencies on unknown tasks', () => {
    expect(findDependencyCycle([{ task_key: 'a', depends_on: [{ task_key: 'ghost' }] }])).toBeUndefined();
  });

  it('handles a chain of 100,000 tasks without overflowing the stack', () => {
    const tasks = Array.from({ length: 100_000 }, (_, i) =>
      i === 0 ? { task_key: 't0' } : { task_key: `t${i}`, depends_on: [{ task_key: `t${i - 1}` }] },
    );
    expect(findDependencyCycle(tasks)).toBeUndefined();
    tasks[0] = { task_key: 't0', depends_on: [{ task_key: 't99999' }] };
    expect(findDependencyCycle(tasks)).toHaveLength(100_001);
  });
});

describe('taskGraphProblems', () => {
  it('accepts well-formed tasks and clusters', () => {
    const tasks = [
      { task_key: 'load_orders-1', job_cluster_key: 'main' },
      { task_key: 'b', depends_on: [{ task_key: 'load_orders-1' }] },
    ];
    expect(taskGraphProblems(tasks, [{ job_cluster_key: 'main' }])).toEqual([]);
  });

  it('rejects a task key Databricks does not accept', () => {
    expect(taskGraphProblems([{ task_key: 'load orders' }], [])).toEqual([
      'task_key "load orders" may only hold letters, digits, "_" and "-"; rename it (e.g. "load-orders" for "load orders")',
    ]);
  });

  it('rejects a task key longer than 100 characters', () => {
    const key = 'k'.repeat(101);
    expect(taskGraphProblems([{ task_key: key }], [])).toEqual([
      `task_key "${key}" is 101 characters long; keys are at most 100`,
    ]);
  });

  it('rejects a job cluster key Databricks does not accept', () => {
    expect(taskGraphProblems([], [{ job_cluster_key: 'my cluster' }])).toEqual([
      expect.stringContaining('job_cluster_key "my cluster" may only hold letters, digits'),
    ]);
  });

  it('says where the tasks are', () => {
    const tasks = [{ task_key: 'a' }, { task_key: 'a' }];
    expect(taskGraphProblems(tasks, [], 'submit')).toEqual([
      'submit.tasks has two tasks with task_key "a"; task keys must be unique in a job, so rename one',
    ]);
  });
});
