/**
 * `kubectl apply` of a YAML stream into the test cluster, as a user applies what `cdk8s synth` (or a
 * cdk8s-databricks command) wrote: server-side, with strict field validation, so that a field the CRD
 * does not have is an error rather than silently pruned.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cachedBinaries } from '../control-plane/kube-binaries.js';

/** kubectl built with the test control plane (or the one on PATH when tests use another cluster). */
function kubectlPath(): string {
  const built = cachedBinaries().kubectl;
  return existsSync(built) ? built : 'kubectl';
}

/** Applies `yaml` in `namespace`; resolves with kubectl's output, rejects with it on failure. */
export function kubectlApply(
  yaml: string,
  namespace: string,
  options: { dryRun?: boolean } = {},
): Promise<string> {
  const args = [
    'apply',
    '--server-side',
    '--validate=strict',
    '--field-manager=cli-test',
    '-n',
    namespace,
    '-f',
    '-',
  ];
  if (options.dryRun) args.push('--dry-run=server');
  return new Promise((resolve, reject) => {
    const child = spawn(kubectlPath(), args, { env: process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`kubectl ${args.join(' ')} exited with ${code}:\n${output}`)),
    );
    child.stdin.end(yaml);
  });
}
