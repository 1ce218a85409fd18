import { resolve } from 'node:path';
import { isOutputExistsError, writeFilesAtomic, type OutputFile } from '@bronze/machinery';
import type { Io } from '../io.ts';

/**
 * Writes the files of a `gen` command all or nothing, mode 0600 (every one is a key, a
 * certificate next to its key, or a hash of one), and reports each as talosctl does.
 */
export async function writeGenFiles(
  io: Io,
  files: readonly { name: string; data: string }[],
  options: { force: boolean },
): Promise<void> {
  const out: OutputFile[] = files.map((f) => ({ path: resolve(io.cwd, f.name), data: f.data, mode: 0o600 }));
  try {
    await writeFilesAtomic(out, { force: options.force });
  } catch (err) {
    if (isOutputExistsError(err)) throw err;
    throw new Error(`failed to write ${files.map((f) => f.name).join(', ')}`, { cause: err });
  }
  for (const f of out) io.err(`Created ${f.path}\n`);
}

/** Repeatable option values (commander's collect). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** An hours flag as a positive integer number of milliseconds. */
export function hoursToMs(value: string, flag: string): number {
  const hours = Number(value);
  if (!Number.isInteger(hours) || hours <= 0)
    throw new Error(`${flag} must be a positive whole number of hours, got ${JSON.stringify(value)}`);
  return hours * 3_600_000;
}
