import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import type { UpstreamComponent } from './upstream-component.ts';

/** What `.cache/components/NAME-VERSION/build.json` records about the binary beside it. */
export interface CachedBuild {
  key: string;
  name: string;
  version: string;
  binary: string;
  sha256: string;
  size: number;
  /** Wall-clock seconds the cold build took. */
  seconds: number;
  toolchain: string;
  builtAt: string;
}

/** The directory of one component's cached build: NAME-VERSION, made file-name safe. */
export function componentCacheDir(root: string, c: UpstreamComponent): string {
  return join(root, `${c.name}-${c.version}`.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/** Streams a file through sha-256. */
export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function isCachedBuild(v: unknown): v is CachedBuild {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r['key'] === 'string' && typeof r['sha256'] === 'string' && typeof r['size'] === 'number';
}

/**
 * The cached build of `c` under `key`, or undefined when there is none, it was made with another
 * key, or its binary is missing or altered (then it is rebuilt).
 */
export async function readCachedBuild(
  root: string,
  c: UpstreamComponent,
  opts: { key: string; signal?: AbortSignal },
): Promise<{ path: string; build: CachedBuild } | undefined> {
  const dir = componentCacheDir(root, c);
  let build: unknown;
  try {
    build = JSON.parse(await readFile(join(dir, 'build.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (!isCachedBuild(build) || build.key !== opts.key) return undefined;
  const path = join(dir, c.binary);
  let st: Stats;
  try {
    st = await stat(path);
  } catch {
    return undefined;
  }
  if (st.size !== build.size) return undefined;
  // A binary whose inode, size and times match the last full check is not hashed again (as git's
  // index does): a cached lookup stays fast, and any write or chmod to the file still shows.
  const seal = join(dir, VerifiedFile);
  if ((await readFile(seal, 'utf8').catch(() => '')) === fingerprint(st, build.sha256)) return { path, build };
  if ((await sha256File(path, opts.signal)) !== build.sha256) return undefined;
  const tmp = `${seal}.${String(process.pid)}`;
  await writeFile(tmp, fingerprint(st, build.sha256));
  await rename(tmp, seal);
  return { path, build };
}

/** Beside build.json: the stat of the binary when its digest was last checked in full. */
const VerifiedFile = 'verified';

function fingerprint(st: Stats, sha256: string): string {
  return `${String(st.dev)}:${String(st.ino)} ${String(st.size)} ${String(st.mtimeMs)} ${String(st.ctimeMs)} ${sha256}\n`;
}

/** A private directory beside the cache entries (same file system, so a rename into place is atomic). */
export async function makeWorkDir(root: string, c: UpstreamComponent): Promise<string> {
  await mkdir(root, { recursive: true });
  return mkdtemp(join(root, `.work-${c.name}-`));
}

/**
 * Moves a finished binary into the cache. The old record goes first and the new one last, so an
 * interruption at any point leaves either a complete entry or none (never a half binary under a key).
 */
export async function commitBuild(
  root: string,
  c: UpstreamComponent,
  opts: { built: string; record: Omit<CachedBuild, 'sha256' | 'size'> },
): Promise<{ path: string; build: CachedBuild }> {
  const dir = componentCacheDir(root, c);
  await mkdir(dir, { recursive: true });
  const sha256 = await sha256File(opts.built);
  const { size } = await stat(opts.built);
  await chmod(opts.built, 0o755);
  await rm(join(dir, 'build.json'), { force: true });
  await rm(join(dir, VerifiedFile), { force: true });
  const path = join(dir, c.binary);
  await rename(opts.built, path);
  const build: CachedBuild = { ...opts.record, sha256, size };
  const tmp = join(dir, `.build.json.${String(process.pid)}`);
  await writeFile(tmp, `${JSON.stringify(build, null, 2)}\n`);
  await rename(tmp, join(dir, 'build.json'));
  return { path, build };
}
