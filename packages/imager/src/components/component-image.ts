import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import {
  chmod,
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ociArchive, writeOciLayout, type RuntimeConfig } from '../oci.ts';
import { walkTree } from '../tree.ts';
import { sha256File } from './component-cache.ts';
import type { ComponentImageSpec } from './image-specs.ts';
import type { ImageExtras } from './iptables-files.ts';

/** Bump when the archive layout changes in a way the hashed inputs do not show. */
export const componentImageFormat = 2;

/** A pinned input file of an image: where it is on the host and its digest. */
export interface ImageInput {
  path: string;
  sha256: string;
}

/** One built archive (what `.cache/component-images/NAME-KEY.json` records about the tar beside it). */
export interface ComponentImage {
  name: string;
  ref: string;
  key: string;
  archivePath: string;
  /** Bytes and sha256 of the archive file. */
  bytes: number;
  sha256: string;
  /** The image's manifest digest, as `ctr images ls` shows it. */
  manifestDigest: string;
  /** Bytes of the one gzip'd layer. */
  layerBytes: number;
  /** True when the archive came from the cache. */
  cached: boolean;
  /** Seconds this call took. */
  seconds: number;
}

export interface BuildImageArchiveOptions {
  binary: ImageInput;
  /** The CA bundle, for specs that ask for it. */
  caCertificates?: ImageInput;
  /** Host files and links beside the binary (iptables for the images that ask for it). */
  extras?: ImageExtras;
  cacheRoot: string;
  force?: boolean;
  signal?: AbortSignal;
}

/** The digest of everything that goes into an archive: same key, same bytes. */
export function componentImageKey(
  spec: ComponentImageSpec,
  opts: Pick<BuildImageArchiveOptions, 'binary' | 'caCertificates' | 'extras'>,
): string {
  const input = JSON.stringify({
    format: componentImageFormat,
    spec,
    binary: opts.binary.sha256,
    ca: spec.caCertificates ? (opts.caCertificates?.sha256 ?? null) : null,
    ...(opts.extras === undefined
      ? {}
      : {
          files: opts.extras.files.map((f) => [f.to, f.sha256, f.mode]),
          links: opts.extras.symlinks.map((l) => [l.to, l.target]),
          dirs: opts.extras.dirs,
        }),
  });
  return createHash('sha256').update(input).digest('hex').slice(0, 16);
}

export function runtimeConfig(spec: ComponentImageSpec): RuntimeConfig {
  return {
    Entrypoint: spec.entrypoint,
    ...(spec.cmd === undefined ? {} : { Cmd: spec.cmd }),
    Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ...(spec.user === undefined ? {} : { User: spec.user }),
    WorkingDir: '/',
  };
}

type Record_ = Omit<ComponentImage, 'cached' | 'seconds' | 'archivePath'>;

function isRecord(v: unknown): v is Record_ {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['key'] === 'string' && typeof r['bytes'] === 'number' && typeof r['manifestDigest'] === 'string';
}

async function readCached(base: string, key: string): Promise<Record_ | undefined> {
  try {
    const rec: unknown = JSON.parse(await readFile(`${base}.json`, 'utf8'));
    if (!isRecord(rec) || rec.key !== key) return undefined;
    if ((await stat(`${base}.tar`)).size !== rec.bytes) return undefined;
    return rec;
  } catch {
    return undefined;
  }
}

/** Sets modes explicitly (dirs 0755, files 0644 unless listed), so the host's umask never leaks in. */
async function normalizeModes(root: string, modes: ReadonlyMap<string, number>): Promise<void> {
  await chmod(root, 0o755);
  for (const e of await walkTree(root))
    if (e.type === 'dir') await chmod(join(root, e.path), 0o755);
    else if (e.type === 'file') await chmod(join(root, e.path), modes.get(e.path) ?? 0o644);
}

const rel = (p: string): string => p.replace(/^\/+/, '');

async function place(from: string, root: string, to: string): Promise<void> {
  const dest = join(root, rel(to));
  await mkdir(dirname(dest), { recursive: true });
  await copyFile(from, dest);
}

