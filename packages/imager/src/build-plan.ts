import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VersionTag } from '@bronze/machinery';
import { bundleInit, type BundleResult } from './bundle.ts';
import { hostPath, sha256File, verifyComponentFile, type Component } from './components.ts';
import { resolveLibraries, type Library } from './libraries.ts';
import { runTool } from './run-tool.ts';

/** Bump when the image layout changes in a way the hashed inputs do not show. */
export const BuilderFormat = 1;

export interface PlannedFile {
  component: string;
  from: string;
  to: string;
  sha256: string;
  strip: boolean;
}

/** Everything a build will put in the image, each input pinned by its digest, and the cache key. */
export interface BuildPlan {
  files: PlannedFile[];
  libraries: (Library & { sha256: string })[];
  bundle: BundleResult;
  osRelease: string;
  tools: Record<string, string>;
  components: Component[];
  key: string;
}

export function osRelease(tag: string): string {
  return ['NAME="Bronze"', 'ID=bronze', `VERSION_ID=${tag}`, `PRETTY_NAME="Bronze (${tag})"`, ''].join('\n');
}

async function firstLine(cmd: string, args: string[], signal?: AbortSignal): Promise<string> {
  const r = await runTool(cmd, args, { signal, allowFailure: true });
  return (r.stdout + r.stderr).split('\n')[0]?.trim() ?? '';
}

/** A digest of the builder's own sources, so a change to how images are made invalidates the cache. */
async function builderDigest(): Promise<string> {
  const dir = import.meta.dirname;
  const hash = createHash('sha256');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts')).sort();
  for (const n of names) hash.update(`${n}\0${await sha256File(join(dir, n))}\n`);
  return hash.digest('hex');
}

export interface PlanOptions {
  repoRoot: string;
  components: Component[];
  /** A scratch directory for the bundle. */
  workDir: string;
  signal?: AbortSignal | undefined;
  onProgress?: ((line: string) => void) | undefined;
}

/** Verifies every pinned input, resolves the libraries, bundles /sbin/init and derives the cache key. */
export async function planBuild(options: PlanOptions): Promise<BuildPlan> {
  const { repoRoot, signal } = options;
  const progress = options.onProgress ?? (() => undefined);
  progress(`verifying ${String(options.components.length)} pinned components`);
  const files: PlannedFile[] = [];
  for (const c of options.components) {
    for (const f of c.files) {
      const from = await verifyComponentFile(c, f, { repoRoot, signal });
      files.push({ component: c.name, from, to: f.to, sha256: f.sha256, strip: c.strip === true });
    }
  }
  progress('resolving shared libraries with ldd');
  const libs = await resolveLibraries(
    options.components
      .flatMap((c) => c.files.map((f) => hostPath(f, repoRoot)))
      .filter((p) => !/\.(crt|tar|json)$/.test(p)),
    { signal },
  );
  const libraries = [];
  for (const l of libs) libraries.push({ ...l, sha256: await sha256File(l.from, signal) });
  progress('bundling machined, apid and trustd');
  const bundle = await bundleInit(join(options.workDir, 'init.mjs'), { repoRoot, signal });
  if (bundle.status === 'skipped') progress(`warning: ${bundle.reason}`);
  const tools = {
    mksquashfs: await firstLine('mksquashfs', ['-version'], signal),
    strip: await firstLine('strip', ['--version'], signal),
  };
  const key = createHash('sha256')
    .update(
      JSON.stringify({
        format: BuilderFormat,
        builder: await builderDigest(),
        files: files.map((f) => [f.to, f.sha256, f.strip]),
        libraries: libraries.map((l) => [l.to, l.sha256]),
        bundle: bundle.status === 'bundled' ? bundle.sha256 : 'skipped',
        osRelease: osRelease(VersionTag),
        tools,
      }),
    )
    .digest('hex');
  return { files, libraries, bundle, osRelease: osRelease(VersionTag), tools, components: options.components, key };
}
