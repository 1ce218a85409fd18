import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

/** One entry of a directory tree, its path relative to the root with `/` separators. */
export interface TreeEntry {
  path: string;
  type: 'dir' | 'file' | 'symlink';
  mode: number;
  size: number;
  linkTarget?: string;
}

function byName(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * Walks a tree depth first with names in byte order, so every consumer (tar, audit, size report)
 * sees the same order whatever the file system returns. Anything but dirs, files and symlinks is
 * refused: an image holds nothing else.
 */
export async function walkTree(root: string, signal?: AbortSignal): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  async function visit(rel: string): Promise<void> {
    signal?.throwIfAborted();
    const names = (await readdir(join(root, rel))).sort(byName);
    for (const name of names) {
      const path = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(join(root, path));
      const mode = st.mode & 0o7777;
      if (st.isDirectory()) {
        out.push({ path, type: 'dir', mode, size: 0 });
        await visit(path);
      } else if (st.isFile()) out.push({ path, type: 'file', mode, size: st.size });
      else if (st.isSymbolicLink())
        out.push({ path, type: 'symlink', mode, size: 0, linkTarget: await readlink(join(root, path)) });
      else throw new Error(`${join(root, path)} is neither a file, a directory nor a symlink`);
    }
  }
  await visit('');
  return out;
}
