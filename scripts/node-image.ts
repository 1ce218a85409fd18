// The node image, built (from the imager's cache when its inputs did not change) and loaded into the
// container engine when the engine lacks it or holds an older build. Used by scripts/dev cluster, the
// docker e2e tests and bench/cluster.ts; run directly (node scripts/node-image.ts [--socket PATH]) it
// does the same and prints the image's name, so tests inside packages/ (which may not import the
// imager) can run it as a program.
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildImage,
  defaultRepoRoot,
  imageRef,
  isImageError,
  ociArchive,
  type BuildOptions,
  type BuildResult,
} from '@bronze/imager';
import { engineClient, isEngineError, resolveDockerHost } from '@bronze/provision';
import { formatErrorChain } from '@bronze/machinery';

export interface NodeImageOptions {
  /** The engine's unix socket (default: resolveDockerHost()). */
  socketPath?: string;
  /** Where the build is published (default REPO/.cache/node-image; only this helper writes there). */
  outDir?: string;
  /** Rebuild without the imager's cache (a cold build). */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (line: string) => void;
}

export interface NodeImage {
  ref: string;
  build: BuildResult;
  /** True when the build came from the cache (or the out directory). */
  cached: boolean;
  /** What the engine needed: nothing, a first load, or a newer build replacing an older one. */
  loaded: 'present' | 'loaded' | 'replaced';
  buildMs: number;
  loadMs: number;
}

export const defaultOutDir = join(defaultRepoRoot, '.cache', 'node-image');
const lockWaitMs = 15 * 60_000;

/** Serializes builds into one out directory across processes (test files run in parallel). */
export async function withLock<T>(dir: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  await mkdir(dirname(dir), { recursive: true });
  const path = `${dir}.lock`;
  const started = Date.now();
  for (;;) {
    signal?.throwIfAborted();
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than the longest build is left by a killed process.
      const age =
        Date.now() -
        (await stat(path).then(
          (s) => s.mtimeMs,
          () => Date.now(),
        ));
      if (age > lockWaitMs) await rm(path, { force: true });
      else if (Date.now() - started > lockWaitMs)
        throw new Error(`${path} is held for too long: remove it`, { cause: err });
      else await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(path, { force: true });
  }
}

/** buildImage into a directory only this helper writes: an older image there is replaced. */
async function buildInto(options: BuildOptions): Promise<BuildResult> {
  try {
    return await buildImage(options);
  } catch (err) {
    if (!isImageError(err) || err.code !== 'output-exists') throw err;
    await rm(options.outDir, { recursive: true, force: true });
    return buildImage(options);
  }
}

/** The image in the engine on `socketPath` is the one `options` builds; builds and loads as needed. */
export async function ensureNodeImage(options: NodeImageOptions = {}): Promise<NodeImage> {
  const socketPath = options.socketPath ?? resolveDockerHost();
  const outDir = options.outDir ?? defaultOutDir;
  const say = options.onProgress ?? (() => undefined);
  const engine = engineClient(socketPath);
  const ref = imageRef();
  return withLock(
    outDir,
    async () => {
      let t = performance.now();
      const build = await buildInto({
        outDir,
        force: options.force === true,
        ...(options.signal ? { signal: options.signal } : {}),
        onProgress: (l) => {
          say(`image: ${l}`);
        },
      });
      const buildMs = performance.now() - t;
      t = performance.now();
      const present = await engine.inspectImage(ref).catch((err: unknown) => {
        if (isEngineError(err, 404)) return undefined;
        throw err;
      });
      const want = build.manifest.oci.diffId;
      if (present?.RootFS?.Layers?.[0] === want)
        return { ref, build, cached: build.cached, loaded: 'present', buildMs, loadMs: 0 };
      say(`image: loading ${ref} (${want.slice(7, 19)}) into the engine on ${socketPath}`);
      const sig = options.signal ? { signal: options.signal } : {};
      await engine.loadImage(ociArchive(build.oci, options.signal), sig);
      const loaded = await engine.inspectImage(ref, sig);
      if (loaded.RootFS?.Layers?.[0] !== want)
        throw new Error(`the engine on ${socketPath} did not take ${ref} with layer ${want}`);
      // The build it replaced is now untagged: remove it by id, unless a node container still uses it.
      if (present !== undefined && present.Id !== loaded.Id) {
        await engine.removeImage(present.Id, sig).then(
          () => {
            say(`image: removed the replaced build ${present.Id.slice(0, 19)}`);
          },
          (err: unknown) => {
            if (!isEngineError(err, 409)) throw err;
            say(`image: the replaced build ${present.Id.slice(0, 19)} is still used by a container; remove it later`);
          },
        );
      }
      const loadMs = performance.now() - t;
      return { ref, build, cached: build.cached, loaded: present ? 'replaced' : 'loaded', buildMs, loadMs };
    },
    options.signal,
  );
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { socket: { type: 'string' }, force: { type: 'boolean' } } });
  try {
    const r = await ensureNodeImage({
      ...(values.socket === undefined ? {} : { socketPath: values.socket }),
      force: values.force === true,
      onProgress: (l) => process.stderr.write(`${l}\n`),
    });
    process.stdout.write(`${r.ref} ${r.loaded} (${r.cached ? 'build from the cache' : 'fresh build'})\n`);
  } catch (err) {
    process.stderr.write(`node-image: ${formatErrorChain(err)}\n`);
    process.exitCode = 1;
  }
}
