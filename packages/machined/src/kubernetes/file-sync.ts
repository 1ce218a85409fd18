// Keeps a directory's files equal to a map of name → content: a file is written (temp files +
// renames, so a reader never sees half of one) only when its content or mode differs, so its mtime
// tells when it last had to change; files of `owned` names absent from the map are removed. With
// `nested`, names are paths below the directory (`docker.io/hosts.toml`): every file below it is
// compared, and a subdirectory left empty by the removals goes too.
import { chmod, mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeFilesAtomic } from '@bronze/machinery';

/** A file's content, or its content and a mode other than the sync's fileMode. */
export type SyncEntry = string | { content: string; mode: number };

export interface SyncOptions {
  /** Mode of every file (0600 for keys) unless its entry says, and of the directory. */
  fileMode: number;
  dirMode: number;
  /** Which names present in the directory but not in the map are removed (others are left). */
  owned: (name: string) => boolean;
  /** Names are relative paths and subdirectories are part of the directory's content. */
  nested?: boolean;
  signal?: AbortSignal;
}

export interface SyncResult {
  written: string[];
  removed: string[];
}

export async function syncFiles(
  dir: string,
  files: Readonly<Record<string, SyncEntry>>,
  options: SyncOptions,
): Promise<SyncResult> {
  const contentOf = (e: SyncEntry): string => (typeof e === 'string' ? e : e.content);
  const modeOf = (e: SyncEntry): number => (typeof e === 'string' ? options.fileMode : e.mode);
  const written: string[] = [];
  for (const [name, entry] of Object.entries(files)) {
    if (!(await same(join(dir, name), contentOf(entry), modeOf(entry)))) written.push(name);
  }
  const present = await filesIn(dir, options.nested === true);
  if (present === undefined && written.length === 0) return { written, removed: [] };
  await mkdir(dir, { recursive: true, mode: options.dirMode });
  await chmod(dir, options.dirMode);
  // All changed files at once: each to a temp file first, then all renamed into place.
  await writeFilesAtomic(
    written.map((name) => {
      const entry = files[name] ?? '';
      return { path: join(dir, name), data: contentOf(entry), mode: modeOf(entry) };
    }),
    { force: true, ...(options.signal === undefined ? {} : { signal: options.signal }) },
  );
  const removed: string[] = [];
  for (const name of present ?? []) {
    if (name in files || !options.owned(name)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  if (options.nested === true) await removeEmptyDirs(dir);
  return { written, removed };
}

/** The file names in `dir` (relative paths of every file below it when nested); undefined when it is absent. */
async function filesIn(dir: string, nested: boolean): Promise<string[] | undefined> {
  try {
    if (!nested) return await readdir(dir);
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Removes the empty directories below `dir` (not `dir` itself), deepest first. */
async function removeEmptyDirs(dir: string): Promise<void> {
  const subdirs = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => join(e.parentPath, e.name))
    .sort((a, b) => b.length - a.length);
  for (const sub of subdirs) await rmdir(sub).catch(() => undefined);
}

async function same(path: string, content: string, mode: number): Promise<boolean> {
  try {
    const [info, text] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    return text === content && (info.mode & 0o777) === mode;
  } catch {
    return false;
  }
}
