import { chmod, copyFile, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { BuildPlan } from './build-plan.ts';
import { installInit } from './bundle.ts';
import { runTool } from './run-tool.ts';
import { walkTree } from './tree.ts';

/** The directories of docs/NODE.md and the mount points a node needs; all empty in the image. */
export const Skeleton = [
  'dev', 'proc', 'sys', 'run', 'tmp', 'etc', 'var', 'system', 'system/state', 'system/run',
  'usr/bin', 'sbin', 'opt/cni/bin', 'lib/x86_64-linux-gnu', 'lib64', 'etc/ssl/certs', 'etc/cni/net.d',
  'lib/modules', // kube-proxy's hostPath: containerd cannot create it on the read-only root
]; // prettier-ignore

/**
 * Links from the read-only root into the writable /system tmpfs (machined makes the targets at each
 * boot): the kubelet's config and static pod manifests, and the node's machine id.
 */
export const NodeLinks: readonly { path: string; target: string }[] = [
  { path: 'etc/kubernetes', target: '../system/etc/kubernetes' },
  { path: 'etc/machine-id', target: '../system/etc/machine-id' },
];

/** The only account on a node: root, with no shell and no password. */
export const NodeAccounts: Readonly<Record<string, string>> = {
  passwd: 'root:x:0:0:root:/root:/sbin/nologin\n',
  group: 'root:x:0:\n',
};

/** Which part of the image a path belongs to, for the size report. */
export interface RootfsPart {
  path: string;
  component: string;
  bytes: number;
}

export interface StripResult {
  path: string;
  before: number;
  after: number;
}

export interface AssembleResult {
  parts: RootfsPart[];
  stripped: StripResult[];
}

function inRoot(root: string, imagePath: string): string {
  return join(root, imagePath.replace(/^\/+/, ''));
}

async function place(from: string, to: string, mode: number): Promise<number> {
  await mkdir(dirname(to), { recursive: true });
  await copyFile(from, to);
  await chmod(to, mode);
  return (await stat(to)).size;
}

/**
 * Lays out the root file system in `root` (an empty directory): the skeleton, the pinned
 * components (stripped where asked), the libraries and loader, /etc/os-release and /sbin/init.
 * Modes are set explicitly so the umask of the build host does not leak into the image.
 */
export async function assembleRootfs(
  plan: BuildPlan,
  root: string,
  options: { signal?: AbortSignal | undefined; onProgress?: ((line: string) => void) | undefined } = {},
): Promise<AssembleResult> {
  const progress = options.onProgress ?? (() => undefined);
  for (const d of Skeleton) await mkdir(join(root, d), { recursive: true });
  await chmod(join(root, 'tmp'), 0o1777);
  for (const l of NodeLinks) await symlink(l.target, join(root, l.path));
  const parts: RootfsPart[] = [];
  const stripped: StripResult[] = [];
  for (const f of plan.files) {
    options.signal?.throwIfAborted();
    const to = inRoot(root, f.to);
    const mode = /\.(crt|tar|json)$/.test(f.to) ? 0o644 : 0o755;
    if (f.strip) {
      progress(`stripping ${f.to}`);
      const before = (await stat(f.from)).size;
      await mkdir(dirname(to), { recursive: true });
      await runTool('strip', ['--strip-all', '-o', to, f.from], { signal: options.signal });
      await chmod(to, mode);
      const after = (await stat(to)).size;
      stripped.push({ path: f.to, before, after });
      parts.push({ path: f.to, component: f.component, bytes: after });
    } else parts.push({ path: f.to, component: f.component, bytes: await place(f.from, to, mode) });
  }
  progress(`copying ${String(plan.libraries.length)} shared libraries`);
  for (const l of plan.libraries)
    parts.push({ path: l.to, component: 'libraries', bytes: await place(l.from, inRoot(root, l.to), 0o755) });
  // The loader's path is fixed in every binary (PT_INTERP); point it at the copy in the library dir.
  const interp = '/lib64/ld-linux-x86-64.so.2';
  if (plan.libraries.some((l) => l.to === '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'))
    await symlink(posix.relative('/lib64', '/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2'), inRoot(root, interp));
  // The kubelet reads /etc/passwd (its user namespace mappings) and fails to start without one.
  for (const [name, text] of Object.entries(NodeAccounts)) {
    await writeFile(join(root, 'etc', name), text, { mode: 0o644 });
    parts.push({ path: `/etc/${name}`, component: 'base', bytes: Buffer.byteLength(text) });
  }
  await writeFile(join(root, 'etc', 'os-release'), plan.osRelease, { mode: 0o644 });
  await chmod(join(root, 'etc', 'os-release'), 0o644);
  parts.push({ path: '/etc/os-release', component: 'base', bytes: Buffer.byteLength(plan.osRelease) });
  await installInit(root, plan.bundle);
  if (plan.bundle.status === 'bundled')
    parts.push({ path: '/sbin/init', component: 'init bundle', bytes: plan.bundle.bytes });
  return { parts, stripped };
}

/** Sets every directory to 0755 (/tmp 1777): mkdir honours the build host's umask, the image must not. */
export async function normalizeDirModes(root: string, signal?: AbortSignal): Promise<void> {
  await chmod(root, 0o755);
  for (const e of await walkTree(root, signal))
    if (e.type === 'dir') await chmod(join(root, e.path), e.path === 'tmp' ? 0o1777 : 0o755);
}
