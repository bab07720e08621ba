import { spawn, type ChildProcess } from 'node:child_process';
import { commandLineOf, isOurProcess, stopProcess } from './local-processes.js';
import { pollUntil } from './poll-until.js';

/** A long-running process whose command line carries `marker`, as the control plane's do. */
function startMarkedProcess(marker: string): ChildProcess {
  // `sh -c script name`: `name` becomes $0 and shows in /proc/<pid>/cmdline.
  return spawn('sh', ['-c', 'sleep 60', marker], { stdio: 'ignore' });
}

async function started(child: ChildProcess, marker: string): Promise<number> {
  const pid = child.pid;
  if (pid === undefined) throw new Error('sh did not start');
  await pollUntil('the marked process to show its command line', async () =>
    isOurProcess(pid, marker) ? true : undefined,
  );
  return pid;
}

describe('recognising and stopping the control plane processes', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  it('recognises a process by the state directory in its command line, whole or as a path prefix', async () => {
    const child = startMarkedProcess('/tmp/state-a/etcd');
    children.push(child);
    const pid = await started(child, '/tmp/state-a');
    expect(isOurProcess(pid, '/tmp/state-a/etcd')).toBe(true);
    expect(commandLineOf(pid)).toEqual(['sh', '-c', 'sleep 60', '/tmp/state-a/etcd']);
  });

  it('does not take a sibling directory that shares the prefix for ours', async () => {
    const child = startMarkedProcess('/tmp/state-a-other/etcd');
    children.push(child);
    const pid = await started(child, '/tmp/state-a-other');
    expect(isOurProcess(pid, '/tmp/state-a')).toBe(false);
  });

  it('stops our process and leaves a process with another marker running', async () => {
    const ours = startMarkedProcess('/tmp/state-b');
    const theirs = startMarkedProcess('/tmp/state-c');
    children.push(ours, theirs);
    const ourPid = await started(ours, '/tmp/state-b');
    const theirPid = await started(theirs, '/tmp/state-c');

    await stopProcess(theirPid, '/tmp/state-b');
    expect(isOurProcess(theirPid, '/tmp/state-c')).toBe(true);

    await stopProcess(ourPid, '/tmp/state-b');
    expect(isOurProcess(ourPid, '/tmp/state-b')).toBe(false);
  });

  it('reports no command line for a pid that does not exist', () => {
    expect(commandLineOf(2 ** 22 + 1)).toBeUndefined();
  });
});
