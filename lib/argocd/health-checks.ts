/**
 * Argo CD health checks for every kind: one Lua script per kind, as the `argocd-cm` entries
 * `resource.customizations.health.<group>_<kind>`. Argo CD runs each in gopher-lua (Lua 5.1) with the
 * object as the global `obj` and reads the `status` and `message` of the table it returns; only the
 * base, table, package and a reduced os library are open, so the scripts use no `string` or `math`.
 *
 * What they say, from `status`:
 * - Progressing: no status yet, or status of an older generation (`observedGeneration` behind
 *   `metadata.generation`); `Ready` missing or `Unknown`; `Ready=False` for a reason that passes on its
 *   own (waiting for a dependency, a cluster starting); a run that has started and not ended.
 * - Healthy: `Ready=True`; for a run, `Succeeded=True`.
 * - Degraded: `Ready=False` for any other reason (invalid settings, bad credentials, owned elsewhere, a
 *   cluster error, a failed run): someone has to act.
 * - Suspended: in the state asked for, and idle on purpose: a job whose schedule and triggers are all
 *   `PAUSED` in `spec.settings`, a cluster whose `spec.state` is `Terminated`.
 */
import { stringify } from 'yaml';
import { API_GROUP } from '../crds/api-group.js';
import {
  CLUSTER_MOVING_REASONS,
  CLUSTER_WAITING,
  PIPELINE_MOVING_REASONS,
  WAREHOUSE_MOVING_REASONS,
  RUN_JOB_NOT_FOUND,
  WAITING_FOR_DEPENDENCY,
} from '../crds/condition-reasons.js';
import { KINDS, type DatabricksKind } from '../crds/kinds.js';

/** The `argocd-cm` key Argo CD reads the health check of `kind` from. */
export function healthCheckKey(kind: DatabricksKind): string {
  return `resource.customizations.health.${API_GROUP}_${kind}`;
}

/** `Ready=False` reasons every kind may show that pass without anyone acting. */
const TRANSIENT_REASONS = [WAITING_FOR_DEPENDENCY];

/** Per kind: its own transient reasons, and what it checks before the shared `Ready` verdict. */
const KIND_RULES: Readonly<Record<DatabricksKind, { transient?: readonly string[]; before?: string }>> = {
  DatabricksWorkspace: {},
  DatabricksJob: {
    before: `-- A job whose every schedule and trigger is paused on purpose starts no run: Suspended.
if ready.status == "True" and obj.spec ~= nil and obj.spec.settings ~= nil then
  local settings = obj.spec.settings
  local starters, paused = 0, 0
  local function count(starter)
    if starter ~= nil then
      starters = starters + 1
      if starter.pause_status == "PAUSED" then
        paused = paused + 1
      end
    end
  end
  count(settings.schedule)
  count(settings.trigger)
  count(settings.continuous)
  if settings.triggers ~= nil then
    for _, trigger in ipairs(settings.triggers) do
      count(trigger)
    end
  end
  if starters > 0 and paused == starters then
    return verdict("Suspended", "schedule and triggers are PAUSED in spec.settings; " .. describe(ready))
  end
end`,
  },
  DatabricksRun: {
    // The job was deleted in Databricks; its DatabricksJob recreates it and the run starts then.
    transient: [RUN_JOB_NOT_FOUND],
    before: `-- A run is Healthy once it succeeded, Degraded once it failed, and Progressing until it ends.
local failed = condition("Failed")
if failed ~= nil and failed.status == "True" then
  return verdict("Degraded", describe(failed))
end
local succeeded = condition("Succeeded")
if succeeded ~= nil and succeeded.status == "True" then
  return verdict("Healthy", describe(succeeded))
end
if ready.status == "True" then
  return verdict("Progressing", describe(ready))
end`,
  },
  DatabricksCluster: {
    // A cluster on its way between states (cluster-state.ts).
    transient: [...Object.values(CLUSTER_MOVING_REASONS), CLUSTER_WAITING],
    before: `-- A cluster terminated because spec.state asks for it is idle on purpose: Suspended.
if ready.status == "True" and obj.spec ~= nil and obj.spec.state == "Terminated" then
  return verdict("Suspended", describe(ready))
end`,
  },
  DatabricksSecretScope: {},
  DatabricksDbfsFile: {},
  DatabricksNotebook: {},
  DatabricksGitCredential: {},
  DatabricksPipeline: {
    // A continuous pipeline's update on its way (pipeline.ts).
    transient: Object.values(PIPELINE_MOVING_REASONS),
  },
  DatabricksSqlWarehouse: {
    // A warehouse on its way between states (warehouse-state.ts).
    transient: Object.values(WAREHOUSE_MOVING_REASONS),
    before: `-- A warehouse stopped because spec.state asks for it is idle on purpose: Suspended.
if ready.status == "True" and obj.spec ~= nil and obj.spec.state == "Stopped" then
  return verdict("Suspended", describe(ready))
end`,
  },
  DatabricksRepo: {},
  DatabricksClusterPolicy: {},
  DatabricksInstancePool: {},
};

