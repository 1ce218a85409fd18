import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** An output file that exists and may not be replaced (no --force). */
export class OutputExistsError extends Error {
  override readonly name = 'OutputExistsError';
  readonly path: string;

  constructor(path: string) {
    super(`file ${path} already exists: use --force to overwrite it`);
    this.path = path;
  }
}

export function isOutputExistsError(err: unknown): err is OutputExistsError {
  return err instanceof Error && err.name === 'OutputExistsError';
}

export interface OutputFile {
  path: string;
  data: string | Uint8Array;
  /** File mode; 0o600 for anything that holds a key or a token. */
  mode: number;
}

export interface WriteOptions {
  /** Replace existing files; without it an existing file is an OutputExistsError. */
  force?: boolean;
  signal?: AbortSignal;
}

/** Writes one file atomically (temp file + rename); see writeFilesAtomic. */
export async function writeFileAtomic(file: OutputFile, options: WriteOptions = {}): Promise<void> {
  await writeFilesAtomic([file], options);
}

/**
 * Writes several files all or nothing: every file goes to a temp file beside its target first,
 * and only when all are written are they moved into place. Without `force` an existing target is
 * refused before anything is written, and the final step links instead of renaming, so a file
 * that appears meanwhile is not overwritten either. On any failure the new files are removed and
 * existing ones are left as they were.
 */
export async function writeFilesAtomic(files: readonly OutputFile[], options: WriteOptions = {}): Promise<void> {
  const force = options.force === true;
  if (!force) {
    for (const file of files) {
      if (await exists(file.path)) throw new OutputExistsError(file.path);
    }
  }
  const temps: string[] = [];
  const placed: string[] = [];
  try {
    for (const file of files) {
      options.signal?.throwIfAborted();
      await mkdir(dirname(file.path), { recursive: true });
      const temp = join(dirname(file.path), `.${basename(file.path)}.${randomBytes(6).toString('hex')}.tmp`);
      temps.push(temp);
      await writeFile(temp, file.data, { mode: file.mode, flag: 'wx', flush: true });
    }
    options.signal?.throwIfAborted();
    for (const [i, file] of files.entries()) {
      const temp = temps[i] ?? '';
      if (force) {
        await rename(temp, file.path);
      } else {
        await link(temp, file.path).catch((err: unknown) => {
          throw isCode(err, 'EEXIST') ? new OutputExistsError(file.path) : err;
        });
        placed.push(file.path);
      }
    }
  } catch (err) {
    // Only files this call created are removed: with force, a renamed file replaced an old one
    // that is gone anyway, so it stays.
    await Promise.all(placed.map((p) => rm(p, { force: true })));
    throw err;
  } finally {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isCode(err, 'ENOENT')) return false;
    throw err;
  }
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof Error && 'code' in err && err.code === code;
}
