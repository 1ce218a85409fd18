// The `cri` service: containerd with the CRI plugin for the kubelet's pods (Talos's `cri`), on the
// container and metal platforms. Each start writes its config and, when the cluster's CNI is
// flannel, flannel's CNI conflist (the registry hosts files are cri.RegistryHostsController's);
// once the socket answers, every image archive of the node image is
// imported into namespace `k8s.io` (skipped when already there). The service is healthy when its
// socket answers and the import is done, so the kubelet (which depends on it) never starts pods
// before their images exist.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlannelCniConfPath, flannelCniConflist, registryHostFiles, type ConfigBundle } from '@bronze/machinery';
import { CriNamespace } from '../containerd/containerd-paths.ts';
import type { Platform } from '../platform/platform.ts';
import { unixAnswers } from '../services/conditions.ts';
import { processRunner, type ProcessRunnerOptions } from '../services/process-runner.ts';
import type { RunContext, Runner } from '../services/runner.ts';
import type { ServiceSpec } from '../services/service.ts';
import { criConfigToml, criPaths, type CriPaths } from './cri-config.ts';
import { imageArchives, importImageArchive, openImportClients } from './image-import.ts';

export interface CriServiceOptions {
  platform: Platform;
  config: ConfigBundle | undefined;
  env: Record<string, string>;
  killTimeoutMs?: number;
}

export const CriServiceId = 'cri';

function cniName(config: ConfigBundle | undefined): string {
  return config?.v1alpha1()?.cluster?.network?.cni?.name ?? 'flannel';
}

function stopped(signal: AbortSignal): boolean {
  return signal.aborted;
}

/** Imports every archive, logging each with its time; retries the whole set until it succeeds. */
async function importAll(paths: CriPaths, ctx: RunContext): Promise<void> {
  const log = (line: string): void => {
    ctx.output.append(`[bronze] ${line}`);
  };
  while (!(await unixAnswers({ path: paths.socket, timeoutMs: 1000, signal: ctx.signal }))) {
    if (ctx.signal.aborted) return;
    await sleep(100, undefined, { signal: ctx.signal }).catch(() => undefined);
  }
  for (let attempt = 1; !ctx.signal.aborted; attempt++) {
    const clients = openImportClients(paths.socket);
    try {
      const started = Date.now();
      const archives = await imageArchives(paths.imagesDir);
      for (const archive of archives) {
        const r = await importImageArchive(clients, archive, { namespace: CriNamespace, signal: ctx.signal });
        log(`image ${r.name} ${r.outcome} (${r.digest.slice(0, 19)}) in ${String(r.ms)} ms`);
      }
      log(`${String(archives.length)} images ready in ${CriNamespace} in ${String(Date.now() - started)} ms`);
      return;
    } catch (err) {
      // The signal may have ended the import while it ran.
      if (stopped(ctx.signal)) return;
      log(
        `image import failed (attempt ${String(attempt)}), retrying: ${err instanceof Error ? err.message : String(err)}`,
      );
      await sleep(Math.min(500 * attempt, 5000), undefined, { signal: ctx.signal }).catch(() => undefined);
    } finally {
      clients.close();
    }
  }
}

/** Runs containerd and, alongside, the image import; `imported` tells whether this run's is done. */
function criRunner(paths: CriPaths, process: ProcessRunnerOptions, state: { imported: boolean }): Runner {
  const inner = processRunner(process);
  return {
    description: inner.description,
    run: (ctx) => {
      state.imported = false;
      return inner.run({
        ...ctx,
        started: (message, info) => {
          ctx.started(message, info);
          void importAll(paths, ctx).then(() => {
            state.imported = !ctx.signal.aborted;
          });
        },
      });
    },
  };
}

export function criService(options: CriServiceOptions): ServiceSpec {
  const { platform, config } = options;
  const paths = criPaths(platform.paths.root);
  const state = { imported: false };
  const check = async (signal: AbortSignal): Promise<void> => {
    if (!(await unixAnswers({ path: paths.socket, timeoutMs: 1000, signal }))) {
      throw new Error(`cri containerd does not answer on ${paths.socket}`);
    }
    if (!state.imported) throw new Error(`images are being imported from ${paths.imagesDir}`);
  };
  return {
    id: CriServiceId,
    dependsOn: ['machined'],
    prepare: async () => {
      await mkdir(paths.stateDir, { recursive: true, mode: 0o711 });
      await mkdir(paths.rootDir, { recursive: true, mode: 0o711 });
      await mkdir(join(paths.configFile, '..'), { recursive: true, mode: 0o755 });
      await mkdir(paths.cniConfDir, { recursive: true, mode: 0o755 });
      await mkdir(paths.registryHostsDir, { recursive: true, mode: 0o755 });
      // Registry credentials make it a secret; containerd runs as root.
      const { auth } = registryHostFiles(config?.v1alpha1()?.machine?.registries, paths.registryHostsDir);
      await rm(paths.configFile, { force: true });
      await writeFile(paths.configFile, criConfigToml(paths, auth), { mode: 0o600 });
      if (cniName(config) === 'flannel') {
        const name = FlannelCniConfPath.split('/').at(-1) ?? '10-flannel.conflist';
        await writeFile(join(paths.cniConfDir, name), flannelCniConflist(), { mode: 0o644 });
      }
    },
    health: { check, settings: { initialDelayMs: 200, periodMs: 2000, timeoutMs: 1500 } },
    runner: criRunner(
      paths,
      {
        command: process.env['BRONZE_CRI_CONTAINERD_BINARY'] ?? '/usr/bin/containerd',
        args: ['--config', paths.configFile],
        env: options.env,
        cwd: platform.paths.root,
        killTimeoutMs: options.killTimeoutMs ?? 10_000,
      },
      state,
    ),
    restart: 'always',
    backoff: { initialMs: 500, maxMs: 10_000 },
  };
}
