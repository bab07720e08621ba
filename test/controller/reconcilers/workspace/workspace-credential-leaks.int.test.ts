import { CoreV1Api } from '@kubernetes/client-node';
import type { DatabricksJob } from '../../../../controller/reconcilers/job/job.js';
import type { DatabricksWorkspace } from '../../../../controller/reconcilers/workspace/workspace.js';
import { findCondition } from '../../../../controller/runtime/conditions.js';
import { Logger } from '../../../../controller/runtime/logger.js';
import { pollUntil } from '../../../control-plane/poll-until.js';
import { testKubeConfig } from '../../../control-plane/test-cluster.js';
import { awkwardTokens, partsOf } from '../../databricks/awkward-tokens.js';
import { RESOURCES, useOperatorTestBed } from '../../operator-test-bed.js';
import { notebookTask } from '../job/job-fixtures.js';

// The whole operator, on the real API server and the fake, given workspaces whose Secrets hold tokens
// that broke things before (a line break made node-fetch put the token in an error the controller
// logged): nothing it writes anywhere holds any part of them.

const WORKSPACES = RESOURCES.DatabricksWorkspace;
const JOBS = RESOURCES.DatabricksJob;
const core = testKubeConfig().makeApiClient(CoreV1Api);
const logLines: string[] = [];

describe('credentials in a workspace Secret, whatever they hold', () => {
  const bed = useOperatorTestBed('leaks', {
    operator: {
      kinds: ['DatabricksWorkspace', 'DatabricksJob'],
      logger: new Logger({ level: 'debug', sink: (line) => logLines.push(line) }),
    },
  });

  it('reach no log line, Event, status field or metric, and each workspace says what is wrong', async () => {
    const cases = awkwardTokens.map(([what, token], index) => ({ what, token, name: `leaky-${index}` }));
    for (const { token, name } of cases) {
      await core.createNamespacedSecret({
        namespace: bed.namespace,
        body: { metadata: { name }, stringData: { token } },
      });
      await bed.create(WORKSPACES, 'DatabricksWorkspace', name, {
        host: bed.fake.url,
        insecureHttp: true,
        auth: { token: { secretKeyRef: { name, key: 'token' } } },
      });
      await bed.create(JOBS, 'DatabricksJob', `job-${name}`, {
        workspaceRef: { name },
        settings: { name: `job-${name}`, tasks: [notebookTask('a')] },
      });
    }

    for (const { token, name } of cases) {
      const workspace = await bed.waitForCondition<DatabricksWorkspace>(WORKSPACES, name, {
        status: 'False',
        reason: 'InvalidCredentials',
      });
      const message = findCondition(workspace.status?.conditions, 'Ready')?.message ?? '';
      if (/[^\x21-\x7e]/.test(token.trim())) {
        // Refused before sending: the message says what is wrong and where.
        expect(message).toMatch(
          new RegExp(
            `^the value of Secret ${bed.namespace}/${name} key "token" contains .+ at character \\d+; `,
          ),
        );
      } else {
        // Visible ASCII (quotes, JSON) is sent, and Databricks refuses it.
        expect(message).toContain('rejected the credentials (Invalid access token.)');
      }
      // Its dependents are woken when the reason changes, and name it.
      await pollUntil(`job-${name} to name the workspace's reason`, async () => {
        const job = await bed.get<DatabricksJob>(JOBS, `job-${name}`);
        const ready = findCondition(job?.status?.conditions, 'Ready');
        return ready?.reason === 'WaitingForDependency' &&
          ready.message.includes(`DatabricksWorkspace ${name} is not Ready (InvalidCredentials: `)
          ? true
          : undefined;
      });
    }

    const { items: workspaces } = await bed.kube.list<DatabricksWorkspace>(WORKSPACES, bed.namespace);
    const { items: jobs } = await bed.kube.list<DatabricksJob>(JOBS, bed.namespace);
    const { items: events } = await core.listNamespacedEvent({ namespace: bed.namespace });
    const { port } = bed.operator.manager.address;
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('databricks_api_requests_total');
    expect(events.map((event) => event.reason)).toContain('InvalidCredentials');
    expect(logLines.length).toBeGreaterThan(0);

    const outputs: Record<string, string> = {
      logs: logLines.join('\n'),
      events: JSON.stringify(events),
      status: JSON.stringify([...workspaces, ...jobs].map((object) => object.status)),
      metrics,
    };
    for (const { what, token } of cases) {
      for (const part of partsOf(token)) {
        const escaped = JSON.stringify(part).slice(1, -1);
        for (const [where, text] of Object.entries(outputs)) {
          if (text.includes(part) || text.includes(escaped)) {
            throw new Error(`part ${JSON.stringify(part)} of the token with ${what} is in the ${where}`);
          }
        }
      }
    }
  });
});
