import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderWrapperGoMod, stagingModules, wrapperKubernetesVersion } from './go-wrapper-module.js';
import { KUBERNETES_VERSION, stagingModuleVersion } from './kubernetes-version.js';
import { wrapperModuleDir } from './state-paths.js';

const KUBERNETES_GO_MOD = `module k8s.io/kubernetes

go 1.23.0

require (
	github.com/spf13/cobra v1.8.1
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
)

replace k8s.io/kms => ./staging/src/k8s.io/kms
`;

describe('the Go wrapper module', () => {
  it('takes the staging modules from the relative replaces of the kubernetes go.mod', () => {
    expect(stagingModules(KUBERNETES_GO_MOD)).toEqual(['k8s.io/api', 'k8s.io/client-go', 'k8s.io/kms']);
  });

  it('points each staging module at the v0 tag of the pinned release and builds both commands as tools', () => {
    const goMod = renderWrapperGoMod('v1.31.4', KUBERNETES_GO_MOD);
    expect(goMod).toContain('require k8s.io/kubernetes v1.31.4\n');
    expect(goMod).toContain('\tk8s.io/api => k8s.io/api v0.31.4\n');
    expect(goMod).toContain('\tk8s.io/kms => k8s.io/kms v0.31.4\n');
    expect(goMod).toContain(
      'tool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kubectl\n)',
    );
    expect(goMod).not.toContain('./staging');
  });

  it('refuses a go.mod without staging replaces, saying what to check', () => {
    expect(() => stagingModules('module example.com/x\n')).toThrow(
      /no `k8s.io\/... => .\/staging\/...` replace lines/,
    );
  });

  it('refuses a version that is not a release tag', () => {
    expect(() => stagingModuleVersion('1.32')).toThrow(
      'Kubernetes version "1.32" is not a release tag like v1.32.13',
    );
    expect(stagingModuleVersion('v1.32.13')).toBe('v0.32.13');
  });

  it('is committed in sync with KUBERNETES_VERSION (run `npm run control-plane -- go-mod` after a bump)', () => {
    expect(wrapperKubernetesVersion(wrapperModuleDir())).toBe(KUBERNETES_VERSION);
    const goMod = readFileSync(join(wrapperModuleDir(), 'go.mod'), 'utf8');
    const replaced = [...goMod.matchAll(/^\t(k8s\.io\/[\w.-]+) => \1 (v\S+)$/gm)];
    expect(replaced.length).toBeGreaterThan(20);
    expect(new Set(replaced.map((match) => match[2]))).toEqual(
      new Set([stagingModuleVersion(KUBERNETES_VERSION)]),
    );
  });
});
