// Writes the API server's admission configuration and audit policy (from APIServerConfig) to
// system/config/kubernetes/kube-apiserver, only when their text changes, and makes sure the audit
// log directory exists.
import { mkdir } from 'node:fs/promises';
import { apiServerConfigFiles } from '@bronze/machinery';
import { weak, type Controller } from '@bronze/runtime';
import { syncFiles } from './file-sync.ts';
import { APIServerConfig, ControlPlaneIds } from './kubernetes-resources.ts';

export interface ApiServerFilesOptions {
  /** ROOT/system/config/kubernetes/kube-apiserver. */
  dir: string;
  /** ROOT/var/log/audit/kube. */
  auditLogDir: string;
}

export function apiServerFilesController(options: ApiServerFilesOptions): Controller {
  return {
    name: 'k8s.APIServerFilesController',
    inputs: [weak(APIServerConfig)],
    outputs: [],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const config = await ctx.find(APIServerConfig, ControlPlaneIds.apiServer);
        if (config === undefined) continue;
        await mkdir(options.auditLogDir, { recursive: true, mode: 0o700 });
        const { written } = await syncFiles(options.dir, apiServerConfigFiles(config.spec), {
          fileMode: 0o600,
          dirMode: 0o700,
          owned: () => false,
          signal: ctx.signal,
        });
        if (written.length > 0) ctx.logger.info('wrote kube-apiserver config', { dir: options.dir, files: written });
      }
    },
  };
}
