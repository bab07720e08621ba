// The cdk8s app `cdk8s synth` runs (see cdk8s.yaml). It writes everything under dist/: the CRDs,
// and (added by the constructs) the example apps under dist/examples/. `cdk8s synth` empties dist/
// first, so everything that belongs there must be produced here.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CRD_MANIFEST_FILE, renderCrdManifest } from './lib/crds/index.js';

const outdir = process.env.CDK8S_OUTDIR ?? 'dist';

mkdirSync(outdir, { recursive: true });
writeFileSync(join(outdir, CRD_MANIFEST_FILE), renderCrdManifest());