/** The Lua health check of `kind`, as Argo CD runs it. */
export function healthCheckScript(kind: DatabricksKind): string {
  const rules = KIND_RULES[kind];
  const transient = [...TRANSIENT_REASONS, ...(rules.transient ?? [])]
    .map((reason) => `  ${reason} = true,`)
    .join('\n');
  return `-- Argo CD health of a ${kind} (cdk8s-databricks), from its status conditions.
-- Generated by \`npm run synth\` from lib/argocd/health-checks.ts; do not edit.
local hs = {}
local function verdict(status, message)
  hs.status = status
  hs.message = message
  return hs
end
local function condition(conditionType)
  if obj.status == nil or obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end
local function describe(c)
  if c.message == nil or c.message == "" then
    return c.reason
  end
  return c.reason .. ": " .. c.message
end

-- Status computed from an older spec says nothing about this one.
local generation = obj.metadata.generation
local observed = nil
if obj.status ~= nil then
  observed = obj.status.observedGeneration
end
if observed == nil then
  return verdict("Progressing", "waiting for the controller to reconcile it")
end
if generation ~= nil and observed < generation then
  return verdict("Progressing", "waiting for the controller to reconcile generation " .. generation .. " (status is of generation " .. observed .. ")")
end
local ready = condition("Ready")
if ready == nil or (generation ~= nil and ready.observedGeneration ~= nil and ready.observedGeneration < generation) then
  return verdict("Progressing", "waiting for the controller to report Ready")
end

${rules.before ? `${rules.before}\n\n` : ''}-- Ready=False reasons that pass without anyone acting; any other needs a person.
local transient = {
${transient}
}
if ready.status == "True" then
  return verdict("Healthy", describe(ready))
end
if ready.status ~= "False" or transient[ready.reason] then
  return verdict("Progressing", describe(ready))
end
return verdict("Degraded", describe(ready))
`;
}

/** Every kind's health check, by its `argocd-cm` key. */
export function argoCdHealthChecks(): Record<string, string> {
  return Object.fromEntries(KINDS.map(({ kind }) => [healthCheckKey(kind), healthCheckScript(kind)]));
}

/** The file under dist/ that holds the health checks as a partial `argocd-cm`. */
export const ARGOCD_HEALTH_MANIFEST_FILE = 'argocd-cm.health.yaml';

/**
 * The health checks as an `argocd-cm` ConfigMap holding only these keys: server-side apply merges them
 * into an existing argocd-cm and leaves its other keys alone. What `npm run synth` writes to
 * dist/argocd-cm.health.yaml.
 */
export function renderArgoCdHealthManifest(namespace = 'argocd'): string {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'argocd-cm',
      namespace,
      labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
    },
    data: argoCdHealthChecks(),
  };
  return (
    '# Generated by `npm run synth` from lib/argocd/health-checks.ts. Do not edit.\n' +
    '# Argo CD health checks for the databricks.operator.dev kinds, as argocd-cm keys. Merge them into your\n' +
    '# argocd-cm without touching its other keys:\n' +
    '#   kubectl apply --server-side --field-manager=cdk8s-databricks -f argocd-cm.health.yaml\n' +
    '# or copy the data entries into the argocd-cm you manage (Helm: configs.cm). See README, "Argo CD".\n' +
    stringify(configMap, { lineWidth: 0, blockQuote: 'literal' })
  );
}
