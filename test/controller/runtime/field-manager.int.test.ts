import type { V1ManagedFieldsEntry } from '@kubernetes/client-node';
import type { DatabricksRun } from '../../../controller/reconcilers/run/run.js';
import { CONTROLLER_FIELD_MANAGER, KubeClient } from '../../../controller/runtime/kube-client.js';
import { testKubeConfig } from '../../control-plane/test-cluster.js';
import { RESOURCES, useOperatorTestBed } from '../operator-test-bed.js';

const RUNS = RESOURCES.DatabricksRun;

/** The managers of an object's managedFields, with what each wrote. */
function managers(entries: V1ManagedFieldsEntry[] | undefined): string[] {
  return (entries ?? []).map(
    (entry) =>
      `${entry.manager} ${entry.operation}${entry.subresource ? ` ${entry.subresource}` : ''} ` +
      Object.keys((entry.fieldsV1 as Record<string, unknown> | undefined) ?? {})
        .sort()
        .join(','),
  );
}

describe('the controller names itself as the field manager of every write', () => {
  const bed = useOperatorTestBed('field-manager', {
    operator: { config: { leaderElection: true } },
  });
  // The object is written as a user would, under a manager of its own, so the controller's entries stand apart.
  const author = new KubeClient(testKubeConfig(), 'test-author');

  it('writes status, finalizers, Events and its Lease as cdk8s-databricks-controller, never node-fetch', async () => {
    bed.fake.setTiming({ runPendingMs: 50, taskRunningMs: 100, runTerminatingMs: 50 });
    await author.createCustomObject<DatabricksRun>(RUNS, bed.namespace, {
      apiVersion: `${RUNS.group}/${RUNS.version}`,
      kind: 'DatabricksRun',
      metadata: { name: 'managed' },
      spec: {
        workspaceRef: { name: 'ws' },
        submit: {
          tasks: [
            {
              task_key: 'one',
              notebook_task: { notebook_path: '/Shared/one' },
              new_cluster: { spark_version: '15.4.x-scala2.12', node_type_id: 'i3.xlarge', num_workers: 1 },
            },
          ],
        },
      },
    });
    await bed.waitForCondition(RUNS, 'managed', { type: 'Succeeded' });

    const run = await bed.kube.custom.getNamespacedCustomObject({
      ...RUNS,
      namespace: bed.namespace,
      name: 'managed',
    });
    expect(managers((run as DatabricksRun).metadata.managedFields as V1ManagedFieldsEntry[]).sort()).toEqual([
      `${CONTROLLER_FIELD_MANAGER} Update f:metadata`,
      `${CONTROLLER_FIELD_MANAGER} Update status f:status`,
      'test-author Update f:spec',
    ]);

    const { items: events } = await bed.kube.events.listNamespacedEvent({ namespace: bed.namespace });
    const runEvents = events.filter((event) => event.regarding?.name === 'managed');
    expect(runEvents.length).toBeGreaterThan(0);
    for (const event of runEvents) {
      expect(event.metadata?.managedFields?.map((entry) => entry.manager)).toEqual([
        CONTROLLER_FIELD_MANAGER,
      ]);
    }

    const lease = await bed.kube.readLease(bed.namespace, 'databricks-operator');
    expect(lease?.metadata?.managedFields?.map((entry) => entry.manager)).toEqual([CONTROLLER_FIELD_MANAGER]);
  });
});