/** Writes the archive of `spec` to `out` from a scratch directory `work`; returns the manifest digest and layer size. */
async function writeArchive(
  spec: ComponentImageSpec,
  work: string,
  out: string,
  opts: BuildImageArchiveOptions,
): Promise<{ manifestDigest: string; layerBytes: number }> {
  const layer = join(work, 'layer');
  await mkdir(layer);
  await place(opts.binary.path, layer, spec.path);
  if (spec.caCertificates) {
    if (opts.caCertificates === undefined)
      throw new Error(`${spec.name} needs the CA certificates: pass caCertificates`);
    await place(opts.caCertificates.path, layer, '/etc/ssl/certs/ca-certificates.crt');
  }
  const modes = new Map([[rel(spec.path), 0o755]]);
  for (const f of opts.extras?.files ?? []) {
    await place(f.from, layer, f.to);
    modes.set(rel(f.to), f.mode);
  }
  for (const d of opts.extras?.dirs ?? []) await mkdir(join(layer, rel(d)), { recursive: true });
  for (const l of opts.extras?.symlinks ?? []) {
    await mkdir(dirname(join(layer, rel(l.to))), { recursive: true });
    await symlink(l.target, join(layer, rel(l.to)));
  }
  await normalizeModes(layer, modes);
  const layout = join(work, 'oci');
  const oci = await writeOciLayout(layer, await walkTree(layer, opts.signal), {
    dir: layout,
    ref: spec.ref,
    config: runtimeConfig(spec),
    signal: opts.signal,
  });
  await normalizeModes(layout, new Map());
  await pipeline(Readable.from(ociArchive(layout, opts.signal)), createWriteStream(out, { mode: 0o644 }), {
    signal: opts.signal,
  });
  return { manifestDigest: oci.manifest.digest, layerBytes: oci.layer.size };
}

/**
 * The OCI archive of one component image, from `cacheRoot/NAME-KEY.tar` when an archive with the
 * same input digest is there, else written now through a private directory and renamed into place
 * (older archives of the same image are removed). The tar holds an OCI image layout plus Docker's
 * manifest.json, both naming `spec.ref`, so `ctr images import`, containerd's import API,
 * `docker load` and `podman load` all take it under that exact reference.
 */
export async function buildImageArchive(
  spec: ComponentImageSpec,
  opts: BuildImageArchiveOptions,
): Promise<ComponentImage> {
  const started = performance.now();
  const key = componentImageKey(spec, opts);
  const base = join(opts.cacheRoot, `${spec.name}-${key}`);
  const seconds = (): number => (performance.now() - started) / 1000;
  const hit = opts.force === true ? undefined : await readCached(base, key);
  if (hit !== undefined) return { ...hit, archivePath: `${base}.tar`, cached: true, seconds: seconds() };
  await mkdir(opts.cacheRoot, { recursive: true });
  const work = await mkdtemp(join(opts.cacheRoot, `.work-${spec.name}-`));
  try {
    const tmp = join(work, 'archive.tar');
    const { manifestDigest, layerBytes } = await writeArchive(spec, work, tmp, opts);
    const rec: Record_ = {
      name: spec.name,
      ref: spec.ref,
      key,
      bytes: (await stat(tmp)).size,
      sha256: await sha256File(tmp, opts.signal),
      manifestDigest,
      layerBytes,
    };
    // Older archives of this image go; this key's files are replaced by rename, never removed, so a
    // concurrent build of the same inputs never sees them missing.
    for (const n of await readdir(opts.cacheRoot)) {
      const rest = n.slice(spec.name.length + 1);
      if (n.startsWith(`${spec.name}-`) && /^[0-9a-f]{16}\.(tar|json)$/.test(rest) && !rest.startsWith(key))
        await rm(join(opts.cacheRoot, n), { force: true });
    }
    await rename(tmp, `${base}.tar`);
    await writeFile(join(work, 'record.json'), `${JSON.stringify(rec, null, 2)}\n`);
    await rename(join(work, 'record.json'), `${base}.json`);
    return { ...rec, archivePath: `${base}.tar`, cached: false, seconds: seconds() };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
