// The CRI containerd's paths and config.toml (docs/KUBELET-SPIKE.md): socket and state in
// run/containerd, data in var/lib/containerd (the EPHEMERAL volume, so never overlay on overlay),
// the overlayfs snapshotter, our pause image as the sandbox image, and the CNI configuration in a
// writable directory (the node's root is read-only).
import { join } from 'node:path';
import type { RegistryAuth } from '@bronze/machinery';
import { criContainerdSocket } from '../containerd/containerd-paths.ts';

/** The pause image every pod sandbox runs (imported at boot, never pulled). */
export const SandboxImage = 'registry.k8s.io/pause:3.10.1';

export interface CriPaths {
  socket: string;
  stateDir: string;
  rootDir: string;
  /** The config file: system/etc/cri/containerd.toml (tmpfs, written at every start). */
  configFile: string;
  /** Where the CNI configuration lives: system/etc/cni/net.d (writable; flannel's conflist goes here). */
  cniConfDir: string;
  cniBinDir: string;
  /** The image archives imported into `k8s.io` at boot. */
  imagesDir: string;
  /** containerd's config_path: one directory per registry with its hosts.toml (machine.registries). */
  registryHostsDir: string;
}

export function criPaths(root: string): CriPaths {
  return {
    socket: criContainerdSocket(root),
    stateDir: join(root, 'run/containerd'),
    rootDir: join(root, 'var/lib/containerd'),
    configFile: join(root, 'system/etc/cri/containerd.toml'),
    cniConfDir: join(root, 'system/etc/cni/net.d'),
    cniBinDir: join(root, 'opt/cni/bin'),
    imagesDir: join(root, 'usr/share/bronze/images'),
    registryHostsDir: join(root, 'system/etc/cri/conf.d/hosts'),
  };
}

const q = (s: string): string => JSON.stringify(s);

const authKeys: readonly [keyof RegistryAuth, string][] = [
  ['username', 'username'],
  ['password', 'password'],
  ['auth', 'auth'],
  ['identityToken', 'identitytoken'],
];

/**
 * containerd's version-2 config for the CRI instance (works with 1.6 and 2.x). `auth`: registry
 * host → credentials (machine.registries.config.*.auth), which hosts.toml cannot hold: the file
 * is then a secret (written 0600).
 */
export function criConfigToml(paths: CriPaths, auth: Readonly<Record<string, RegistryAuth>> = {}): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const credentials = Object.entries(auth).flatMap(([host, a]) => [
    `  [${cri}.registry.configs.${q(host)}.auth]`,
    ...authKeys.flatMap(([key, toml]) => (a[key] === undefined ? [] : [`    ${toml} = ${q(a[key])}`])),
  ]);
  return [
    'version = 2',
    `root = ${q(paths.rootDir)}`,
    `state = ${q(paths.stateDir)}`,
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", ' +
      '"io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    '',
    '[grpc]',
    `  address = ${q(paths.socket)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${q(SandboxImage)}`,
    // Root on these hosts lacks CAP_SYS_RESOURCE: sandboxes may not lower their OOM score.
    '  restrict_oom_score_adj = true',
    `  [${cri}.containerd]`,
    '    snapshotter = "overlayfs"',
    '    default_runtime_name = "runc"',
    '    discard_unpacked_layers = false',
    `    [${cri}.containerd.runtimes.runc]`,
    '      runtime_type = "io.containerd.runc.v2"',
    `      [${cri}.containerd.runtimes.runc.options]`,
    '        SystemdCgroup = false',
    `  [${cri}.cni]`,
    `    bin_dir = ${q(paths.cniBinDir)}`,
    `    conf_dir = ${q(paths.cniConfDir)}`,
    `  [${cri}.registry]`,
    `    config_path = ${q(paths.registryHostsDir)}`,
    ...credentials,
    '',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = ${q(join(paths.rootDir, 'opt'))}`,
    '',
  ].join('\n');
}
