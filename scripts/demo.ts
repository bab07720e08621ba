/**
 * The main job (`npm run demo`): the synthesized CRDs and example apps go into a real kube-apiserver,
 * the controller makes a Databricks workspace match them, and a table shows what it created.
 *
 * Databricks cannot be reached from here, so the project's fake workspace stands in for it: every
 * DatabricksWorkspace in the examples is pointed at the fake (its host replaced; token and OAuth M2M
 * credentials kept as the example wrote them, an Entra ID service principal swapped for a token,
 * since no Entra ID is reachable either), and the Secrets the examples reference are created with demo
 * values. Uses the cluster in KUBECONFIG when it is set and reachable; otherwise starts the local control
 * plane (building it on first use). `--keep` leaves everything running until Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { controlledKinds, createOperator, RESOURCES } from '../controller/operator.js';
import { findCondition, type Condition } from '../controller/runtime/conditions.js';
import { KubeClient, type KubeObject } from '../controller/runtime/kube-client.js';
import { Logger } from '../controller/runtime/logger.js';
import type { DatabricksKind } from '../lib/crds/index.js';
import { assertClusterReachable, chooseCluster } from '../test/control-plane/cluster-selection.js';
import { startControlPlane, stopControlPlane } from '../test/control-plane/control-plane.js';
import { pollUntil } from '../test/control-plane/poll-until.js';
import { defaultFakeToken, defaultOAuthClient, startFakeWorkspace } from '../test/fake-databricks/index.js';

const keep = process.argv.includes('--keep');
const stateDir = resolve('.cache/demo-control-plane');
const crdFile = resolve('dist/databricks.operator.dev.crds.yaml');
const examplesDir = resolve('dist/examples');
const log = (line: string) => console.log(`demo: ${line}`);

type Manifest = KubeObject & { kind: DatabricksKind | string; spec?: Record<string, unknown> };
type Managed = KubeObject & { status?: Record<string, unknown> & { conditions?: Condition[] } };

/** The example objects, in file order. */
function readExamples(): Manifest[] {
  return readdirSync(examplesDir)
    .filter((name) => name.endsWith('.yaml'))
    .flatMap((name) => parseAllDocuments(readFileSync(join(examplesDir, name), 'utf8')))
    .map((document) => document.toJSON() as Manifest)
    .filter((object) => object?.metadata?.name);
}

/** Points a DatabricksWorkspace at the fake, keeping its auth method where the fake can serve it. */
function pointAtFake(workspace: Manifest, fakeUrl: string): Manifest {
  // The fake listens on plain http on this machine: the spec must ask for that in so many words.
  type WorkspaceSpec = Record<string, unknown> & { auth: Record<string, unknown> };
  const spec = { ...workspace.spec, host: fakeUrl, insecureHttp: true } as unknown as WorkspaceSpec;
  if (spec.auth.azureServicePrincipal) {
    log(`${workspace.metadata.name}: Entra ID cannot be reached here; using a token Secret instead`);
    spec.auth = { token: { secretKeyRef: { name: 'databricks-token', key: 'token' } } };
  }
  if (spec.auth.oauthM2M) {
    spec.auth = { oauthM2M: { ...(spec.auth.oauthM2M as object), clientId: defaultOAuthClient.clientId } };
  }
  return { ...workspace, spec };
}

/** Every `secretKeyRef`/`configMapKeyRef` in an object, to create them with demo values. */
function referencedKeys(
  value: unknown,
  found: { kind: 'Secret' | 'ConfigMap'; name: string; key: string }[] = [],
) {
  if (Array.isArray(value)) for (const item of value) referencedKeys(item, found);
  else if (value && typeof value === 'object') {
    for (const [field, inner] of Object.entries(value as Record<string, unknown>)) {
      const ref = inner as { name?: string; key?: string };
      if (field === 'secretKeyRef' && ref.name && ref.key)
        found.push({ kind: 'Secret', name: ref.name, key: ref.key });
      else if (field === 'fromSecret' && ref.name) {
        // A whole Secret: two demo keys stand in for what a real one would hold.
        found.push(
          { kind: 'Secret', name: ref.name, key: 'username' },
          { kind: 'Secret', name: ref.name, key: 'password' },
        );
      } else if (field === 'configMapKeyRef' && ref.name && ref.key)
        found.push({ kind: 'ConfigMap', name: ref.name, key: ref.key });
      else referencedKeys(inner, found);
    }
  }
  return found;
}

