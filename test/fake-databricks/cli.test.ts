import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Starts the CLI and resolves with what it printed once it printed the token line. */
function startCli(args: string[]): { child: ChildProcess; banner: Promise<Record<string, string>> } {
  const child = spawn(
    process.execPath,
    ['node_modules/tsx/dist/cli.mjs', 'test/fake-databricks/cli.ts', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const banner = new Promise<Record<string, string>>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (/DATABRICKS_CLIENT_SECRET=\S+\n/.test(out)) {
        resolve(Object.fromEntries([...out.matchAll(/^(DATABRICKS_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]])));
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`fake-databricks exited with ${code} before printing its URL`)),
    );
  });
  return { child, banner };
}

describe('fake-databricks CLI', () => {
  it('prints its URL and a token it accepts, serves the API, and exits on SIGTERM', async () => {
    const { child, banner } = startCli(['--port', '0', '--no-rate-limits']);
    try {
      const env = await banner;
      expect(env['DATABRICKS_HOST']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const me = await fetch(`${env['DATABRICKS_HOST']}/api/2.0/preview/scim/v2/Me`, {
        headers: { Authorization: `Bearer ${env['DATABRICKS_TOKEN']}` },
      });
      expect(me.status).toBe(200);
      const state = await fetch(`${env['DATABRICKS_HOST']}/__fake/rate-limits`);
      expect(await state.json()).toEqual({ limits: false });
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
    }
  }, 30_000);

  it('injects faults at the rate given by --fault-rate', async () => {
    const { child, banner } = startCli(['--port', '0', '--fault-rate', '1', '--fault-kinds', 'unavailable']);
    try {
      const env = await banner;
      const res = await fetch(`${env['DATABRICKS_HOST']}/api/2.2/jobs/list`, {
        headers: { Authorization: `Bearer ${env['DATABRICKS_TOKEN']}` },
      });
      expect(res.status).toBe(503);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }, 30_000);
});
