// The services machined supervises on a node: machined itself (a task that is up while the boot
// is), apid, trustd on control planes, and the services the platform cannot run (shown Skipped with
// the platform's reason).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Platform } from '../platform/platform.ts';
import { tcpAnswers, unixAnswers } from '../services/conditions.ts';
import { processRunner } from '../services/process-runner.ts';
import { taskRunner } from '../services/task-runner.ts';
import type { ServiceSpec } from '../services/service.ts';

/**
 * The multi-call entry point apid and trustd are started from: src/main.ts in a checkout, or the
 * bundle itself in the node image (where this module is part of /sbin/init).
 */
export const MainPath = import.meta.url.endsWith('.ts')
  ? fileURLToPath(new URL('../main.ts', import.meta.url))
  : fileURLToPath(import.meta.url);

export interface NodeServicesOptions {
  platform: Platform;
  controlPlane: boolean;
  /** Seconds a stopping apid or trustd gets before SIGKILL. */
  killTimeoutMs?: number;
}

function childEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** apid and trustd are healthy when their port answers on the node address. */
const Ports = { apid: 50000, trustd: 50001 } as const;

function daemon(role: 'apid' | 'trustd', options: NodeServicesOptions): ServiceSpec {
  const { platform } = options;
  const check = async (signal: AbortSignal): Promise<void> => {
    const host = platform.address();
    if (!(await tcpAnswers({ host, port: Ports[role], timeoutMs: 1000, signal }))) {
      throw new Error(`${role} does not answer on ${host}:${String(Ports[role])}`);
    }
  };
  return {
    health: { check, settings: { initialDelayMs: 200, periodMs: 5000, timeoutMs: 1500 } },
    id: role,
    dependsOn: ['machined'],
    runner: processRunner({
      command: process.execPath,
      args: [MainPath, role, '--state-dir', platform.paths.root, '--address', platform.address()],
      env: childEnv(),
      cwd: platform.paths.root,
      killTimeoutMs: options.killTimeoutMs ?? 5000,
    }),
    restart: 'always',
    backoff: { initialMs: 500, maxMs: 10_000 },
  };
}

/**
 * The system containerd (Talos's `containerd` service, not the CRI one for pods): its API socket is
 * `system/run/containerd/containerd.sock` (its state there too), its data in EPHEMERAL/system/lib/containerd:
 * `run/containerd` and EPHEMERAL/lib/containerd belong to the CRI containerd, as on Talos. Platforms that cannot run it
 * (the process platform: it needs root) list it among their skipped services instead.
 */
function containerdService(options: NodeServicesOptions): ServiceSpec {
  const { platform } = options;
  const runDir = join(platform.paths.root, 'system/run/containerd');
  const socket = join(runDir, 'containerd.sock');
  const config = join(runDir, 'config.toml');
  // The system containerd runs no pods: its CRI plugin is off (pods get their own containerd).
  const configText =
    'version = 2\n' +
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]\n\n' +
    '[plugins."io.containerd.internal.v1.opt"]\n' +
    `  path = ${JSON.stringify(join(platform.paths.ephemeralDir, 'system/lib/containerd/opt'))}\n`;
  const check = async (signal: AbortSignal): Promise<void> => {
    if (!(await unixAnswers({ path: socket, timeoutMs: 1000, signal }))) {
      throw new Error(`containerd does not answer on ${socket}`);
    }
  };
  return {
    id: 'containerd',
    dependsOn: ['machined'],
    prepare: async () => {
      await mkdir(runDir, { recursive: true, mode: 0o700 });
      await writeFile(config, configText, { mode: 0o600 });
    },
    health: { check, settings: { initialDelayMs: 200, periodMs: 5000, timeoutMs: 1500 } },
    runner: processRunner({
      command: process.env['BRONZE_CONTAINERD_BINARY'] ?? '/usr/bin/containerd',
      args: [
        '--config',
        config,
        '--address',
        socket,
        '--root',
        join(platform.paths.ephemeralDir, 'system/lib/containerd'),
        '--state',
        runDir,
      ],
      env: childEnv(),
      cwd: platform.paths.root,
      killTimeoutMs: options.killTimeoutMs ?? 5000,
    }),
    restart: 'always',
    backoff: { initialMs: 500, maxMs: 10_000 },
  };
}

export function nodeServices(options: NodeServicesOptions): ServiceSpec[] {
  const machined: ServiceSpec = {
    id: 'machined',
    runner: taskRunner('machined', async ({ signal }) => {
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          resolve();
        });
      });
    }),
  };
  const services = [machined, daemon('apid', options)];
  if (options.controlPlane) services.push(daemon('trustd', options));
  if (!options.platform.skippedServices.has('containerd')) services.push(containerdService(options));
  for (const [id, reason] of options.platform.skippedServices) {
    services.push({
      id,
      runner: { description: `service ${id}`, run: () => Promise.resolve({ ok: true, message: reason }) },
      unsupported: () => reason,
    });
  }
  return services;
}
