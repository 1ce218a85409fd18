import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { componentsFile, loadComponents, sha256File } from '../components.ts';
import { ImageError } from '../image-error.ts';
import { buildComponent, defaultComponentCache, type BuildComponentOptions } from './build-component.ts';
import { buildImageArchive, type ComponentImage, type ImageInput } from './component-image.ts';
import { ComponentImagesDir, componentImageSpecs, type ComponentImageSpec } from './image-specs.ts';
import { hostProgramExtras, mergeExtras } from './host-programs.ts';
import { iptablesExtras, type ImageExtras } from './iptables-files.ts';
import { upstreamComponent } from './upstream-list.ts';

/** `.cache/component-images` at the repository root, beside the component builds. */
export const defaultImageCache = join(defaultComponentCache, '..', 'component-images');

/** The file that lists the archives of a node, beside them: what the node imports at boot. */
export const ImageIndexFile = 'index.json';

export interface BuildComponentImagesOptions {
  /** Images to build (names or refs); all of componentImageSpecs by default. */
  names?: readonly string[];
  imageCache?: string;
  componentCache?: string;
  /** Rewrites the archives even when cached (the binaries still come from their cache). */
  force?: boolean;
  /** Refuse to build a missing binary (minutes each): fail and say which command builds it. */
  cachedBinariesOnly?: boolean;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /** The component list's CA bundle by default (packages/imager/components.json). */
  caCertificates?: ImageInput;
  go?: BuildComponentOptions['go'];
}

/** The CA bundle the node image pins (components.json, `ca-certificates`), checked against its digest. */
export async function pinnedCaCertificates(signal?: AbortSignal): Promise<ImageInput> {
  const components = await loadComponents(componentsFile);
  const file = components
    .find((c) => c.name === 'ca-certificates')
    ?.files.find((f) => f.to === '/etc/ssl/certs/ca-certificates.crt');
  if (file === undefined)
    throw new ImageError('bad-components', `${componentsFile} pins no /etc/ssl/certs/ca-certificates.crt`);
  const actual = await sha256File(file.from, signal).catch((err: unknown) => {
    throw new ImageError('missing-input', `cannot read ${file.from}: install ca-certificates`, { cause: err });
  });
  if (actual !== file.sha256)
    throw new ImageError('checksum-mismatch', `${file.from} has sha256 ${actual}, components.json pins ${file.sha256}`);
  return { path: file.from, sha256: actual };
}

function pickSpecs(names: readonly string[] | undefined): ComponentImageSpec[] {
  if (names === undefined || names.length === 0) return [...componentImageSpecs];
  return names.map((n) => {
    const s = componentImageSpecs.find((x) => x.name === n || x.ref === n);
    if (s === undefined)
      throw new ImageError(
        'bad-components',
        `unknown component image ${n}; known: ${componentImageSpecs.map((x) => x.name).join(', ')}`,
      );
    return s;
  });
}

/** The binary of an upstream component from its cache (or built now unless cachedBinariesOnly). */
export async function componentBinary(name: string, opts: BuildComponentImagesOptions = {}): Promise<ImageInput> {
  const c = upstreamComponent(name);
  if (c === undefined) throw new ImageError('bad-components', `${name} is not in the pinned component list`);
  const b = await buildComponent(c, {
    cacheRoot: opts.componentCache ?? defaultComponentCache,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    ...(opts.onProgress === undefined ? {} : { onProgress: opts.onProgress }),
    ...(opts.go === undefined ? {} : { go: opts.go }),
    ...(opts.cachedBinariesOnly === true
      ? {
          onBuild: () => {
            throw new ImageError(
              'missing-input',
              `${name} ${c.version} is not built yet: run osctl image components build ${name} (minutes on two cores)`,
            );
          },
        }
      : {}),
  });
  return { path: b.path, sha256: b.sha256 };
}

/**
 * Builds (or takes from the cache) the archive of every component image: binaries from the
 * component cache, CA bundle from the node image's pinned list. Same inputs, same bytes.
 */
export async function buildComponentImages(opts: BuildComponentImagesOptions = {}): Promise<ComponentImage[]> {
  const specs = pickSpecs(opts.names);
  const ca = specs.some((s) => s.caCertificates)
    ? (opts.caCertificates ?? (await pinnedCaCertificates(opts.signal)))
    : undefined;
  const iptables: ImageExtras | undefined = specs.some((s) => s.iptables === true)
    ? await iptablesExtras(opts.signal)
    : undefined;
  const out: ComponentImage[] = [];
  for (const spec of specs) {
    const binary = await componentBinary(spec.component, opts);
    const parts: ImageExtras[] = [];
    if (spec.iptables === true && iptables !== undefined) parts.push(iptables);
    if (spec.programs !== undefined) parts.push(await hostProgramExtras(spec.programs, opts.signal));
    const img = await buildImageArchive(spec, {
      binary,
      ...(ca === undefined ? {} : { caCertificates: ca }),
      ...(parts.length === 0 ? {} : { extras: mergeExtras(...parts) }),
      cacheRoot: opts.imageCache ?? defaultImageCache,
      ...(opts.force === undefined ? {} : { force: opts.force }),
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    if (!img.cached)
      opts.onProgress?.(
        `${spec.ref}: ${String(img.bytes)} bytes in ${img.seconds.toFixed(1)} s (${img.manifestDigest})`,
      );
    out.push(img);
  }
  return out;
}

/** One entry of a node's image index: an archive and the reference it imports under. */
export interface ImageIndexEntry {
  ref: string;
  /** File name inside the images directory. */
  file: string;
  manifestDigest: string;
}

/** The index a node reads at boot (`usr/share/bronze/images/index.json`), sorted by file name. */
export function imageIndex(images: readonly ComponentImage[]): ImageIndexEntry[] {
  return images
    .map((i) => ({ ref: i.ref, file: `${i.name}.tar`, manifestDigest: i.manifestDigest }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * The archives a node imports into containerd's `k8s.io` namespace at boot: read from the index
 * the image builder wrote under `root` (`/` on a node), each with its absolute path.
 */
export async function nodeImageArchives(
  root = '/',
): Promise<{ ref: string; archivePath: string; manifestDigest: string }[]> {
  const dir = join(root, ComponentImagesDir);
  const path = join(dir, ImageIndexFile);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ImageError(
      'missing-input',
      `cannot read the image index ${path}: is this a node image built with images?`,
      {
        cause: err,
      },
    );
  }
  const list = Array.isArray(doc) ? (doc as unknown[]) : [];
  return list.flatMap((e) => {
    const r = (typeof e === 'object' && e !== null ? e : {}) as Record<string, unknown>;
    const ref = r['ref'];
    const file = r['file'];
    const digest = r['manifestDigest'];
    if (typeof ref !== 'string' || typeof file !== 'string' || file.includes('/') || typeof digest !== 'string')
      return [];
    return [{ ref, archivePath: join(dir, file), manifestDigest: digest }];
  });
}
