// Writes each StaticPod to etc/kubernetes/manifests/NAME.yaml for the kubelet (atomically, and only
// when the manifest's text changes), and removes the manifest of a pod that is gone.
import { staticPodYaml } from '@bronze/machinery';
import { weak, type Controller } from '@bronze/runtime';
import { syncFiles } from './file-sync.ts';
import { StaticPod, type StaticPodSpec } from './kubernetes-resources.ts';

export interface StaticPodFilesOptions {
  /** ROOT/etc/kubernetes/manifests. */
  dir: string;
}

export function staticPodFilesController(options: StaticPodFilesOptions): Controller {
  return {
    name: 'k8s.StaticPodServerController',
    inputs: [weak(StaticPod)],
    outputs: [],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const pods = await ctx.list<StaticPodSpec>(StaticPod);
        const files = Object.fromEntries(pods.map((p) => [`${p.metadata.id}.yaml`, staticPodYaml(p.spec.pod)]));
        const { written, removed } = await syncFiles(options.dir, files, {
          fileMode: 0o600,
          dirMode: 0o755,
          owned: (name) => name.endsWith('.yaml'),
          signal: ctx.signal,
        });
        if (written.length + removed.length > 0) {
          ctx.logger.info('wrote static pod manifests', { dir: options.dir, written, removed });
        }
      }
    },
  };
}
