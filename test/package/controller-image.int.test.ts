/**
 * The controller image runs from what the Dockerfile puts in it: the final stage's contents, assembled
 * by following the Dockerfile (docker-image.ts), started with its ENTRYPOINT by plain node from a
 * directory outside the repository (so nothing resolves from the repository's node_modules), against the
 * test cluster and a fake Databricks workspace.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabricksJob } from '../../controller/reconcilers/job/job.js';
import { repositoryRoot } from '../control-plane/state-paths.js';
import { JOBS, useProcessTestBed, WORKSPACES } from '../e2e/process-test-bed.js';
import { assembleImage, type AssembledImage } from './docker-image.js';
import { listFiles } from './packed-library.js';

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

const manifestAt = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Manifest;

describe('the controller image', () => {
  const e2e = useProcessTestBed('image');
  let work: string;
  let image: AssembledImage;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cdk8s-databricks-image-'));
    image = await assembleImage(repositoryRoot(), work);
  }, 600_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds the compiled controller and its production dependencies, and nothing else', () => {
    expect(readdirSync(image.workdir).sort()).toEqual([
      'build',
      'controller',
      'node_modules',
      'package-lock.json',
      'package.json',
    ]);
    const compiled = listFiles(join(image.workdir, 'build'));
    expect(compiled).toContain('controller/main.js');
    expect(compiled.filter((file) => !/^(controller|lib)\/.+\.js(\.map)?$/.test(file))).toEqual([]);
    expect(listFiles(join(image.workdir, 'controller'))).toEqual(['package.json']);

    const root = repositoryRoot();
    const installed = (name: string) => existsSync(join(image.workdir, 'node_modules', name, 'package.json'));
    const controllerDependencies = Object.keys(
      manifestAt(join(root, 'controller', 'package.json')).dependencies!,
    );
    expect(controllerDependencies.filter((name) => !installed(name))).toEqual([]);
    // Neither the development tooling (what the lockfile marks as needed for development only) nor what
    // only the construct library uses.
    const rootManifest = manifestAt(join(root, 'package.json'));
    const { packages: locked } = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const developmentOnly = Object.keys(rootManifest.devDependencies ?? {}).filter(
      (name) => locked[`node_modules/${name}`]?.dev === true,
    );
    expect(developmentOnly).toEqual(expect.arrayContaining(['typescript', 'tsx', 'jest']));
    const libraryOnly = Object.keys(rootManifest.dependencies ?? {}).filter(
      (name) => !controllerDependencies.includes(name),
    );
    expect([...developmentOnly, ...libraryOnly].filter(installed)).toEqual([]);
  });

  it('runs with plain node against the cluster and Databricks until a DatabricksJob is Ready', async () => {
    const { bed } = e2e;
    const [node, ...nodeArgs] = image.entrypoint;
    expect(node).toBe('node');
    const controller = e2e.startController('image', [], {
      entryPoint: { cwd: image.workdir, nodeArgs },
      env: { ...image.env, NODE_PATH: '' },
    });
    await controller.metricsUrl(60_000);
    await bed.waitForCondition(WORKSPACES, 'ws', {}, 30_000);

    await bed.create(JOBS, 'DatabricksJob', 'etl', e2e.jobSpec('etl'));
    const job = await bed.waitForCondition<DatabricksJob>(JOBS, 'etl', {}, 30_000);

    expect(e2e.remoteJobs().map((remote) => [remote.jobId, remote.name])).toEqual([
      [job.status?.jobId, 'etl'],
    ]);
  }, 120_000);
});
