import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageError } from '../image-error.ts';
import { cacheKey, cBuildArgs, driverGoMod, gentleLoad, goBuildArgs, goBuildEnv } from './build-plan.ts';
import type { BuildLoad } from './build-plan.ts';
import { commitBuild, makeWorkDir, readCachedBuild, sha256File } from './component-cache.ts';
import { downloadRelease } from './release-download.ts';
import { runStep } from './run-step.ts';
import type { UpstreamComponent } from './upstream-component.ts';

/** `.cache/components` at the repository root (gitignored). */
export const defaultComponentCache = join(import.meta.dirname, '..', '..', '..', '..', '.cache', 'components');

export interface BuildComponentOptions {
  cacheRoot?: string;
  /** The go command (a fake one in tests). */
  go?: string;
  gcc?: string;
  load?: BuildLoad;
  /** Rebuild even when a cached build with the same key exists. */
  force?: boolean;
  signal?: AbortSignal;
  /** Progress lines: start, elapsed time every `tickMs` (30 s), done. */
  onProgress?: (line: string) => void;
  tickMs?: number;
  /** Called before a cold build starts (not on a cache hit): throw to refuse building now. */
  onBuild?: () => void;
  /**
   * `release`: take a component's official release binary (its `release` in the list) instead of
   * building it; components without one are built. Default `source`, or $BRONZE_COMPONENTS_FROM.
   */
  from?: 'source' | 'release';
}

/** How a built binary compares with the checksum recorded in the pinned list. */
export type ChecksumStatus = 'match' | 'mismatch' | 'unrecorded' | 'other-toolchain';

export interface ComponentBuild {
  name: string;
  version: string;
  path: string;
  sha256: string;
  size: number;
  /** Whether the binary came from the cache (or a Debian package) rather than a build just now. */
  cached: boolean;
  /** Seconds this call took. */
  seconds: number;
  /** Seconds the cold build took (recorded in the cache entry). */
  buildSeconds: number;
  toolchain: string;
  checksum: ChecksumStatus;
}

interface Ctx {
  go: string;
  gcc: string;
  load: BuildLoad;
  signal: AbortSignal | undefined;
  progress: (line: string) => void;
  tickMs: number;
}

async function toolchainOf(c: UpstreamComponent, ctx: Ctx): Promise<string> {
  if (c.source.kind === 'c-in-module') {
    const r = await runStep(ctx.gcc, ['-dumpfullversion'], { signal: ctx.signal });
    return `gcc ${r.stdout.trim()}`;
  }
  const r = await runStep(ctx.go, ['env', 'GOVERSION'], { signal: ctx.signal, env: { GOTOOLCHAIN: 'local' } });
  return r.stdout.trim();
}

/** Fetches `module@version` into the module cache; returns its source dir and go.mod path. */
async function downloadModule(spec: string, ctx: Ctx, cwd: string): Promise<{ dir: string; goMod: string }> {
  const r = await runStep(ctx.go, ['mod', 'download', '-json', spec], {
    cwd,
    signal: ctx.signal,
    env: { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOWORK: 'off' },
  });
  let info: unknown;
  try {
    info = JSON.parse(r.stdout);
  } catch (err) {
    throw new ImageError('tool-failed', `go mod download ${spec} printed no JSON: ${r.stdout.slice(0, 200)}`, {
      cause: err,
    });
  }
  const rec = (typeof info === 'object' && info !== null ? info : {}) as Record<string, unknown>;
  const dir = rec['Dir'];
  const goMod = rec['GoMod'];
  if (typeof dir !== 'string' || typeof goMod !== 'string') {
    const why = typeof rec['Error'] === 'string' ? rec['Error'] : 'no Dir or GoMod';
    throw new ImageError(
      'tool-failed',
      `cannot fetch ${spec}: ${why}; is the module proxy reachable (go env GOPROXY)?`,
    );
  }
  return { dir, goMod };
}

