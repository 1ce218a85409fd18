// Writes KubernetesCerts to system/secrets/kubernetes: the directory 0700, every file 0600, each
// rewritten (atomically) only when its content changes. Names logged, never contents. Then says so
// in SecretsStatus, which the static pods wait for: a pod never names a file that is not there yet.
import { exclusive, weak, type Controller } from '@bronze/runtime';
import { syncFiles } from './file-sync.ts';
import { KubernetesCerts, KubernetesCertsId, SecretsStatus, SecretsStatusId } from './kubernetes-resources.ts';

export interface KubernetesSecretFilesOptions {
  /** The directory on the node: ROOT/system/secrets/kubernetes. */
  dir: string;
}

export function kubernetesSecretFilesController(options: KubernetesSecretFilesOptions): Controller {
  return {
    name: 'secrets.KubernetesSecretFilesController',
    inputs: [weak(KubernetesCerts)],
    outputs: [exclusive(SecretsStatus)],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const certs = await ctx.find(KubernetesCerts, KubernetesCertsId);
        if (certs === undefined) continue;
        const { written } = await syncFiles(options.dir, certs.spec.files, {
          fileMode: 0o600,
          dirMode: 0o700,
          owned: () => false,
          signal: ctx.signal,
        });
        if (written.length > 0) ctx.logger.info('wrote kubernetes secrets', { dir: options.dir, files: written });
        await ctx.modify({ type: SecretsStatus, id: SecretsStatusId }, (spec) => {
          spec.ready = true;
          spec.version = certs.spec.issuedAt;
        });
      }
    },
  };
}
