import { posix } from 'node:path';
import { sha256File } from '../components.ts';
import { ImageError } from '../image-error.ts';
import { LibDir, resolveLibraries } from '../libraries.ts';
import type { HostFile, ImageExtras, ImageLink } from './image-extras.ts';

/** A program of the build host an image carries, and where it goes in the image. */
export interface HostProgram {
  from: string;
  to: string;
}

const Loader = '/lib64/ld-linux-x86-64.so.2';

/** `/lib64/ld-linux-x86-64.so.2` pointing at the copy in the library directory, when a library list has it. */
export function loaderLink(libraryPaths: readonly string[]): ImageLink[] {
  const copy = `${LibDir}/ld-linux-x86-64.so.2`;
  return libraryPaths.includes(copy) ? [{ to: Loader, target: posix.relative('/lib64', copy) }] : [];
}

/** Host programs (a shell-free `cp` for an init container) with the libraries `ldd` names and the loader. */
export async function hostProgramExtras(programs: readonly HostProgram[], signal?: AbortSignal): Promise<ImageExtras> {
  const libs = await resolveLibraries(
    programs.map((p) => p.from),
    { signal },
  );
  const files: HostFile[] = [];
  for (const [from, to] of [
    ...programs.map((p) => [p.from, p.to] as const),
    ...libs.map((l) => [l.from, l.to] as const),
  ]) {
    const sha256 = await sha256File(from, signal).catch((err: unknown) => {
      throw new ImageError('missing-input', `cannot read ${from}, which a component image carries`, { cause: err });
    });
    files.push({ from, to, sha256, mode: 0o755 });
  }
  return { files, symlinks: loaderLink(libs.map((l) => l.to)), dirs: [] };
}

function byTo<T extends { to: string }>(items: readonly T[]): T[] {
  const m = new Map<string, T>();
  for (const i of items) if (!m.has(i.to)) m.set(i.to, i);
  return [...m.values()].sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
}

/** The union of several extras (first wins on the same image path), sorted so the key is stable. */
export function mergeExtras(...parts: readonly ImageExtras[]): ImageExtras {
  return {
    files: byTo(parts.flatMap((p) => p.files)),
    symlinks: byTo(parts.flatMap((p) => p.symlinks)),
    dirs: [...new Set(parts.flatMap((p) => p.dirs))].sort(),
  };
}