async function buildInto(c: UpstreamComponent, out: string, work: string, ctx: Ctx): Promise<void> {
  const tick = (s: number): void => {
    ctx.progress(`${c.name}: still building, ${String(s)} s`);
  };
  const step = { cwd: work, signal: ctx.signal, nice: true, onTick: tick, tickMs: ctx.tickMs };
  const src = c.source;
  if (src.kind === 'go-module') {
    const version = src.moduleVersion ?? c.version;
    const mod = await downloadModule(`${src.module}@${version}`, ctx, work);
    await writeFile(join(work, 'go.mod'), driverGoMod(src, version, await readFile(mod.goMod, 'utf8')));
    await runStep(ctx.go, goBuildArgs(src, out, ctx.load), {
      ...step,
      env: goBuildEnv(src, ctx.load),
      label: `go build ${src.package}@${version}`,
    });
  } else if (src.kind === 'c-in-module') {
    const mod = await downloadModule(src.module, ctx, work);
    await runStep(ctx.gcc, cBuildArgs(src, mod.dir, out), { ...step, label: `gcc ${src.files.join(' ')}` });
  } else {
    throw new ImageError('bad-components', `${c.name} comes from the Debian package ${src.package}: it is not built`);
  }
}

function checksumStatus(c: UpstreamComponent, sha256: string, toolchain: string): ChecksumStatus {
  if (c.built === undefined) return 'unrecorded';
  if (c.built.toolchain !== toolchain) return 'other-toolchain';
  return c.built.sha256 === sha256 ? 'match' : 'mismatch';
}

async function debianComponent(c: UpstreamComponent, path: string, signal?: AbortSignal): Promise<ComponentBuild> {
  const started = performance.now();
  const info = await stat(path).catch((err: unknown) => {
    const pkg = c.source.kind === 'debian' ? c.source.package : c.name;
    throw new ImageError('missing-input', `${path} is missing: install it with apt-get install ${pkg}`, { cause: err });
  });
  const sha256 = await sha256File(path, signal);
  const seconds = (performance.now() - started) / 1000;
  return {
    name: c.name,
    version: c.version,
    path,
    sha256,
    size: info.size,
    cached: true,
    seconds,
    buildSeconds: 0,
    toolchain: 'debian',
    checksum: checksumStatus(c, sha256, 'debian'),
  };
}

/**
 * The binary of one pinned component: from the cache when a build with the same key (version,
 * toolchain, flags) is there, else built now (nice 19, -p 1) into a private directory and renamed
 * into the cache, so an interrupted build leaves nothing behind.
 */
export async function buildComponent(c: UpstreamComponent, opts: BuildComponentOptions = {}): Promise<ComponentBuild> {
  if (c.source.kind === 'debian') return debianComponent(c, c.source.path, opts.signal);
  const root = opts.cacheRoot ?? defaultComponentCache;
  const ctx: Ctx = {
    go: opts.go ?? 'go',
    gcc: opts.gcc ?? 'gcc',
    load: opts.load ?? gentleLoad,
    signal: opts.signal,
    progress: opts.onProgress ?? (() => undefined),
    tickMs: opts.tickMs ?? 30_000,
  };
  const started = performance.now();
  const from = opts.from ?? (process.env['BRONZE_COMPONENTS_FROM'] === 'release' ? 'release' : 'source');
  const release = from === 'release' ? c.release : undefined;
  const toolchain = release === undefined ? await toolchainOf(c, ctx) : `release ${release.sha256}`;
  const key = cacheKey(c, toolchain);
  const hit =
    opts.force === true
      ? undefined
      : await readCachedBuild(root, c, { key, ...(opts.signal ? { signal: opts.signal } : {}) });
  const result = (
    path: string,
    b: { sha256: string; size: number; seconds: number },
    cached: boolean,
  ): ComponentBuild => ({
    name: c.name,
    version: c.version,
    path,
    sha256: b.sha256,
    size: b.size,
    cached,
    seconds: (performance.now() - started) / 1000,
    buildSeconds: b.seconds,
    toolchain,
    checksum: release === undefined ? checksumStatus(c, b.sha256, toolchain) : 'match',
  });
  if (hit !== undefined) return result(hit.path, hit.build, true);
  opts.onBuild?.();
  ctx.progress(
    release === undefined
      ? `${c.name} ${c.version}: building with ${toolchain} (cache key ${key})`
      : `${c.name} ${c.version}: taking the release binary (cache key ${key})`,
  );
  const work = await makeWorkDir(root, c);
  try {
    const out = join(work, c.binary);
    if (release === undefined) await buildInto(c, out, work, ctx);
    else await downloadRelease(release, out, { ...(ctx.signal ? { signal: ctx.signal } : {}), progress: ctx.progress });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const record = {
      key,
      name: c.name,
      version: c.version,
      binary: c.binary,
      seconds,
      toolchain,
      builtAt: new Date().toISOString(),
    };
    const done = await commitBuild(root, c, { built: out, record });
    ctx.progress(`${c.name} ${c.version}: built in ${String(seconds)} s, ${String(done.build.size)} bytes`);
    return result(done.path, done.build, false);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
