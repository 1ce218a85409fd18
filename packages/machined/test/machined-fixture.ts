// Starts a real machined process on a loopback address with its own temp state dir, and gives typed
// clients on its unix socket. Everything started is stopped (by pid) and removed in t.after.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Metadata, credentials } from '@grpc/grpc-js';
import {
  cosiStateApi,
  createClient,
  dial,
  generateConfigs,
  isApiError,
  machineApi,
  type ApiError,
  type ClientOf,
} from '@bronze/machinery';

export const MainPath = fileURLToPath(new URL('../src/main.ts', import.meta.url));

export interface TestNode {
  dir: string;
  address: string;
  socket: string;
  child: ChildProcess;
  output: () => string;
  machine: ClientOf<typeof machineApi.MachineService>;
  state: ClientOf<typeof cosiStateApi.State>;
}

let next = 2;
/** A fresh 127.0.x.y per node in this test process. */
export function nextAddress(): string {
  const n = (process.pid % 200) * 50 + next++;
  return `127.0.${String((Math.floor(n / 250) % 250) + 1)}.${String((n % 250) + 2)}`;
}

export async function controlPlaneConfig(address: string): Promise<string> {
  const generated = await generateConfigs({ clusterName: 'bronze-test', endpoint: `https://${address}:6443` });
  return generated.controlplane;
}

/** Control-plane and worker configs of one cluster whose endpoint is the control plane's address. */
export async function clusterConfigs(controlPlaneAddress: string): Promise<{ controlplane: string; worker: string }> {
  return generateConfigs({ clusterName: 'bronze-test', endpoint: `https://${controlPlaneAddress}:6443` });
}

export async function startNode(
  t: TestContext,
  options: { config?: string; address?: string } = {},
): Promise<TestNode> {
  const dir = await mkdtemp(join(tmpdir(), 'bronze-machined-'));
  const address = options.address ?? nextAddress();
  const args = [MainPath, 'machined', '--platform', 'process', '--state-dir', dir, '--address', address];
  if (options.config !== undefined) {
    const file = join(dir, 'config-input.yaml');
    await writeFile(file, options.config, { mode: 0o600 });
    args.push('--config', file);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      killGroup(child, 'SIGTERM');
      await Promise.race([exited, sleep(5000, undefined, { ref: false })]);
    }
    killGroup(child, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  const socket = join(dir, 'system/run/machined/machine.sock');
  await waitFor(() => access(socket), { what: `machined's socket ${socket}`, output: () => output });
  const channel = dial(`unix:${socket}`, { credentials: credentials.createInsecure() });
  t.after(() => {
    channel.close();
  });
  const machine = createClient(machineApi.MachineService, channel);
  // The socket serves before the first boot has run; ServiceList answers once it has.
  await waitFor(() => machine.serviceList({}, { deadline: soon() }), { what: 'the first boot', output: () => output });
  return {
    dir,
    address,
    socket,
    child,
    output: () => output,
    machine,
    state: createClient(cosiStateApi.State, channel),
  };
}

export function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    // the group is gone already
  }
}

export async function waitFor<T>(
  check: () => Promise<T>,
  options: { what: string; timeoutMs?: number; output?: () => string },
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`timed out waiting for ${options.what}\n${options.output?.() ?? ''}`, { cause: err });
      }
      await sleep(50);
    }
  }
}

export function roleMetadata(...roles: string[]): Metadata {
  const md = new Metadata();
  md.set('talos-role', roles.join(','));
  return md;
}

export const soon = (ms = 5000): Date => new Date(Date.now() + ms);

export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

export async function expectApiError(promise: Promise<unknown>, code: ApiError['code']): Promise<ApiError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(isApiError(err), `want an ApiError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  return err;
}

/** Every process below `pid` now. */
export function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
  const byParent = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || pp === undefined) continue;
    byParent.set(pp, [...(byParent.get(pp) ?? []), p]);
  }
  const found: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    for (const c of byParent.get(stack.pop() ?? 0) ?? []) {
      found.push(c);
      stack.push(c);
    }
  }
  return found;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function assertMissing(path: string): Promise<void> {
  await assert.rejects(stat(path), /ENOENT/);
}