/** The value a demo Secret key gets: the fake's credentials where it is one, a placeholder otherwise. */
function demoValue(key: string): string {
  if (key === 'token') return defaultFakeToken;
  if (key === 'client-secret') return defaultOAuthClient.clientSecret;
  return `demo-${key}-value`;
}

async function createReferencedObjects(config: KubeConfig, objects: Manifest[]): Promise<void> {
  const core = config.makeApiClient(CoreV1Api);
  const byObject = new Map<
    string,
    { kind: 'Secret' | 'ConfigMap'; namespace: string; name: string; data: Record<string, string> }
  >();
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? 'default';
    const refs = referencedKeys(object.spec);
    if (object.kind === 'DatabricksWorkspace')
      refs.push({ kind: 'Secret', name: 'databricks-token', key: 'token' });
    for (const ref of refs) {
      const id = `${ref.kind}/${namespace}/${ref.name}`;
      const entry = byObject.get(id) ?? { kind: ref.kind, namespace, name: ref.name, data: {} };
      entry.data[ref.key] = demoValue(ref.key);
      byObject.set(id, entry);
    }
  }
  for (const { kind, namespace, name, data } of byObject.values()) {
    const body = { metadata: { name }, ...(kind === 'Secret' ? { stringData: data } : { data }) };
    try {
      if (kind === 'Secret') await core.createNamespacedSecret({ namespace, body });
      else await core.createNamespacedConfigMap({ namespace, body });
    } catch (error) {
      if ((error as { code?: number }).code !== 409) throw error;
    }
  }
}

/** One line of the final table. */
function describe(object: Manifest, current: Managed | undefined): string[] {
  const status = current?.status ?? {};
  const ready = findCondition(status.conditions, 'Ready');
  const outcome = findCondition(status.conditions, 'Succeeded')?.status === 'True' ? 'Succeeded' : undefined;
  const id =
    status.runId ??
    status.jobId ??
    status.clusterId ??
    status.pipelineId ??
    status.warehouseId ??
    status.policyId ??
    status.instancePoolId ??
    status.scopeName ??
    status.credentialId ??
    status.path ??
    status.workspaceId ??
    '';
  const state =
    outcome ??
    status.resultState ??
    status.state ??
    (status.lastRun as { state?: string } | undefined)?.state ??
    '';
  return [
    object.kind,
    `${object.metadata.namespace}/${object.metadata.name}`,
    String(id),
    String(state),
    ready ? `${ready.status} (${ready.reason})` : '-',
    String(status.url ?? ''),
  ];
}

function printTable(rows: string[][]): void {
  const header = ['KIND', 'NAME', 'DATABRICKS ID', 'STATE', 'READY', 'URL'];
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  for (const row of [header, ...rows])
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
}

/** Whether the demo is finished with this object: Ready, and a run also Succeeded or Failed. */
function settled(object: Manifest, current: Managed | undefined): boolean {
  const conditions = current?.status?.conditions;
  const ready = findCondition(conditions, 'Ready');
  if (ready?.status !== 'True' || ready.observedGeneration !== current?.metadata.generation) return false;
  if (object.kind === 'DatabricksRun') {
    return ['Succeeded', 'Failed'].some((type) => findCondition(conditions, type)?.status === 'True');
  }
  return true;
}

