// Keeps the CRI containerd's registry hosts directory (config_path) equal to machine.registries:
// one hosts.toml per registry, plus CA and client certificate files (keys 0600). containerd reads
// the directory at every pull, so a config change applies without restarting anything; only the
// credentials live in the CRI config itself and take effect at the next start of `cri`.
import { registryHostFiles } from '@bronze/machinery';
import { weak, type Controller } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { syncFiles } from '../kubernetes/file-sync.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';

export function registryHostsController(options: { hostsDir: string }): Controller {
  const { hostsDir } = options;
  return {
    name: 'cri.RegistryHostsController',
    inputs: [weak(MachineConfig)],
    outputs: [],
    async run(ctx) {
      for await (const _ of ctx.changes()) {
        const res = await ctx.find(MachineConfig, MachineConfigId);
        if (res === undefined) continue;
        const registries = parseMachineConfig(res.spec)?.v1alpha1()?.machine?.registries;
        const { written, removed } = await syncFiles(hostsDir, registryHostFiles(registries, hostsDir).files, {
          fileMode: 0o644,
          dirMode: 0o755,
          owned: () => true,
          nested: true,
          signal: ctx.signal,
        });
        if (written.length + removed.length > 0)
          ctx.logger.info('registry hosts updated', { dir: hostsDir, written, removed });
      }
    },
  };
}
