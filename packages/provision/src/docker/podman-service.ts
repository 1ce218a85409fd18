// Starts Podman's Docker-compatible service when no engine answers: `podman system service
// --time=0 unix://SOCKET`, detached, its pid recorded beside the socket. Idempotent: an engine that
// already answers on the socket is left alone.
import { spawn } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PodmanServiceSocket } from './docker-host.ts';
import { ping } from './engine-resources.ts';

export interface PodmanServiceResult {
  socketPath: string;
  /** True when this call started the service; false when an engine already answered. */
  started: boolean;
  /** The service's pid when this call started it (also written to `pidFile`). */
  pid: number | undefined;
  pidFile: string;
  /** One line saying what happened, for a person. */
  message: string;
}

export interface PodmanServiceOptions {
  socketPath?: string;
  /** The podman binary (default `podman` on PATH). */
  podman?: string;
  /** How long to wait for the socket to answer (default 20 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export function pidFileOf(socketPath: string): string {
  return socketPath.replace(/\.sock$/, '') + '.pid';
}

export async function ensurePodmanService(options: PodmanServiceOptions = {}): Promise<PodmanServiceResult> {
  const socketPath = options.socketPath ?? PodmanServiceSocket;
  const pidFile = pidFileOf(socketPath);
  if (await answers(socketPath, options.signal)) {
    const recorded = await readFile(pidFile, 'utf8').catch(() => '');
    const by = recorded.trim() === '' ? '' : ` (pid ${recorded.trim()} in ${pidFile})`;
    return {
      socketPath,
      started: false,
      pid: undefined,
      pidFile,
      message: `an engine already answers on ${socketPath}${by}`,
    };
  }
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o755 });
  await rm(socketPath, { force: true }); // a stale socket left by a dead service
  const logPath = socketPath.replace(/\.sock$/, '') + '.log';
  const log = openSync(logPath, 'a', 0o600);
  const child = spawn(options.podman ?? 'podman', ['system', 'service', '--time=0', `unix://${socketPath}`], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const pid = await new Promise<number>((resolve, reject) => {
    child.once('error', (err) => {
      reject(new Error(`cannot run podman: ${err.message}: install podman, or start a Docker engine`, { cause: err }));
    });
    child.once('spawn', () => {
      resolve(child.pid ?? 0);
    });
  });
  child.unref();
  await writeFile(pidFile, `${pid}\n`, { mode: 0o644 });
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!(await answers(socketPath, options.signal))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      if (child.exitCode === null) process.kill(pid, 'SIGTERM');
      throw new Error(`podman system service (pid ${pid}) did not answer on ${socketPath}: see ${logPath}`);
    }
    await sleep(100, undefined, options.signal ? { signal: options.signal } : {});
  }
  return {
    socketPath,
    started: true,
    pid,
    pidFile,
    message: `started podman system service on ${socketPath}, pid ${pid} (log ${logPath})`,
  };
}

/** Stops a service this module started (by its pid) and waits until it is gone. */
export async function stopPodmanService(
  result: PodmanServiceResult,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  if (!result.started || result.pid === undefined) return;
  const pid = result.pid;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  while (alive(pid)) {
    if (Date.now() > deadline) {
      signal(pid, 'SIGKILL');
      break;
    }
    await sleep(50);
  }
  await rm(result.pidFile, { force: true });
}

async function answers(socketPath: string, abort: AbortSignal | undefined): Promise<boolean> {
  try {
    return (await ping(socketPath, abort ? { signal: abort } : {})) === 'OK';
  } catch {
    abort?.throwIfAborted();
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