async function main(): Promise<void> {
  const started = Date.now();
  const choice = chooseCluster();
  let kubeconfig: string;
  let kubectlBinary = 'kubectl';
  let startedHere = false;
  if (choice.kind === 'existing') {
    await assertClusterReachable(choice.kubeconfig);
    kubeconfig = choice.kubeconfig;
    log(`using the cluster in KUBECONFIG (${kubeconfig})`);
  } else {
    const plane = await startControlPlane({ stateDir, log });
    kubeconfig = plane.kubeconfig;
    kubectlBinary = plane.kubectl;
    startedHere = plane.started;
    log(`local control plane at ${plane.server}`);
  }
  const kubectl = (args: string[], input?: string): string =>
    execFileSync(kubectlBinary, ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', input });

  const fake = await startFakeWorkspace({
    timing: {
      runPendingMs: 1_000,
      taskRunningMs: 2_000,
      runTerminatingMs: 300,
      clusterStartMs: 3_000,
      clusterTerminateMs: 500,
    },
  });
  log(`fake Databricks workspace at ${fake.url}`);
  const config = new KubeConfig();
  config.loadFromFile(kubeconfig);
  const kube = new KubeClient(config);
  let operator: ReturnType<typeof createOperator> | undefined;
  try {
    log(`installing the CRDs from ${crdFile}`);
    kubectl(['apply', '--server-side', '-f', crdFile]);
    kubectl([
      'wait',
      '--for=condition=Established',
      '--timeout=60s',
      'crd',
      '-l',
      'app.kubernetes.io/part-of=cdk8s-databricks',
    ]);

    const examples = readExamples().map((object) =>
      object.kind === 'DatabricksWorkspace' ? pointAtFake(object, fake.url) : object,
    );
    const namespaces = [...new Set(examples.map((object) => object.metadata.namespace ?? 'default'))].sort();
    for (const namespace of namespaces)
      kubectl(['apply', '-f', '-'], `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`);
    await createReferencedObjects(config, examples);
    log(`applying ${examples.length} objects from ${examplesDir} to namespaces ${namespaces.join(', ')}`);
    kubectl(
      ['apply', '--server-side', '--force-conflicts', '-f', '-'],
      examples.map((object) => JSON.stringify(object)).join('\n'),
    );

    operator = createOperator({
      kube,
      logger: new Logger({ level: process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn' }),
      config: {
        namespaces,
        workers: 4,
        resyncPeriodMs: 600_000,
        slowResyncPeriodMs: 600_000,
        metricsAddress: '127.0.0.1:0',
        leaderElection: false,
        leaderElectionNamespace: 'default',
        leaderElectionId: 'databricks-operator',
        logLevel: 'warn',
      },
    });
    await operator.start();
    log(
      `controller running (kinds: ${controlledKinds().join(', ')}); metrics on http://127.0.0.1:${operator.manager.address.port}/metrics`,
    );

    const watched = examples.filter((object) => controlledKinds().includes(object.kind as DatabricksKind));
    const read = (object: Manifest) =>
      kube.getCustomObject<Managed>(
        RESOURCES[object.kind as DatabricksKind],
        object.metadata.namespace ?? 'default',
        object.metadata.name,
      );
    await pollUntil(
      'every example object to be Ready (and each run to finish)',
      async () => {
        const current = await Promise.all(watched.map(read));
        return watched.every((object, index) => settled(object, current[index])) ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    ).catch(async (error: unknown) => {
      printTable(
        await Promise.all(
          examples.map(async (object) => describe(object, await read(object).catch(() => undefined))),
        ),
      );
      throw error;
    });
    console.log('');
    printTable(await Promise.all(examples.map(async (object) => describe(object, await read(object)))));
    console.log('');
    const counts = fake.requestCounts();
    const calls = Object.values(counts).reduce((sum, count) => sum + count, 0);
    log(`everything Ready in ${((Date.now() - started) / 1000).toFixed(1)} s; ${calls} Databricks API calls`);
    if (keep) {
      console.log(`export KUBECONFIG=${kubeconfig}   # then: kubectl get databricks -A`);
      log('left running; press Ctrl-C to stop');
      await new Promise<void>((done) => process.once('SIGINT', () => done()));
    }
  } finally {
    await operator?.stop();
    await fake.close();
    if (startedHere) {
      await stopControlPlane(stateDir);
      log('stopped the controller, the fake workspace and the local control plane');
    }
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
