import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import { findCondition } from '../../../../controller/runtime/conditions.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { useOperatorTestBed } from '../../operator-test-bed.js';
import { eventsAbout, JOBS, notebookTask } from '../job/job-fixtures.js';

// What reconcileManaged makes of errors no kind classified: a condition that says what happened, while
// the work queue keeps its backoff; and transient errors, which are the work queue's alone.

describe('a managed object whose reconcile fails with an error nobody classified', () => {
  const bed = useOperatorTestBed('managed-errors', {
    operator: {
      kinds: ['DatabricksWorkspace', 'DatabricksJob'],
      // A transient fault is given up on quickly, so the work queue sees it at once.
      clientOptions: { retry: { budgetMs: 200, initialBackoffMs: 20, maxBackoffMs: 50, jitterMs: [0, 10] } },
    },
  });

  it('says so in Ready=False ReconcileError, with one Warning, keeps retrying, and is Ready once it works', async () => {
    bed.fake.setFaults([{ endpoint: 'jobs/create', kind: 'internal-error' }]);
    await bed.create(JOBS, 'DatabricksJob', 'broken', {
      workspaceRef: { name: 'ws' },
      settings: { name: 'broken', tasks: [notebookTask('a')] },
    });
    const failed = await bed.waitForCondition<DatabricksJob>(JOBS, 'broken', {
      status: 'False',
      reason: 'ReconcileError',
    });
    expect(findCondition(failed.status?.conditions, 'Ready')?.message).toMatch(
      /^DatabricksApiError: Databricks jobs\/create failed with HTTP 500 INTERNAL_ERROR: .*; retrying with backoff$/,
    );
    // The work queue's backoff goes on: more attempts, and still one Event.
    await pollUntil('two more attempts', async () =>
      bed.fake.requestCount('jobs/create', 500) >= 3 ? true : undefined,
    );
    const warnings = (await eventsAbout(bed, 'broken')).filter((event) => event.reason === 'ReconcileError');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].type).toBe('Warning');

    bed.fake.setFaults([]);
    await bed.waitForCondition(JOBS, 'broken');
  });

  it('leaves transient failures to the work queue: no condition is written for them', async () => {
    bed.fake.setFaults([{ endpoint: 'jobs/create', kind: 'unavailable' }]);
    await bed.create(JOBS, 'DatabricksJob', 'flaky', {
      workspaceRef: { name: 'ws' },
      settings: { name: 'flaky', tasks: [notebookTask('a')] },
    });
    await pollUntil('several refused creates', async () =>
      bed.fake.requestCount('jobs/create', 503) >= 6 ? true : undefined,
    );
    const flaky = await bed.get<DatabricksJob>(JOBS, 'flaky');
    expect(findCondition(flaky?.status?.conditions, 'Ready')).toBeUndefined();

    bed.fake.setFaults([]);
    await bed.waitForCondition(JOBS, 'flaky');
  });
});
