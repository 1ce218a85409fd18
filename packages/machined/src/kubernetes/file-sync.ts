// Keeps a directory's files equal to a map of name → content: a file is written (temp files +
// renames, so a reader never sees half of one) only when its content or mode differs, so its mtime
// tells when it last had to change; files of `owned` names absent from the map are removed.
import { chmod, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesAtomic } from '@bronze/machinery';

export interface SyncOptions {
  /** Mode of every file (0600 for keys) and of the directory. */
  fileMode: number;
  dirMode: number;
  /** Which names present in the directory but not in the map are removed (others are left). */
  owned: (name: string) => boolean;
  signal?: AbortSignal;
}

export interface SyncResult {
  written: string[];
  removed: string[];
}

export async function syncFiles(
  dir: string,
  files: Readonly<Record<string, string>>,
  options: SyncOptions,
): Promise<SyncResult> {
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    if (!(await same(join(dir, name), content, options.fileMode))) written.push(name);
  }
  const present = await readdir(dir).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  });
  if (present === undefined && written.length === 0) return { written, removed: [] };
  await mkdir(dir, { recursive: true, mode: options.dirMode });
  await chmod(dir, options.dirMode);
  // All changed files at once: each to a temp file first, then all renamed into place.
  await writeFilesAtomic(
    written.map((name) => ({ path: join(dir, name), data: files[name] ?? '', mode: options.fileMode })),
    { force: true, ...(options.signal === undefined ? {} : { signal: options.signal }) },
  );
  const removed: string[] = [];
  for (const name of present ?? []) {
    if (name in files || !options.owned(name)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return { written, removed };
}

async function same(path: string, content: string, mode: number): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    return text === content && (info.mode & 0o777) === mode;
  } catch {
    return false;
  }
}
