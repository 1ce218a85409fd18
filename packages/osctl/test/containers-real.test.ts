// osctl containers against a real process node (machined and apid as processes) whose system
// containerd socket is served by the real containerd binary: the process platform does not start
// containerd itself, so the test starts it where the node's containerd socket is and creates a
// container record with containerd's own `ctr`. Everything is stopped by pid and removed afterwards.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

test('osctl containers lists the system containerd of a real node', { skip, timeout: 120_000 }, async (t) => {
  // A short root: the containerd socket path must stay under the 108 bytes of a unix address.
  const root = await mkdtemp(join(tmpdir(), 'boc-'));
  const provisioner = processProvisioner({ stateRoot: root, stopTimeoutMs: 5000 });
  t.after(async () => {
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
  t.after(async () => {
    await run(ctrBinary, ['-a', socket, '-n', 'system', 'containers', 'rm', 'bronze-ctr']).catch(() => undefined);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(5000)]);
      child.kill('SIGKILL');
    }
  });
  const ctr = (args: string[]) => run(ctrBinary, ['-a', socket, '-n', 'system', ...args]);
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
  const k8s = await osctl(['c', '-k', '-n', node.address]);
  assert.equal(k8s.code, 1, 'no CRI containerd runs on this node');
  assert.match(k8s.stderr, /run\/containerd\/containerd\.sock/);
});
