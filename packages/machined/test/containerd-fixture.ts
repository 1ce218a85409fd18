// A real containerd (Debian's /usr/bin/containerd, or BRONZE_CONTAINERD_BINARY) for integration
// tests: its own temporary root and state, its API socket where the test says, the CRI plugin off.
// Helpers create container records and running tasks through containerd's API; everything is
// stopped by pid and removed in t.after.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChannelCredentials } from '@grpc/grpc-js';
import { createClient, dial, type ClientOf } from '@bronze/machinery';
import { namespaceCall } from '../src/containerd/containerd-client.ts';
import { Containers } from '../src/containerd/gen/containerd/services/containers/v1/containers_pb.ts';
import { Tasks } from '../src/containerd/gen/containerd/services/tasks/v1/tasks_pb.ts';
import { unixAnswers } from '../src/services/conditions.ts';

export const ContainerdBinary = process.env['BRONZE_CONTAINERD_BINARY'] ?? '/usr/bin/containerd';
/** A static program to run as a task (built by the imager's component step), when present. */
export const PauseBinary = new URL('../../../.cache/components/pause-3.10.1/pause', import.meta.url).pathname;

export async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export interface TestContainerd {
  socket: string;
  dir: string;
  child: ChildProcess;
  containers: ClientOf<typeof Containers>;
  tasks: ClientOf<typeof Tasks>;
  /** Creates a container record (no task) in `namespace`. */
  createRecord(
    namespace: string,
    id: string,
    options?: { image?: string; labels?: Record<string, string> },
  ): Promise<void>;
  /** Creates and starts a task running the pause program in a container of its own; returns its pid. */
  runPause(namespace: string, id: string): Promise<number>;
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Starts containerd serving on `socket` (its directory is created; by default a socket in its own
 * temporary directory) and waits until it answers. Start it before anything whose cleanup must run
 * after containerd's (t.after hooks run in the order they were added).
 */
export async function startContainerd(t: TestContext, socketPath?: string): Promise<TestContainerd> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-containerd-'));
  const socket = socketPath ?? join(dir, 'containerd.sock');
  await mkdir(dirname(socket), { recursive: true, mode: 0o700 });
  const config = join(dir, 'config.toml');
  await writeFile(config, 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n');
  const args = ['--config', config, '--address', socket, '--root', join(dir, 'root'), '--state', join(dir, 'state')];
  const child = spawn(ContainerdBinary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr.on('data', (b: Buffer) => {
    log = (log + b.toString()).slice(-4000);
  });
  const channel = dial(`unix:${socket}`, { credentials: ChannelCredentials.createInsecure() });
  const live: { ns: string; id: string; task: boolean }[] = [];
  const containers = createClient(Containers, channel);
  const tasks = createClient(Tasks, channel);
  t.after(async () => {
    // Tasks first (their shims and processes), then records, then containerd itself, all by id.
    for (const c of live.reverse()) {
      const o = namespaceCall(c.ns, 10_000);
      if (c.task) {
        await tasks.kill({ containerId: c.id, signal: 9, all: true }, o).catch(() => undefined);
        for (let i = 0; i < 50; i++) {
          const r = await tasks.delete({ containerId: c.id }, namespaceCall(c.ns, 10_000)).then(
            () => true,
            () => false,
          );
          if (r) break;
          await sleep(100);
        }
      }
      await containers.delete({ id: c.id }, namespaceCall(c.ns, 10_000)).catch(() => undefined);
    }
    channel.close();
    if (running(child)) {
      child.kill('SIGTERM');
      await Promise.race([once(child, 'exit'), sleep(5000)]);
      if (running(child)) child.kill('SIGKILL');
    }
    await rm(dir, { recursive: true, force: true });
    await rm(socket, { force: true });
    await rm(`${socket}.ttrpc`, { force: true });
  });
  for (let i = 0; !(await unixAnswers({ path: socket, timeoutMs: 500, signal: AbortSignal.timeout(1000) })); i++) {
    if (child.exitCode !== null || i > 100) throw new Error(`containerd did not start on ${socket}:\n${log}`);
    await sleep(100);
  }
  const createRecord: TestContainerd['createRecord'] = async (ns, id, o = {}) => {
    await containers.create(
      {
        container: {
          id,
          image: o.image ?? '',
          labels: o.labels ?? {},
          runtime: { name: 'io.containerd.runc.v2' },
          spec: { typeUrl: 'types.containerd.io/opencontainers/runtime-spec/1/Spec', value: specOf(id) },
        },
      },
      namespaceCall(ns, 10_000),
    );
    live.push({ ns, id, task: false });
  };
  const runPause: TestContainerd['runPause'] = async (ns, id) => {
    const rootfs = join(dir, 'rootfs', id);
    await mkdir(join(rootfs, 'proc'), { recursive: true });
    await mkdir(join(rootfs, 'dev'), { recursive: true });
    await copyFile(PauseBinary, join(rootfs, 'pause'));
    await chmod(join(rootfs, 'pause'), 0o755);
    await createRecord(ns, id, { image: 'bronze.local/pause:3.10.1' });
    const mine = live[live.length - 1];
    if (mine !== undefined) mine.task = true;
    const rootfsMount = { type: 'bind', source: rootfs, options: ['rbind', 'rw'] };
    await tasks.create({ containerId: id, rootfs: [rootfsMount] }, namespaceCall(ns, 20_000));
    return (await tasks.start({ containerId: id }, namespaceCall(ns, 20_000))).pid;
  };
  return { socket, dir, child, containers, tasks, createRecord, runPause };
}

/** A minimal OCI runtime spec: the pause program, its own pid/ipc/uts/mount namespaces. */
function specOf(id: string): Uint8Array {
  const spec = {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['/pause'],
      env: ['PATH=/'],
      cwd: '/',
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: id,
    mounts: [{ destination: '/proc', type: 'proc', source: 'proc' }],
    linux: {
      // Unique per test process: two test runs at once must not share a cgroup.
      cgroupsPath: `/bronze-test-${String(process.pid)}-${id}`,
      namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
    },
  };
  return new TextEncoder().encode(JSON.stringify(spec));
}
