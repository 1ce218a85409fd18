import { cp, mkdir, mkdtemp, readFile, rename, rm, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VersionTag } from '@bronze/machinery';
import { auditRootfs, type AuditResult } from './audit.ts';
import { planBuild, type BuildPlan } from './build-plan.ts';
import { pruneCache } from './cache.ts';
import { componentsFile, loadComponents, sha256File } from './components.ts';
import { ImageError } from './image-error.ts';
import { kubernetesComponents } from './kubernetes-files.ts';
import { ImageRepository, writeOciLayout, type OciResult } from './oci.ts';
import { assembleRootfs, normalizeDirModes } from './rootfs.ts';
import { sizeReport, type SizeReport } from './size-report.ts';
import { makeSquashfs } from './squashfs.ts';
import { walkTree } from './tree.ts';
import { pathExists } from './path-exists.ts';

/** The names of a build's outputs inside its out directory (and inside a cache entry). */
export const ImageFiles = {
  squashfs: 'rootfs.squashfs',
  sha256: 'rootfs.squashfs.sha256',
  sizeReport: 'size-report.json',
  manifest: 'manifest.json',
  oci: 'oci',
} as const;

/** manifest.json: what went into an image and what came out, keyed by the digest of its inputs. */
export interface ImageManifest {
  key: string;
  version: string;
  components: { name: string; version: string; source: string }[];
  files: { path: string; component: string; sha256: string }[];
  libraries: { path: string; from: string; sha256: string }[];
  bundle: { status: 'bundled'; sha256: string; bytes: number } | { status: 'skipped'; reason: string };
  squashfs: { sha256: string; bytes: number };
  oci: { manifest: string; layer: string; diffId: string; ref: string };
  tools: Record<string, string>;
  audit: { files: number; elfFiles: number };
}

export interface BuildOptions {
  outDir: string;
  /** Rebuild even when the cache has this image, and replace a different image in outDir. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
  /** Defaults to the checkout this package lives in. */
  repoRoot?: string;
  /** Defaults to REPO/.cache/imager. */
  cacheDir?: string;
  componentsFile?: string;
}

export interface BuildResult {
  outDir: string;
  squashfs: string;
  sha256: string;
  oci: string;
  manifest: ImageManifest;
  sizeReport: SizeReport;
  /** True when nothing was built: the cache (or outDir) already held this image. */
  cached: boolean;
}

/** The name the image is loaded under: localhost/bronze/node:VERSION. */
export function imageRef(): string {
  return `${ImageRepository}:${VersionTag}`;
}

export const defaultRepoRoot = resolve(import.meta.dirname, '..', '..', '..');

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

function manifestOf(
  plan: BuildPlan,
  audit: AuditResult,
  squashfs: ImageManifest['squashfs'],
  oci: OciResult,
): ImageManifest {
  return {
    key: plan.key,
    version: VersionTag,
    components: plan.components.map((c) => ({
      name: c.name,
      version: c.version,
      source: `${c.source.kind}:${c.source.package}`,
    })),
    files: plan.files.map((f) => ({ path: f.to, component: f.component, sha256: f.sha256 })),
    libraries: plan.libraries.map((l) => ({ path: l.to, from: l.from, sha256: l.sha256 })),
    bundle:
      plan.bundle.status === 'bundled'
        ? { status: 'bundled', sha256: plan.bundle.sha256, bytes: plan.bundle.bytes }
        : plan.bundle,
    squashfs,
    oci: { manifest: oci.manifest.digest, layer: oci.layer.digest, diffId: oci.diffId, ref: imageRef() },
    tools: plan.tools,
    audit: { files: audit.files, elfFiles: audit.elfFiles },
  };
}

