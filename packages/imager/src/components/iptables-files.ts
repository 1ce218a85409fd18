import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../components.ts';
import { ImageError } from '../image-error.ts';
import { parseElf } from '../elf.ts';
import { resolveLibraries } from '../libraries.ts';
import { loaderLink } from './host-programs.ts';
import type { HostFile, ImageExtras, ImageLink } from './image-extras.ts';

export type { HostFile, ImageExtras, ImageLink } from './image-extras.ts';

/** A host file copied into a component image. */
const Sbin = '/usr/sbin';
/** Debian's iptables (1.8.9 on bookworm) extensions, where libxtables looks (its XTABLES_LIBDIR). */
const XtablesDir = '/usr/lib/x86_64-linux-gnu/xtables';

function names(family: 'ip' | 'ip6', suffix: string): string[] {
  return ['', '-save', '-restore'].map((op) => `${family}tables${suffix}${op}`);
}

/**
 * iptables for the images that program the node's packet filter (kube-proxy, flannel), as the
 * upstream images carry it: the host's xtables-nft-multi (the default `iptables`, as Debian's
 * alternatives pick) and xtables-legacy-multi (`iptables-legacy`), the extension modules, the
 * shared libraries `ldd` names and the loader.
 */
export async function iptablesExtras(signal?: AbortSignal): Promise<ImageExtras> {
  const bins = ['xtables-nft-multi', 'xtables-legacy-multi'].map((b) => `${Sbin}/${b}`);
  let modules: string[];
  try {
    modules = (await readdir(XtablesDir)).filter((n) => n.endsWith('.so')).sort();
  } catch (err) {
    throw new ImageError('missing-input', `${XtablesDir} is missing: apt-get install iptables`, { cause: err });
  }
  const moduleFiles = modules.map((m) => join(XtablesDir, m));
  // ldd runs once per file, and there are over a hundred modules: ask it only about the binaries
  // and the modules that name a library the binaries do not already bring.
  const base = await resolveLibraries(bins, { signal });
  const known = new Set(base.map((l) => l.name));
  const extra: string[] = [];
  for (const m of moduleFiles) if (parseElf(await readFile(m), m).needed.some((n) => !known.has(n))) extra.push(m);
  const libs = extra.length === 0 ? base : await resolveLibraries([...bins, ...extra], { signal });
  const files: HostFile[] = [];
  const add = async (from: string, to: string, mode: number): Promise<void> => {
    const sha256 = await sha256File(from, signal).catch((err: unknown) => {
      throw new ImageError('missing-input', `cannot read ${from}: apt-get install iptables`, { cause: err });
    });
    files.push({ from, to, sha256, mode });
  };
  for (const b of bins) await add(b, b, 0o755);
  for (const m of moduleFiles) await add(m, m, 0o644);
  for (const l of libs) await add(l.from, l.to, 0o755);
  const link = (name: string, target: string): ImageLink => ({ to: `${Sbin}/${name}`, target });
  const symlinks: ImageLink[] = [
    ...[...names('ip', ''), ...names('ip6', ''), ...names('ip', '-nft'), ...names('ip6', '-nft')].map((n) =>
      link(n, 'xtables-nft-multi'),
    ),
    ...[...names('ip', '-legacy'), ...names('ip6', '-legacy')].map((n) => link(n, 'xtables-legacy-multi')),
  ];
  symlinks.push(...loaderLink(libs.map((l) => l.to)));
  // iptables-legacy takes its lock in /run/xtables.lock.
  return { files, symlinks: symlinks.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0)), dirs: ['/run'] };
}
