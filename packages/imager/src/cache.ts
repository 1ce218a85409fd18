import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** How many built images the cache keeps; each is the squashfs plus the OCI layout. */
export const CacheKeep = 3;
/** Work directories older than this belong to builds that died; younger ones may be running. */
const StaleWorkMs = 6 * 3_600_000;

/**
 * Removes all but the `keep` most recently used cache entries (never `current`) and the work
 * directories of builds that died. Returns the names it removed.
 */
export async function pruneCache(
  cacheDir: string,
  options: { current: string; keep?: number; now?: number },
): Promise<string[]> {
  const keep = options.keep ?? CacheKeep;
  const now = options.now ?? Date.now();
  const entries: { name: string; mtime: number }[] = [];
  const removed: string[] = [];
  for (const name of await readdir(cacheDir)) {
    const mtime = (await stat(join(cacheDir, name))).mtimeMs;
    if (/^[0-9a-f]{64}$/.test(name)) entries.push({ name, mtime });
    else if (name.startsWith('work-') && now - mtime > StaleWorkMs) removed.push(name);
  }
  entries.sort((a, b) => b.mtime - a.mtime || a.name.localeCompare(b.name));
  const others = entries.filter((e) => e.name !== options.current);
  for (const e of others.slice(Math.max(0, keep - 1))) removed.push(e.name);
  for (const name of removed) await rm(join(cacheDir, name), { recursive: true, force: true });
  return removed;
}