/** Builds every output of `plan` into `dir` from a fresh root file system under `workDir`. */
async function buildInto(plan: BuildPlan, dir: string, workDir: string, options: BuildOptions): Promise<void> {
  const { signal, onProgress } = options;
  const root = join(workDir, 'rootfs');
  await mkdir(root);
  const assembled = await assembleRootfs(plan, root, { signal, onProgress });
  await normalizeDirModes(root, signal);
  onProgress?.('auditing the root file system');
  const audit = await auditRootfs(root, signal);
  if (audit.errors.length > 0)
    throw new ImageError('audit-failed', `the root file system fails its audit:\n  ${audit.errors.join('\n  ')}`);
  await mkdir(dir, { recursive: true });
  const squashfsPath = join(dir, ImageFiles.squashfs);
  const entries = await walkTree(root, signal);
  onProgress?.('oci: writing the layer (tar.gz)');
  const [squashfsBytes, oci] = await Promise.all([
    makeSquashfs(root, squashfsPath, { signal, onProgress }),
    writeOciLayout(root, entries, { dir: join(dir, ImageFiles.oci), ref: imageRef(), signal }),
  ]);
  onProgress?.(`oci: layer ${oci.layer.digest} (${String(oci.layer.size)} bytes)`);
  const sha256 = await sha256File(squashfsPath, signal);
  await writeFile(join(dir, ImageFiles.sha256), `${sha256}  ${ImageFiles.squashfs}\n`, { mode: 0o644 });
  const report = sizeReport(assembled.parts, {
    squashfsBytes,
    ociLayerBytes: oci.layer.size,
    stripped: assembled.stripped,
  });
  await writeFile(join(dir, ImageFiles.sizeReport), `${JSON.stringify(report, null, 2)}\n`, { mode: 0o644 });
  const manifest = manifestOf(plan, audit, { sha256, bytes: squashfsBytes }, oci);
  await writeFile(join(dir, ImageFiles.manifest), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
}

/** Copies a cache entry to outDir: each file through a temporary name, so a failure loses nothing. */
async function publish(entry: string, outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const ociTmp = join(outDir, `.${ImageFiles.oci}.tmp-${String(process.pid)}`);
  await rm(ociTmp, { recursive: true, force: true });
  await cp(join(entry, ImageFiles.oci), ociTmp, { recursive: true });
  await rm(join(outDir, ImageFiles.oci), { recursive: true, force: true });
  await rename(ociTmp, join(outDir, ImageFiles.oci));
  for (const name of [ImageFiles.squashfs, ImageFiles.sha256, ImageFiles.sizeReport, ImageFiles.manifest]) {
    const tmp = join(outDir, `.${name}.tmp-${String(process.pid)}`);
    await cp(join(entry, name), tmp);
    await rename(tmp, join(outDir, name));
  }
}

async function result(outDir: string, cached: boolean): Promise<BuildResult> {
  const manifest = await readJson<ImageManifest>(join(outDir, ImageFiles.manifest));
  return {
    outDir,
    squashfs: join(outDir, ImageFiles.squashfs),
    sha256: manifest.squashfs.sha256,
    oci: join(outDir, ImageFiles.oci),
    manifest,
    sizeReport: await readJson<SizeReport>(join(outDir, ImageFiles.sizeReport)),
    cached,
  };
}

/** Refuses to replace a different image in outDir without force; true when outDir already has this one. */
async function checkOut(outDir: string, key: string, force: boolean): Promise<boolean> {
  const manifestPath = join(outDir, ImageFiles.manifest);
  if (await pathExists(manifestPath)) {
    const old = await readJson<Partial<ImageManifest>>(manifestPath);
    if (old.key === key && (await pathExists(join(outDir, ImageFiles.squashfs)))) return !force;
    if (!force)
      throw new ImageError(
        'output-exists',
        `${outDir} already holds a different image (${String(old.key)}); pass --force to replace it`,
      );
  } else if (!force && (await pathExists(join(outDir, ImageFiles.squashfs))))
    throw new ImageError(
      'output-exists',
      `${join(outDir, ImageFiles.squashfs)} already exists; pass --force to replace it`,
    );
  return false;
}

/**
 * Builds the node image into `outDir`: rootfs.squashfs (+ .sha256), the OCI layout in oci/,
 * size-report.json and manifest.json. A build whose inputs (pinned components, libraries,
 * bundle, tools, builder) hash to a key already in the cache is copied from there.
 */
export async function buildImage(options: BuildOptions): Promise<BuildResult> {
  const repoRoot = options.repoRoot ?? defaultRepoRoot;
  const cacheDir = options.cacheDir ?? join(repoRoot, '.cache', 'imager');
  const outDir = resolve(options.outDir);
  const force = options.force === true;
  await mkdir(cacheDir, { recursive: true });
  const workDir = await mkdtemp(join(cacheDir, 'work-'));
  try {
    const components = await loadComponents(options.componentsFile ?? componentsFile);
    // etcd, kubelet, the flannel CNI plugin and the component images (kubernetes-files.ts), from
    // the component cache (.cache/components).
    components.push(
      ...(await kubernetesComponents({
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      })),
    );
    const plan = await planBuild({
      repoRoot,
      components,
      workDir,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    if (await checkOut(outDir, plan.key, force)) {
      options.onProgress?.(`${outDir} is up to date (${plan.key.slice(0, 12)})`);
      return await result(outDir, true);
    }
    const entry = join(cacheDir, plan.key);
    const hit = !force && (await pathExists(join(entry, ImageFiles.manifest)));
    if (hit) options.onProgress?.(`cache hit ${plan.key.slice(0, 12)}: copying the image from ${entry}`);
    else {
      options.onProgress?.(`building image ${plan.key.slice(0, 12)}`);
      const fresh = join(workDir, 'out');
      await buildInto(plan, fresh, workDir, options);
      await rm(entry, { recursive: true, force: true });
      await rename(fresh, entry);
    }
    await publish(entry, outDir);
    const now = new Date();
    await utimes(entry, now, now);
    const pruned = await pruneCache(cacheDir, { current: plan.key });
    if (pruned.length > 0) options.onProgress?.(`cache: removed ${String(pruned.length)} old entries`);
    return await result(outDir, hit);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
