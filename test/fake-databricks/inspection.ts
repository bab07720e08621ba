import { ApiError, ManualClock, type FakeRequest, type Route } from './api.js';
import type { FaultRule } from './faults.js';
import type { FakeWorkspace } from './fake-workspace.js';
import { objectUiRoutes } from './object-ui-actions.js';

const badControlRequest = (message: string) => new ApiError(400, 'INVALID_PARAMETER_VALUE', message);

function objectField(req: FakeRequest, name: string): Record<string, unknown> {
  const value = req.body[name];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badControlRequest(`${req.path}: field '${name}' must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

function numberField(req: FakeRequest, name: string): number {
  const value = req.body[name] ?? req.query.get(name);
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw badControlRequest(`${req.path}: field '${name}' must be a number.`);
  }
  return n;
}

/**
 * The inspection and control API under `/__fake/`, for a fake started as a process (the library exposes
 * the same operations as methods of `FakeWorkspace`). No auth, no rate limits, no faults, not logged.
 *
 * - `GET /__fake/state`: every service's state; `POST /__fake/reset`: forget it all
 * - `GET /__fake/requests?endpoint=&method=&status=`, `GET /__fake/requests/counts`, `DELETE /__fake/requests`
 * - `GET|PUT /__fake/faults` `{faults: FaultRule[]}`, `POST /__fake/faults` (one rule), `DELETE /__fake/faults`
 * - `GET|PUT /__fake/latency` `{fixedMs, jitterMs}`
 * - `GET|PUT /__fake/rate-limits` `{limits: {...} | false}`
 * - `GET|PUT /__fake/timing` (partial `Timing`)
 * - `POST /__fake/clock/advance` `{ms}` (only with a manual clock)
 * - `PUT /__fake/auth` (partial auth settings: `tokens`, `oauthClients`, `oauthTokenLifetimeSeconds`, `azure`)
 * - UI actions: `POST /__fake/ui/jobs/update` `{job_id, new_settings, fields_to_remove?}`,
 *   `/__fake/ui/jobs/reset`, `/__fake/ui/jobs/delete` `{job_id}`, `/__fake/ui/clusters/terminate`,
 *   `/__fake/ui/clusters/delete` `{cluster_id}`, `/__fake/ui/call` `{endpoint, fields}`
 * - UI actions on policies, pools, Git folders and credentials, pipelines and warehouses: `objectUiRoutes`
 */
export function inspectionRoutes(workspace: FakeWorkspace): Route[] {
  const route = (method: Route['method'], path: string, handler: Route['handler']): Route => ({
    method,
    path: `/__fake/${path}`,
    endpoint: `fake/${path}`,
    handler,
  });
  const ok = {};
  return [
    route('GET', 'state', () => workspace.snapshot() as Record<string, unknown>),
    route('POST', 'reset', () => {
      workspace.reset();
      return ok;
    }),
    route('GET', 'requests', (req) => {
      const status = req.query.get('status');
      return {
        requests: workspace.requests({
          endpoint: req.query.get('endpoint') ?? undefined,
          method: req.query.get('method') ?? undefined,
          status: status === null ? undefined : Number(status),
        }),
      };
    }),
    route('GET', 'requests/counts', () => ({ counts: workspace.requestCounts() })),
    route('DELETE', 'requests', () => {
      workspace.clearRequests();
      return ok;
    }),
    route('GET', 'faults', () => ({ faults: workspace.listFaults() })),
    route('PUT', 'faults', (req) => {
      const faults = req.body['faults'];
      if (!Array.isArray(faults))
        throw badControlRequest(`${req.path}: field 'faults' must be an array of rules.`);
      workspace.setFaults(faults as FaultRule[]);
      return ok;
    }),
    route('POST', 'faults', (req) => {
      workspace.addFault(req.body as unknown as FaultRule);
      return ok;
    }),
    route('DELETE', 'faults', () => {
      workspace.setFaults([]);
      return ok;
    }),
    route('GET', 'latency', () => ({ ...workspace.latency })),
    route('PUT', 'latency', (req) => {
      workspace.setLatency({
        fixedMs: numberField(req, 'fixedMs'),
        jitterMs: Number(req.body['jitterMs'] ?? 0),
      });
      return ok;
    }),
    route('GET', 'rate-limits', () => ({ limits: workspace.rateLimits() })),
    route('PUT', 'rate-limits', (req) => {
      const limits = req.body['limits'];
      if (limits !== false && (limits === null || typeof limits !== 'object')) {
        throw badControlRequest(
          `${req.path}: field 'limits' must be an object of endpoint → per-second, or false.`,
        );
      }
      workspace.setRateLimits(limits as Record<string, number | false> | false);
      return ok;
    }),
    route('GET', 'timing', () => ({ ...workspace.timing })),
    route('PUT', 'timing', (req) => {
      workspace.setTiming(req.body);
      return ok;
    }),
    route('POST', 'clock/advance', (req) => {
      if (!(workspace.clock instanceof ManualClock)) {
        throw badControlRequest(
          '/__fake/clock/advance: this fake runs on the system clock; start it with a manual clock.',
        );
      }
      workspace.clock.advance(numberField(req, 'ms'));
      return { now: workspace.clock.now() };
    }),
    route('PUT', 'auth', (req) => {
      workspace.configureAuth(req.body);
      return ok;
    }),
    route('POST', 'ui/jobs/update', async (req) => {
      await workspace.ui.updateJob(
        numberField(req, 'job_id'),
        objectField(req, 'new_settings'),
        req.body['fields_to_remove'] as string[] | undefined,
      );
      return ok;
    }),
    route('POST', 'ui/jobs/reset', async (req) => {
      await workspace.ui.resetJob(numberField(req, 'job_id'), objectField(req, 'new_settings'));
      return ok;
    }),
    route('POST', 'ui/jobs/delete', async (req) => {
      await workspace.ui.deleteJob(numberField(req, 'job_id'));
      return ok;
    }),
    route('POST', 'ui/clusters/terminate', async (req) => {
      await workspace.ui.terminateCluster(String(req.body['cluster_id']));
      return ok;
    }),
    route('POST', 'ui/clusters/delete', async (req) => {
      await workspace.ui.deleteCluster(String(req.body['cluster_id']));
      return ok;
    }),
    route('POST', 'ui/call', async (req) => {
      const endpoint = req.body['endpoint'];
      if (typeof endpoint !== 'string')
        throw badControlRequest(`${req.path}: field 'endpoint' must be a string.`);
      const fields = req.body['fields'];
      return workspace.ui.call(endpoint, (fields ?? {}) as Record<string, unknown>);
    }),
    // Policies, pools, Git folders and credentials, pipelines and warehouses: see object-ui-actions.ts.
    ...objectUiRoutes(workspace),
  ];
}
