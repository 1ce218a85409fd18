// Keeps the CRI containerd's registry hosts directory (config_path) equal to machine.registries:
// one hosts.toml per registry, plus CA and client certificate files (keys 0600). containerd reads
// the directory at every pull, so a config change applies without restarting anything; only the
// credentials live in the CRI config itself and take effect at the next start of `cri`.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { registryHostFiles, writeFilesAtomic } from '@bronze/machinery';
import { weak, type Controller } from '@bronze/runtime';
import { parseMachineConfig } from '../controllers/config-facts.ts';
import { MachineConfig, MachineConfigId } from '../resources/config-resources.ts';

async function differs(path: string, content: string, mode: number): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    return text !== content || (info.mode & 0o777) !== mode;
  } catch {
    return true;
  }
}

/** Every file below `dir`, relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

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
        const { files } = registryHostFiles(registries, hostsDir);
        const changed: string[] = [];
        for (const [name, f] of Object.entries(files)) {
          if (!(await differs(join(hostsDir, name), f.content, f.mode))) continue;
          await mkdir(dirname(join(hostsDir, name)), { recursive: true, mode: 0o755 });
          await writeFilesAtomic([{ path: join(hostsDir, name), data: f.content, mode: f.mode }], { force: true });
          changed.push(name);
        }
        const removed: string[] = [];
        for (const name of await filesBelow(hostsDir)) {
          if (name in files) continue;
          await rm(join(hostsDir, name), { force: true });
          removed.push(name);
        }
        for (const entry of await readdir(hostsDir).catch(() => [])) {
          const sub = join(hostsDir, entry);
          if ((await readdir(sub).catch(() => ['?'])).length === 0) await rm(sub, { recursive: true, force: true });
        }
        if (changed.length + removed.length > 0)
          ctx.logger.info('registry hosts updated', { dir: hostsDir, written: changed, removed });
      }
    },
  };
}
