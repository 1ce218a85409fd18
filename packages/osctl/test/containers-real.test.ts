// osctl containers against a real process node (machined and apid as processes) whose system
// containerd socket is served by the real containerd binary: the process platform does not start
// containerd itself, so the test starts it where the node's containerd socket is and creates a
// container record with containerd's own `ctr`. Everything is stopped by pid and removed afterwards.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { defaultNodeProgram, processProvisioner } from '@bronze/provision';
import { runCli } from '../src/cli.ts';
import type { NodeIo } from '../src/commands/node-command.ts';

const containerd = process.env['BRONZE_CONTAINERD_BINARY'] ?? '/usr/bin/containerd';
const ctrBinary = '/usr/bin/ctr';
const skip = !existsSync(defaultNodeProgram())
  ? 'machined is not in this tree'
  : !existsSync(containerd) || !existsSync(ctrBinary)
    ? `containerd and ctr are not installed (${containerd}, ${ctrBinary})`
    : process.getuid?.() !== 0
      ? 'containerd needs root'
      : false;

const run = promisify(execFile);
/** A static program to run as a task (built by the imager's component step), when present. */
const pause = new URL('../../../.cache/components/pause-3.10.1/pause', import.meta.url).pathname;

test('osctl containers lists the system containerd of a real node', { skip, timeout: 120_000 }, async (t) => {
  // A short root: the containerd socket path must stay under the 108 bytes of a unix address.
  const root = await mkdtemp(join(tmpdir(), 'boc-'));
  const provisioner = processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });
  // Cleanups run last-registered first: containerd's tasks, then containerd, then the node and root.
  const cleanups: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });
  cleanups.push(async () => {
    await provisioner.destroy('ctr').catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  const info = await provisioner.create({
    name: 'ctr',
    controlPlanes: 1,
    workers: 0,
    rsaBits: 2048,
    waitTimeoutMs: 30_000,
    talosconfig: join(root, 'talosconfig'),
  });
  const node = info.nodes[0];
  assert.ok(node !== undefined);
  const osctl = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const io: NodeIo = { out: (s) => (stdout += s), err: (s) => (stderr += s), env: { HOME: root }, cwd: root };
    const code = await runCli(['--talosconfig', join(root, 'talosconfig'), '-e', node.address, ...args], io);
    return { code, stdout, stderr };
  };

  const socket = join(node.stateDir, 'system/run/containerd/containerd.sock');
  const down = await osctl(['containers', '-n', node.address]);
  assert.equal(down.code, 1);
  assert.ok(down.stderr.includes(socket), down.stderr);

  const dir = join(root, 'containerd');
  await mkdir(join(dir, 'rootfs'), { recursive: true });
  await writeFile(join(dir, 'config.toml'), 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
  const child = spawn(
    containerd,
    [
      '--config',
      join(dir, 'config.toml'),
      '--address',
      socket,
      '--root',
      join(dir, 'root'),
      '--state',
      join(dir, 'state'),
    ],
    { stdio: 'ignore' },
  );
  const ctr = (args: string[]) => run(ctrBinary, ['-a', socket, '-n', 'system', ...args], { timeout: 10_000 });
  cleanups.push(async () => {
    await ctr(['tasks', 'kill', '-s', 'SIGKILL', 'bronze-run']).catch(() => undefined);
    for (let i = 0; i < 50; i++) {
      const gone = await ctr(['tasks', 'rm', 'bronze-run']).then(
        () => true,
        (err: unknown) => /not found/.test(String(err)),
      );
      if (gone) break;
      await sleep(100);
    }
    await ctr(['containers', 'rm', 'bronze-ctr', 'bronze-run']).catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(5000)]);
      child.kill('SIGKILL');
    }
  });
  for (let i = 0; ; i++) {
    const ok = await ctr(['version']).then(
      () => true,
      () => false,
    );
    if (ok) break;
    if (i > 50) assert.fail(`containerd did not answer on ${socket}`);
    await sleep(100);
  }
  // A container record only (no task, so no process or cgroup to clean up).
  await ctr(['containers', 'create', '--rootfs', join(dir, 'rootfs'), 'bronze-ctr', '/pause']);

  const listed = await osctl(['containers', '-n', node.address]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^NODE +NAMESPACE +ID +IMAGE +PID +STATUS\n/);
  assert.match(
    listed.stdout,
    new RegExp(`\\n${node.address.replaceAll('.', '\\.')} +system +bronze-ctr +0 +STOPPED\\n`),
  );
  if (existsSync(pause)) {
    // A running task (its own cgroup, removed with it): pid and status, then stats, then restart.
    const rootfs = join(dir, 'run-rootfs');
    await mkdir(join(rootfs, 'proc'), { recursive: true });
    await mkdir(join(rootfs, 'dev'), { recursive: true });
    await copyFile(pause, join(rootfs, 'pause'));
    await chmod(join(rootfs, 'pause'), 0o755);
    // Not through execFile: the task inherits ctr's stdout, which would stay open while it runs.
    const starter = spawn(
      ctrBinary,
      [
        '-a',
        socket,
        '-n',
        'system',
        'run',
        '-d',
        '--cgroup',
        `/bronze-test-${String(process.pid)}-ctr-run`,
        '--rootfs',
        rootfs,
        'bronze-run',
        '/pause',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let why = '';
    starter.stderr.on('data', (b: Buffer) => (why += b.toString()));
    const [code] = (await once(starter, 'exit')) as [number | null];
    assert.equal(code, 0, `ctr run -d: ${why}`);
    const withTask = await osctl(['c', '-n', node.address]);
    assert.match(withTask.stdout, / +system +bronze-run +[1-9]\d* +RUNNING\n/);
    const stats = await osctl(['stats', '-n', node.address]);
    assert.equal(stats.code, 0, stats.stderr);
    assert.match(stats.stdout, /^NODE +NAMESPACE +ID +MEMORY\(MB\) +CPU\n\S+ +system +bronze-run +\d+\.\d\d +\d+\n$/);
    const restart = await osctl(['restart', 'bronze-run', '-n', node.address]);
    assert.equal(restart.code, 0, restart.stderr);
    for (let i = 0; ; i++) {
      const after = await osctl(['c', '-n', node.address]);
      if (/ +bronze-run +\d+ +STOPPED\n/.test(after.stdout)) break;
      if (i > 50) assert.fail(`the restarted task did not stop:\n${after.stdout}`);
      await sleep(100);
    }
  } else {
    t.diagnostic(`no running task checked: ${pause} is not built`);
  }

  const k8s = await osctl(['c', '-k', '-n', node.address]);
  assert.equal(k8s.code, 1, 'no CRI containerd runs on this node');
  assert.match(k8s.stderr, /run\/containerd\/containerd\.sock/);
});
